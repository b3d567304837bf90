import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { ClickHouseClient } from '@clickhouse/client';
import { ANALYTICS_CONFIG, CLICKHOUSE_CLIENT, queryRegionNames, type AnalyticsConfig } from '../../../../libs/analytics/src/index.js';
import { access, load, loadMany } from '../../../../libs/application/src/index.js';
import { deviceStreamId, ForbiddenError, NotFoundError, outletDecider, rentalDecider, type DeviceRentedOut, type OutletState, type RawStartRental, type RentalState } from '../../../../libs/domain/src/index.js';
import { EVENT_STORE, type EventStore } from '../../../../libs/event-store/src/index.js';
import type { RequestContext } from '../http/auth.js';

/** A rental as API.md shows it: its own fields as the wire carries them, and where it stands. */
export interface RentalView extends RawStartRental {
  uscc: string;
  communityCode: string;
  endedOn: string | null;
  disinfectedOn: string | null;
  status: 'active' | 'ended';
  revision: number;
  recordedAt: string;
}

function toView(state: RentalState, last: { revision: number; recordedAt: string }): RentalView {
  const d = state.data!;
  return {
    rentalId: d.rentalId,
    outletId: d.outletId,
    uscc: d.uscc,
    communityCode: d.communityCode,
    productClass: d.productClass,
    traceCode: d.traceCode,
    beneficiary: d.beneficiary,
    startedOn: d.startedOn,
    monthlyFee: d.monthlyFee,
    monthlySubsidy: d.monthlySubsidy,
    endedOn: state.endedOn,
    disinfectedOn: state.disinfectedOn,
    status: state.status === 'ended' ? 'ended' : 'active',
    revision: last.revision,
    recordedAt: last.recordedAt,
  };
}

export class GetRentalQuery extends Query<RentalView> {
  constructor(
    readonly context: RequestContext,
    readonly rentalId: string,
    readonly asOf?: string,
  ) {
    super();
  }
}

@QueryHandler(GetRentalQuery)
export class GetRentalHandler implements IQueryHandler<GetRentalQuery> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ context, rentalId, asOf }: GetRentalQuery): Promise<RentalView> {
    const { state, events } = await load(this.store, rentalDecider, rentalId, asOf);
    if (!state.data) throw new NotFoundError(asOf ? `rental ${rentalId} did not exist as of ${asOf}` : `there is no rental ${rentalId}`);
    if (!access.canSeeService(context.principal, state.data.uscc, state.data.communityCode)) throw new ForbiddenError(`the ${context.principal.role} token may not read rental ${rentalId}`);
    return toView(state, events[events.length - 1]);
  }
}

export interface DeviceHistoryEntry {
  on: string;
  event: 'rented' | 'returned' | 'disinfected';
  rentalId: string;
  outlet: { outletId: string; name: string; kind: string | null };
  community: { code: string; name: string | null };
  beneficiary: string;
}

export interface DeviceHistoryView {
  traceCode: string;
  productClass: string | null;
  status: 'rented' | 'available';
  rentals: RentalView[];
  history: DeviceHistoryEntry[];
}

export class GetDeviceHistoryQuery extends Query<DeviceHistoryView> {
  constructor(
    readonly context: RequestContext,
    readonly traceCode: string,
    readonly asOf?: string,
  ) {
    super();
  }
}

/** The product trace of one device (产品追溯): every rental, return and disinfection, in order. */
@QueryHandler(GetDeviceHistoryQuery)
export class GetDeviceHistoryHandler implements IQueryHandler<GetDeviceHistoryQuery> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLICKHOUSE_CLIENT) private readonly client: ClickHouseClient,
    @Inject(ANALYTICS_CONFIG) private readonly config: AnalyticsConfig,
  ) {}

  async execute({ context, traceCode, asOf }: GetDeviceHistoryQuery): Promise<DeviceHistoryView> {
    const trace = (await this.store.readStream(deviceStreamId(traceCode))) as unknown as (DeviceRentedOut & { recordedAt: string })[];
    // A reservation whose rental was never appended, or not yet known at asOf, has no rental to show.
    const known = (await loadMany(this.store, rentalDecider, trace.map((r) => r.data.rentalId), asOf)).filter((r) => r.state.data);
    const outlets = new Map((await loadMany(this.store, outletDecider, [...new Set(known.map((r) => r.state.data!.outletId))])).map((o) => [o.key, o.state]));
    const rentals: { view: RentalView; outlet: OutletState }[] = known.map(({ state, events }) => ({ view: toView(state, events[events.length - 1]), outlet: outlets.get(state.data!.outletId)! }));
    if (!rentals.length) throw new NotFoundError(`no rental of device ${traceCode} is on record${asOf ? ` as of ${asOf}` : ''}`);
    const visible = rentals.filter((r) => access.canSeeService(context.principal, r.view.uscc, r.view.communityCode));
    if (!visible.length) throw new ForbiddenError(`the ${context.principal.role} token may not read the history of device ${traceCode}`);
    const names = await queryRegionNames(this.client, this.config.database, [...new Set(visible.map((r) => r.view.communityCode))]);
    const history: DeviceHistoryEntry[] = visible.flatMap(({ view, outlet }) => {
      const common = {
        rentalId: view.rentalId,
        outlet: { outletId: view.outletId, name: outlet.name, kind: outlet.kind },
        community: { code: view.communityCode, name: names.get(view.communityCode) ?? null },
        beneficiary: view.beneficiary,
      };
      return [
        { on: view.startedOn, event: 'rented' as const, ...common },
        ...(view.endedOn ? [{ on: view.endedOn, event: 'returned' as const, ...common }] : []),
        ...(view.disinfectedOn ? [{ on: view.disinfectedOn, event: 'disinfected' as const, ...common }] : []),
      ];
    });
    const last = visible[visible.length - 1].view;
    return { traceCode, productClass: last.productClass, status: last.status === 'active' ? 'rented' : 'available', rentals: visible.map((r) => r.view), history };
  }
}
