import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { access, load } from '../../../../libs/application/src/index.js';
import { NotFoundError, outletDecider } from '../../../../libs/domain/src/index.js';
import { EVENT_STORE, type EventStore } from '../../../../libs/event-store/src/index.js';
import type { RequestContext } from '../http/auth.js';

export interface OutletView {
  outletId: string;
  uscc: string;
  kind: string | null;
  communityCode: string;
  regionCode: string;
  name: string;
  openedOn: string;
  closedOn: string | null;
  status: 'open' | 'closed';
  revision: number;
  recordedAt: string;
}

export class GetOutletQuery extends Query<OutletView> {
  constructor(
    readonly context: RequestContext,
    readonly outletId: string,
    readonly asOf?: string,
  ) {
    super();
  }
}

@QueryHandler(GetOutletQuery)
export class GetOutletHandler implements IQueryHandler<GetOutletQuery> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ context, outletId, asOf }: GetOutletQuery): Promise<OutletView> {
    const { state, events } = await load(this.store, outletDecider, outletId, asOf);
    if (state.status === 'none') throw new NotFoundError(asOf ? `outlet ${outletId} did not exist as of ${asOf}` : `there is no outlet ${outletId}`);
    access.assertServiceRead(context.principal, state.uscc, state.communityCode, 'read outlets');
    const last = events[events.length - 1];
    return {
      outletId: state.outletId,
      uscc: state.uscc,
      kind: state.kind,
      communityCode: state.communityCode,
      regionCode: state.communityCode.slice(0, 6),
      name: state.name,
      openedOn: state.openedOn,
      closedOn: state.closedOn,
      status: state.status === 'closed' ? 'closed' : 'open',
      revision: last.revision,
      recordedAt: last.recordedAt,
    };
  }
}
