import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { access, load } from '../../../../libs/application/src/index.js';
import { enterpriseDecider, filingDeadline, NotFoundError, type EnterpriseState, type MonthlyReportCorrected, type MonthlyReportFiled } from '../../../../libs/domain/src/index.js';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '../../../../libs/event-store/src/index.js';
import { findRegion } from '../../../../libs/reference/src/index.js';
import type { RequestContext } from '../http/auth.js';

export interface EnterpriseView {
  uscc: string;
  name: string;
  regionCode: string;
  regionName: string | null;
  segment: string | null;
  industryCode: string | null;
  productClasses: readonly string[];
  registeredOn: string;
  status: 'active' | 'deregistered';
  deregisteredFrom: string | null;
  locations: readonly { regionCode: string; effectiveFrom: string }[];
  periodsFiled: number;
  revision: number;
  recordedAt: string;
}

/** An enterprise stream as known at an instant, with the caller's access checked. */
async function loadEnterprise(store: EventStore, ctx: RequestContext, uscc: string, asOf?: string): Promise<{ state: EnterpriseState; events: RecordedEvent[] }> {
  const { state, events } = await load(store, enterpriseDecider, uscc, asOf);
  access.assertEnterpriseRead(ctx.principal, uscc, state.regionCode || undefined);
  if (state.status === 'unregistered') throw new NotFoundError(asOf ? `enterprise ${uscc} was not registered as of ${asOf}` : `enterprise ${uscc} is not registered`);
  return { state, events };
}

export class GetEnterpriseQuery extends Query<EnterpriseView> {
  constructor(
    readonly context: RequestContext,
    readonly uscc: string,
    readonly asOf?: string,
  ) {
    super();
  }
}

@QueryHandler(GetEnterpriseQuery)
export class GetEnterpriseHandler implements IQueryHandler<GetEnterpriseQuery> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ context, uscc, asOf }: GetEnterpriseQuery): Promise<EnterpriseView> {
    const { state, events } = await loadEnterprise(this.store, context, uscc, asOf);
    const last = events[events.length - 1];
    return {
      uscc: state.uscc,
      name: state.name,
      regionCode: state.regionCode,
      regionName: findRegion(state.regionCode)?.name ?? null,
      segment: state.segment,
      industryCode: state.industryCode,
      productClasses: state.productClasses,
      registeredOn: state.registeredOn,
      status: state.status === 'deregistered' ? 'deregistered' : 'active',
      deregisteredFrom: state.deregisteredFrom,
      locations: state.locations,
      periodsFiled: Object.keys(state.reports).length,
      revision: last.revision,
      recordedAt: last.recordedAt,
    };
  }
}

export interface ReportRevisionView {
  revision: number;
  recordedAt: string;
  actor: string;
  revenue: string;
  taxPaid: string;
  employees: number;
  reason?: string;
  explanations?: Record<string, string>;
}

export interface MonthlyReportView {
  uscc: string;
  period: string;
  revenue: string;
  taxPaid: string;
  employees: number;
  revision: number;
  recordedAt: string;
  flags: string[];
  history: ReportRevisionView[];
}

export class GetMonthlyReportQuery extends Query<MonthlyReportView> {
  constructor(
    readonly context: RequestContext,
    readonly uscc: string,
    readonly period: string,
    readonly asOf?: string,
  ) {
    super();
  }
}

@QueryHandler(GetMonthlyReportQuery)
export class GetMonthlyReportHandler implements IQueryHandler<GetMonthlyReportQuery> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ context, uscc, period, asOf }: GetMonthlyReportQuery): Promise<MonthlyReportView> {
    const { events } = await loadEnterprise(this.store, context, uscc, asOf);
    const revisions = events.filter(
      (e): e is RecordedEvent & (MonthlyReportFiled | MonthlyReportCorrected) =>
        (e.type === 'MonthlyReportFiled' || e.type === 'MonthlyReportCorrected') && (e.data as { period: string }).period === period,
    );
    if (!revisions.length) throw new NotFoundError(asOf ? `no report of ${uscc} for ${period} was known as of ${asOf}` : `${uscc} has not filed a report for ${period}`);
    const history: ReportRevisionView[] = revisions.map((e) => ({
      revision: e.data.reportRevision,
      recordedAt: e.recordedAt,
      actor: String(e.metadata.actor),
      revenue: e.data.revenue,
      taxPaid: e.data.taxPaid,
      employees: e.data.employees,
      ...(e.type === 'MonthlyReportCorrected' ? { reason: e.data.reason } : {}),
      ...(e.data.explanations ? { explanations: e.data.explanations } : {}),
    }));
    const latest = history[history.length - 1];
    const flags: string[] = [];
    if (latest.revision > 1) flags.push('revised');
    if (latest.explanations) flags.push('explained');
    if (history[0].recordedAt > filingDeadline(period)) flags.push('late');
    return {
      uscc,
      period,
      revenue: latest.revenue,
      taxPaid: latest.taxPaid,
      employees: latest.employees,
      revision: latest.revision,
      recordedAt: latest.recordedAt,
      flags,
      history,
    };
  }
}
