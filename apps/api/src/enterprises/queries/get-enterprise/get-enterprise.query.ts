import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import {
  enterpriseStreamId,
  evolveEnterprise,
  initialEnterpriseState,
  NotFoundError,
  type EnterpriseEvent,
  type EnterpriseState,
} from '../../../../../../libs/domain/src/index.js';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '../../../../../../libs/event-store/src/index.js';
import { findRegion } from '../../../../../../libs/reference/src/index.js';
import { assertEnterpriseAccess, type RequestContext } from '../../../common/auth.js';

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
export async function loadEnterprise(store: EventStore, ctx: RequestContext, uscc: string, asOf?: string): Promise<{ state: EnterpriseState; events: RecordedEvent[] }> {
  const all = await store.readStream(enterpriseStreamId(uscc));
  const events = asOf ? all.filter((e) => e.recordedAt <= asOf) : all;
  const state = events.reduce((s, e) => evolveEnterprise(s, e as unknown as EnterpriseEvent), initialEnterpriseState());
  if (ctx.principal.role !== 'regulator') assertEnterpriseAccess(ctx.principal, uscc, state.regionCode || undefined, 'read');
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
