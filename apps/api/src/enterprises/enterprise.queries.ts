import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { access, load } from '../../../../libs/application/src/index.js';
import {
  annualFilingDeadline,
  currentMonthInChina,
  enterpriseDecider,
  type AnnualReportCorrected,
  type AnnualReportFiled,
  filingDeadline,
  formatFen,
  monthIndex,
  monthLabel,
  NotFoundError,
  reviewStatusOf,
  type EnterpriseEvent,
  type EnterpriseState,
  type MonthlyReportCorrected,
  type MonthlyReportFiled,
  type ReviewStatus,
} from '../../../../libs/domain/src/index.js';
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
  /** closed, merged, moved_away, other; unrecorded for deregistrations recorded before the kind was; null while registered. */
  deregistrationKind: string | null;
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

/** A read of one enterprise as known at an instant (now when undefined), by a caller allowed to read it. */
abstract class EnterpriseRead<T> extends Query<T> {
  constructor(
    readonly context: RequestContext,
    readonly uscc: string,
    readonly asOf?: string,
  ) {
    super();
  }
}

export class GetEnterpriseQuery extends EnterpriseRead<EnterpriseView> {}

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
      deregistrationKind: state.deregistrationKind,
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

export interface QueryView {
  queryId: string;
  question: string;
  /** The report revision the question was about. */
  reportRevision: number;
  askedAt: string;
  askedBy: string;
  /** The log position of the question (its receipt). */
  position: number;
  answer: string | null;
  answeredAt: string | null;
  /** Open (null) until the enterprise answers or corrects the report. */
  closedBy: 'answer' | 'correction' | null;
}

/** A filed month's review (审核): its status, the queries, whether it was sent back or accepted. */
export interface ReviewView {
  status: ReviewStatus;
  queries: QueryView[];
  returned: { reason: string; reportRevision: number; at: string; by: string } | null;
  accepted: { reportRevision: number; at: string; by: string } | null;
}

type PeriodEvent = RecordedEvent & EnterpriseEvent;

function notFiled(uscc: string, period: string, asOf?: string): NotFoundError {
  return new NotFoundError(asOf ? `no report of ${uscc} for ${period} was known as of ${asOf}` : `${uscc} has not filed a report for ${period}`);
}

/** The events of one month's report and its review, in order. */
function eventsOf(events: readonly RecordedEvent[], period: string): PeriodEvent[] {
  return (events as PeriodEvent[]).filter((e) => (e.data as { period?: string }).period === period);
}

