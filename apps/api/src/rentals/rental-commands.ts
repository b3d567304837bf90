import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  decideRental,
  deviceStreamId,
  evolveOutlet,
  evolveRental,
  initialOutletState,
  initialRentalState,
  outletStreamId,
  rentalStreamId,
  type DeviceRentedOut,
  type OutletEvent,
  type OutletState,
  type RentalEvent,
  type RentalStarted,
  type RentalState,
} from '../../../../libs/domain/src/index.js';
import { EVENT_STORE, type EventStore } from '../../../../libs/event-store/src/index.js';
import { assertServiceAccess, type RequestContext } from '../common/auth.js';
import { loadStream } from '../common/load-stream.js';
import { StreamCommandExecutor, type WriteResult } from '../common/stream-command.executor.js';
import type { ReturnRentalRequestDto, StartRentalRequestDto } from './rental.requests.dto.js';

/** A reservation whose rental never got appended (a crash in between) frees the device after this long. */
const ORPHANED_RESERVATION_MS = 60_000;

interface DeviceFacts {
  outlet: OutletState;
  /** The rental that holds the device now, if any. */
  heldBy: string | null;
  /** When the device's previous rental ended, and when it was disinfected after it. */
  returnedOn: string | null;
  disinfectedOn: string | null;
  /** Whether the device's trace already names this rental (a retry after a crash). */
  reservedForThis: boolean;
  deviceRevision: number;
}

export class StartRentalCommand extends Command<WriteResult> {
  constructor(
    readonly context: RequestContext,
    readonly body: StartRentalRequestDto,
  ) {
    super();
  }
}

/**
 * Starting a rental touches three aggregates: the outlet (must be open and the filer's), the
 * device (its trace stream is the lock that keeps it out of two active rentals) and the rental.
 * The device is reserved first with optimistic concurrency, then the rental appended.
 */
@CommandHandler(StartRentalCommand)
export class StartRentalHandler implements ICommandHandler<StartRentalCommand> {
  constructor(
    private readonly executor: StreamCommandExecutor,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  execute({ context, body }: StartRentalCommand): Promise<WriteResult> {
    return this.executor.execute<RentalState, RentalEvent, DeviceFacts>(context, {
      streamId: rentalStreamId(body.rentalId),
      initial: initialRentalState,
      evolve: evolveRental,
      loadFacts: () => this.deviceFacts(body),
      authorize: (_state, facts) => {
        if (facts.outlet.status !== 'none') assertServiceAccess(context.principal, facts.outlet.uscc, facts.outlet.communityCode, 'start rentals at outlets');
      },
      decide: (state, ctx, facts) =>
        decideRental({ type: 'StartRental', data: { ...body, outlet: facts.outlet, deviceHeldBy: facts.heldBy, deviceReturnedOn: facts.returnedOn, deviceDisinfectedOn: facts.disinfectedOn }, context: ctx }, state),
      beforeAppend: async (events, facts) => {
        const started = events[0] as RentalStarted;
        if (facts.reservedForThis) return;
        const reservation: DeviceRentedOut = {
          type: 'DeviceRentedOut',
          data: { traceCode: started.data.traceCode, rentalId: started.data.rentalId, outletId: started.data.outletId, startedOn: started.data.startedOn },
          metadata: started.metadata,
        };
        await this.store.append(deviceStreamId(started.data.traceCode), [reservation], { expectedRevision: facts.deviceRevision });
      },
      statusFor: () => 201,
      request: ['POST', '/v1/rentals', body],
    });
  }

  private async deviceFacts(body: StartRentalRequestDto): Promise<DeviceFacts> {
    const outlet = typeof body.outletId === 'string' && body.outletId
      ? (await loadStream<OutletState, OutletEvent>(this.store, outletStreamId(body.outletId), initialOutletState, evolveOutlet)).state
      : initialOutletState();
    const trace = typeof body.traceCode === 'string' && body.traceCode ? await this.store.readStream(deviceStreamId(body.traceCode)) : [];
    const last = trace[trace.length - 1] as (typeof trace)[number] & DeviceRentedOut | undefined;
    const facts: DeviceFacts = { outlet, heldBy: null, returnedOn: null, disinfectedOn: null, reservedForThis: false, deviceRevision: last?.revision ?? 0 };
    if (!last) return facts;
    const previous = trace.length > 1 ? (trace[trace.length - 2] as unknown as DeviceRentedOut) : undefined;
    if (last.data.rentalId === body.rentalId) return { ...facts, heldBy: body.rentalId, reservedForThis: true, ...(await this.returnOf(previous)) };
    const holder = await loadStream<RentalState, RentalEvent>(this.store, rentalStreamId(last.data.rentalId), initialRentalState, evolveRental);
    const orphaned = holder.state.status === 'none' && Date.now() - Date.parse(last.recordedAt) > ORPHANED_RESERVATION_MS;
    const held = holder.state.status === 'active' || (holder.state.status === 'none' && !orphaned);
    const returned = holder.state.endedOn !== null ? { returnedOn: holder.state.endedOn, disinfectedOn: holder.state.disinfectedOn } : await this.returnOf(previous);
    return { ...facts, heldBy: held ? last.data.rentalId : null, ...returned };
  }

  /** When a reservation's rental ended and its device was disinfected (nulls when it has not ended). */
  private async returnOf(reservation: DeviceRentedOut | undefined): Promise<{ returnedOn: string | null; disinfectedOn: string | null }> {
    if (!reservation) return { returnedOn: null, disinfectedOn: null };
    const { state } = await loadStream<RentalState, RentalEvent>(this.store, rentalStreamId(reservation.data.rentalId), initialRentalState, evolveRental);
    return { returnedOn: state.endedOn, disinfectedOn: state.disinfectedOn };
  }
}

export class ReturnRentalCommand extends Command<WriteResult> {
  constructor(
    readonly context: RequestContext,
    readonly rentalId: string,
    readonly body: ReturnRentalRequestDto,
  ) {
    super();
  }
}

@CommandHandler(ReturnRentalCommand)
export class ReturnRentalHandler implements ICommandHandler<ReturnRentalCommand> {
  constructor(private readonly executor: StreamCommandExecutor) {}

  execute({ context, rentalId, body }: ReturnRentalCommand): Promise<WriteResult> {
    return this.executor.execute<RentalState, RentalEvent>(context, {
      streamId: rentalStreamId(rentalId),
      initial: initialRentalState,
      evolve: evolveRental,
      authorize: (state) => {
        if (state.data) assertServiceAccess(context.principal, state.data.uscc, state.data.communityCode, 'return rentals at outlets');
      },
      decide: (state, ctx) => decideRental({ type: 'ReturnRental', data: { rentalId, ...body }, context: ctx }, state),
      statusFor: () => 201,
      request: ['POST', `/v1/rentals/${rentalId}/return`, body],
    });
  }
}

