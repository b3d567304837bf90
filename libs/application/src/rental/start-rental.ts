import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiProperty } from '@nestjs/swagger';
import { IsString } from 'class-validator';
import {
  deviceStreamId,
  initialOutletState,
  outletDecider,
  parseStartRental,
  rentalDecider,
  type DeviceRentedOut,
  type OutletState,
  type RentalEvent,
  type RentalStarted,
  type RentalState,
} from '../../../domain/src/index.js';
import { EVENT_STORE, type EventStore } from '../../../event-store/src/index.js';
import { access } from '../access-policy.js';
import { StreamHandler, type CommandMeta, type CommandResult } from '../command-handler.js';
import { load } from '../load.js';

export class StartRentalInput {
  @ApiProperty({ example: 'R-2024-000123' })
  @IsString()
  readonly rentalId: string;

  @ApiProperty({ example: 'HZ-XH-001' })
  @IsString()
  readonly outletId: string;

  @ApiProperty({ example: '12 22', description: 'ISO 9999 class or subclass (e.g. 12 22 wheelchairs, 18 12 beds)' })
  @IsString()
  readonly productClass: string;

  @ApiProperty({ example: 'WC-0001-2024', description: 'the device trace code (产品追溯码)' })
  @IsString()
  readonly traceCode: string;

  @ApiProperty({ enum: ['elderly', 'disabled', 'injured', 'other'] })
  @IsString()
  readonly beneficiary: string;

  @ApiProperty({ example: '2024-04-02' })
  @IsString()
  readonly startedOn: string;

  @ApiProperty({ example: '120.00' })
  @IsString({ message: 'must be a decimal string such as "1234.50"' })
  readonly monthlyFee: string;

  @ApiProperty({ example: '60.00' })
  @IsString({ message: 'must be a decimal string such as "1234.50"' })
  readonly monthlySubsidy: string;
}

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

export class StartRental extends Command<CommandResult> {
  constructor(
    readonly meta: CommandMeta,
    readonly input: StartRentalInput,
  ) {
    super();
  }
}

/**
 * Starting a rental touches three aggregates: the outlet (must be open and the filer's), the
 * device (its trace stream is the lock that keeps it out of two active rentals) and the rental.
 * The device is reserved first with optimistic concurrency, then the rental appended.
 */
@CommandHandler(StartRental)
export class StartRentalHandler implements ICommandHandler<StartRental> {
  constructor(
    private readonly streams: StreamHandler,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  execute({ meta, input }: StartRental): Promise<CommandResult> {
    const fields = parseStartRental(input, new Date().toISOString());
    return this.streams.handle<RentalState, RentalEvent, DeviceFacts>(meta, {
      decider: rentalDecider,
      streamId: rentalDecider.streamId(input.rentalId),
      facts: () => this.deviceFacts(input),
      authorize: (_state, facts) => {
        if (facts.outlet.status !== 'none') access.assertService(meta.actor, facts.outlet.uscc, facts.outlet.communityCode, 'start rentals at outlets');
      },
      decide: (state, context, facts) =>
        rentalDecider.decide(
          { type: 'StartRental', data: { ...fields, outlet: facts.outlet, deviceHeldBy: facts.heldBy, deviceReturnedOn: facts.returnedOn, deviceDisinfectedOn: facts.disinfectedOn }, context },
          state,
        ),
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
    });
  }

  private async deviceFacts(body: StartRentalInput): Promise<DeviceFacts> {
    const outlet = typeof body.outletId === 'string' && body.outletId
      ? (await load(this.store, outletDecider, body.outletId)).state
      : initialOutletState();
    const trace = typeof body.traceCode === 'string' && body.traceCode ? await this.store.readStream(deviceStreamId(body.traceCode)) : [];
    const last = trace[trace.length - 1] as (typeof trace)[number] & DeviceRentedOut | undefined;
    const facts: DeviceFacts = { outlet, heldBy: null, returnedOn: null, disinfectedOn: null, reservedForThis: false, deviceRevision: last?.revision ?? 0 };
    if (!last) return facts;
    const previous = trace.length > 1 ? (trace[trace.length - 2] as unknown as DeviceRentedOut) : undefined;
    if (last.data.rentalId === body.rentalId) return { ...facts, heldBy: body.rentalId, reservedForThis: true, ...(await this.returnOf(previous)) };
    const holder = await load(this.store, rentalDecider, last.data.rentalId);
    const orphaned = holder.state.status === 'none' && Date.now() - Date.parse(last.recordedAt) > ORPHANED_RESERVATION_MS;
    const held = holder.state.status === 'active' || (holder.state.status === 'none' && !orphaned);
    const returned = holder.state.endedOn !== null ? { returnedOn: holder.state.endedOn, disinfectedOn: holder.state.disinfectedOn } : await this.returnOf(previous);
    return { ...facts, heldBy: held ? last.data.rentalId : null, ...returned };
  }

  /** When a reservation's rental ended and its device was disinfected (nulls when it has not ended). */
  private async returnOf(reservation: DeviceRentedOut | undefined): Promise<{ returnedOn: string | null; disinfectedOn: string | null }> {
    if (!reservation) return { returnedOn: null, disinfectedOn: null };
    const { state } = await load(this.store, rentalDecider, reservation.data.rentalId);
    return { returnedOn: state.endedOn, disinfectedOn: state.disinfectedOn };
  }
}