/** The review of a filed month, from its events (who did what, and when). */
function reviewOf(state: EnterpriseState, events: readonly PeriodEvent[], period: string): ReviewView {
  const queries = new Map<string, QueryView>();
  let returned: ReviewView['returned'] = null;
  let accepted: ReviewView['accepted'] = null;
  for (const e of events) {
    const by = String(e.metadata.actor);
    if (e.type === 'FilingQueried')
      queries.set(e.data.queryId, { queryId: e.data.queryId, question: e.data.question, reportRevision: e.data.reportRevision, askedAt: e.recordedAt, askedBy: by, position: e.position, answer: null, answeredAt: null, closedBy: null });
    else if (e.type === 'QueryAnswered') {
      const q = queries.get(e.data.queryId);
      if (q) queries.set(q.queryId, { ...q, answer: e.data.answer, answeredAt: e.recordedAt, closedBy: 'answer' });
    } else if (e.type === 'MonthlyReportCorrected') {
      for (const q of queries.values()) if (q.closedBy === null) queries.set(q.queryId, { ...q, closedBy: 'correction' });
      returned = null;
    } else if (e.type === 'FilingReturned') returned = { reason: e.data.reason, reportRevision: e.data.reportRevision, at: e.recordedAt, by };
    else if (e.type === 'FilingAccepted') accepted = { reportRevision: e.data.reportRevision, at: e.recordedAt, by };
  }
  return { status: reviewStatusOf(state, period)!, queries: [...queries.values()], returned, accepted };
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
    const { state, events } = await loadEnterprise(this.store, context, uscc, asOf);
    const revisions = events.filter(
      (e): e is RecordedEvent & (MonthlyReportFiled | MonthlyReportCorrected) =>
        (e.type === 'MonthlyReportFiled' || e.type === 'MonthlyReportCorrected') && (e.data as { period: string }).period === period,
    );
    if (!revisions.length) throw notFiled(uscc, period, asOf);
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

export interface AnnualRevisionView {
  revision: number;
  recordedAt: string;
  actor: string;
  revenueByClass: Record<string, string>;
  revenue: string;
  exportRevenue: string;
  rdSpending: string;
  employees: number;
  reason?: string;
  explanations?: Record<string, string>;
}

/** An annual report (年报) with its history, beside the year's monthly reports it is checked against. */
export interface AnnualReportView extends Omit<AnnualRevisionView, 'actor' | 'reason'> {
  uscc: string;
  year: number;
  /** 31 March of the following year, end of day in China. */
  deadline: string;
  flags: string[];
  /** The year's monthly reports as known at the same instant: how many were filed and their revenue. */
  months: { filed: number; revenue: string };
  history: AnnualRevisionView[];
}

export class GetAnnualReportQuery extends Query<AnnualReportView> {
  constructor(
    readonly context: RequestContext,
    readonly uscc: string,
    readonly year: number,
    readonly asOf?: string,
  ) {
    super();
  }
}

@QueryHandler(GetAnnualReportQuery)
export class GetAnnualReportHandler implements IQueryHandler<GetAnnualReportQuery> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ context, uscc, year, asOf }: GetAnnualReportQuery): Promise<AnnualReportView> {
    const { state, events } = await loadEnterprise(this.store, context, uscc, asOf);
    const revisions = events.filter(
      (e): e is RecordedEvent & (AnnualReportFiled | AnnualReportCorrected) => (e.type === 'AnnualReportFiled' || e.type === 'AnnualReportCorrected') && (e.data as { year: number }).year === year,
    );
    if (!revisions.length) throw new NotFoundError(asOf ? `no annual report of ${uscc} for ${year} was known as of ${asOf}` : `${uscc} has not filed an annual report for ${year}`);
    const history: AnnualRevisionView[] = revisions.map(({ data: d, type, recordedAt, metadata }) => ({
      revision: d.reportRevision,
      recordedAt,
      actor: String(metadata.actor),
      revenueByClass: { ...d.revenueByClass },
      revenue: d.revenue,
      exportRevenue: d.exportRevenue,
      rdSpending: d.rdSpending,
      employees: d.employees,
      ...(type === 'AnnualReportCorrected' ? { reason: (d as AnnualReportCorrected['data']).reason } : {}),
      ...(d.explanations ? { explanations: d.explanations } : {}),
    }));
    const { actor: _actor, reason: _reason, ...latest } = history[history.length - 1];
    const deadline = annualFilingDeadline(year);
    const flags: string[] = [];
    if (latest.revision > 1) flags.push('revised');
    if (latest.explanations) flags.push('explained');
    if (history[0].recordedAt > deadline) flags.push('late');
    const months = Object.entries(state.reports).filter(([period]) => period.startsWith(`${year}-`));
    const monthsRevenue = months.reduce((sum, [, r]) => sum + BigInt(r.revenueFen), 0n);
    return { uscc, year, deadline, ...latest, flags, months: { filed: months.length, revenue: formatFen(monthsRevenue) }, history };
  }
}

export class GetFilingReviewQuery extends Query<ReviewView & { uscc: string; period: string; reportRevision: number }> {
  constructor(
    readonly context: RequestContext,
    readonly uscc: string,
    readonly period: string,
    readonly asOf?: string,
  ) {
    super();
  }
}

/**
 * The review of a filed month, a resource of its own: it changes without the report changing, so
 * it is not part of the report's representation (whose ETag is the report's revision).
 */
@QueryHandler(GetFilingReviewQuery)
export class GetFilingReviewHandler implements IQueryHandler<GetFilingReviewQuery> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ context, uscc, period, asOf }: GetFilingReviewQuery): Promise<ReviewView & { uscc: string; period: string; reportRevision: number }> {
    const { state, events } = await loadEnterprise(this.store, context, uscc, asOf);
    const report = state.reports[period];
    if (!report) throw notFiled(uscc, period, asOf);
    return { uscc, period, reportRevision: report.revision, ...reviewOf(state, eventsOf(events, period), period) };
  }
}

export type ObligationStatus = 'filed' | 'late' | 'missing' | 'due';

export interface ObligationView {
  period: string;
  /** The 15th of the following month, end of day in China. */
  deadline: string;
  /** filed (on time), late, missing (deadline passed, not filed), due (not filed yet, deadline to come). */
  status: ObligationStatus;
  filedAt: string | null;
  revision: number;
  review: ReviewStatus | null;
  openQueries: { queryId: string; question: string; askedAt: string }[];
  returned: { reason: string; at: string } | null;
  remindedAt: string | null;
}

export interface ObligationsView {
  uscc: string;
  name: string;
  asOf: string | null;
  summary: Record<ObligationStatus, number> & { openQueries: number; returned: number; reminders: number };
  obligations: ObligationView[];
  /** Annual reports (年报): every year from the registration year that has ended, before the deregistration. */
  annual: { year: number; deadline: string; status: ObligationStatus; filedAt: string | null; revision: number }[];
}

export class GetObligationsQuery extends EnterpriseRead<ObligationsView> {}

/**
 * The months an enterprise must file, from its registration month to the current month in China
 * (or the last before its deregistration), each with its deadline, filing status and review.
 */
@QueryHandler(GetObligationsQuery)
export class GetObligationsHandler implements IQueryHandler<GetObligationsQuery> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ context, uscc, asOf }: GetObligationsQuery): Promise<ObligationsView> {
    const { state, events } = await loadEnterprise(this.store, context, uscc, asOf);
    const now = asOf ?? new Date().toISOString();
    const first = monthIndex(state.registeredOn.slice(0, 7));
    const current = monthIndex(currentMonthInChina(now));
    const last = state.deregisteredFrom ? Math.min(current, monthIndex(state.deregisteredFrom) - 1) : current;
    const obligations: ObligationView[] = [];
    for (let m = first; m <= last; m++) {
      const period = monthLabel(m);
      const own = eventsOf(events, period);
      const deadline = filingDeadline(period);
      const filedAt = own.find((e) => e.type === 'MonthlyReportFiled')?.recordedAt ?? null;
      const review = state.reports[period] ? reviewOf(state, own, period) : null;
      obligations.push({
        period,
        deadline,
        status: filedAt ? (filedAt > deadline ? 'late' : 'filed') : now > deadline ? 'missing' : 'due',
        filedAt,
        revision: state.reports[period]?.revision ?? 0,
        review: review?.status ?? null,
        openQueries: (review?.queries ?? []).filter((q) => q.closedBy === null).map(({ queryId, question, askedAt }) => ({ queryId, question, askedAt })),
        returned: review?.returned ? { reason: review.returned.reason, at: review.returned.at } : null,
        remindedAt: own.find((e) => e.type === 'FilingReminderSent')?.recordedAt ?? null,
      });
    }
    const count = (status: ObligationStatus) => obligations.filter((o) => o.status === status).length;
    const annual: ObligationsView['annual'] = [];
    const lastYear = Math.floor(current / 12) - 1;
    for (let year = Number(state.registeredOn.slice(0, 4)); year <= lastYear; year++) {
      if (state.deregisteredFrom && `${year}-01` >= state.deregisteredFrom) break;
      const deadline = annualFilingDeadline(year);
      const filedAt = events.find((e) => e.type === 'AnnualReportFiled' && (e.data as { year: number }).year === year)?.recordedAt ?? null;
      annual.push({
        year,
        deadline,
        status: filedAt ? (filedAt > deadline ? 'late' : 'filed') : now > deadline ? 'missing' : 'due',
        filedAt,
        revision: state.annualReports[year]?.revision ?? 0,
      });
    }
    return {
      annual,
      uscc,
      name: state.name,
      asOf: asOf ?? null,
      summary: {
        filed: count('filed'),
        late: count('late'),
        missing: count('missing'),
        due: count('due'),
        openQueries: obligations.reduce((n, o) => n + o.openQueries.length, 0),
        returned: obligations.filter((o) => o.returned).length,
        reminders: obligations.filter((o) => o.remindedAt).length,
      },
      obligations,
    };
  }
}
