import { BENEFICIARIES, normaliseProductClass, type Beneficiary, type OutletKind } from '../../../reference/src/index.js';
import { ConflictError, NotFoundError, RuleViolationError, ValidationFailedError, type FieldProblem } from '../errors.js';
import { dateProblem, identifierProblem } from '../shared/dates.js';
import { metadataOf, type CommandContext, type DomainEvent } from '../shared/event.js';
import { formatFen } from '../shared/money.js';
import { FieldParser, type Fen } from '../shared/values.js';
import type { OutletState } from '../outlet/outlet.decider.js';
import type { Decider } from '../shared/decider.js';

export type RentalStarted = DomainEvent<
  'RentalStarted',
  {
    rentalId: string;
    outletId: string;
    /** Denormalised from the outlet when the rental was decided, so projections need no join. */
    uscc: string;
    communityCode: string;
    outletKind: OutletKind;
    productClass: string;
    traceCode: string;
    beneficiary: Beneficiary;
    startedOn: string;
    monthlyFee: string;
    monthlySubsidy: string;
  }
>;
export type RentalEnded = DomainEvent<'RentalEnded', { rentalId: string; traceCode: string; endedOn: string; disinfectedOn: string }>;
export type RentalEvent = RentalStarted | RentalEnded;

/** A device's trace (产品追溯): which rental holds it. The stream is the device's consistency boundary. */
export type DeviceRentedOut = DomainEvent<'DeviceRentedOut', { traceCode: string; rentalId: string; outletId: string; startedOn: string }>;

export const rentalStreamId = (rentalId: string): string => `rental-${rentalId}`;
export const deviceStreamId = (traceCode: string): string => `device-${traceCode}`;

export interface RentalState {
  readonly status: 'none' | 'active' | 'ended';
  readonly data: RentalStarted['data'] | null;
  readonly endedOn: string | null;
  readonly disinfectedOn: string | null;
}

/** A rental's own fields as the wire carries them. */
export interface RawStartRental {
  rentalId: string;
  outletId: string;
  productClass: string;
  traceCode: string;
  beneficiary: string;
  startedOn: string;
  monthlyFee: string;
  monthlySubsidy: string;
}

/** A rental's own fields, parsed at the edge (issue 17: parse once): fees in fen, the class normalised. */
export type StartRentalFields = Omit<RawStartRental, 'beneficiary' | 'monthlyFee' | 'monthlySubsidy'> & { beneficiary: Beneficiary; monthlyFee: Fen; monthlySubsidy: Fen };

/** Parses a rental's own fields, naming every bad one (`now` bounds the start date). */
export function parseStartRental(d: RawStartRental, now: string): StartRentalFields {
  const f = new FieldParser();
  f.check('rentalId', identifierProblem(d.rentalId));
  f.check('traceCode', identifierProblem(d.traceCode, 128));
  const productClass = typeof d.productClass === 'string' ? normaliseProductClass(d.productClass) : undefined;
  if (!productClass) f.check('productClass', 'must be an ISO 9999 class or subclass such as "12 22"');
  if (!(BENEFICIARIES as readonly string[]).includes(d.beneficiary)) f.check('beneficiary', `must be one of ${BENEFICIARIES.join(', ')}`);
  const startedOn = f.date('startedOn', d.startedOn, now);
  const monthlyFee = f.fen('monthlyFee', d.monthlyFee);
  const monthlySubsidy = f.fen('monthlySubsidy', d.monthlySubsidy);
  if (!f.failed('monthlyFee') && !f.failed('monthlySubsidy') && monthlySubsidy > monthlyFee)
    f.check('monthlySubsidy', `must not exceed the monthly fee ${formatFen(monthlyFee)}`);
  f.done();
  return { rentalId: d.rentalId, outletId: d.outletId, productClass: productClass!, traceCode: d.traceCode, beneficiary: d.beneficiary as Beneficiary, startedOn, monthlyFee, monthlySubsidy };
}

export type StartRental = {
  type: 'StartRental';
  data: StartRentalFields & {
    /** The outlet as it is now (another aggregate), loaded by the handler. */
    outlet: OutletState;
    /** The other rental that holds this device now, if any (from the device's trace). */
    deviceHeldBy: string | null;
    /** When the device's previous rental ended: a new one cannot start before it. */
    deviceReturnedOn: string | null;
    /** When the device was disinfected after its previous rental: it cannot go out again before. */
    deviceDisinfectedOn: string | null;
  };
  context: CommandContext;
};
export type ReturnRental = { type: 'ReturnRental'; data: { rentalId: string; endedOn: string; disinfectedOn: string }; context: CommandContext };
export type RentalCommand = StartRental | ReturnRental;

/** The rental commands as they arrive: a start's own fields raw (its facts come from the handler). */
export type RawRentalCommand =
  | { type: 'StartRental'; data: RawStartRental & Omit<StartRental['data'], keyof StartRentalFields> }
  | Omit<ReturnRental, 'context'>;

/** Parses a rental command's own fields (a return's dates are checked against the rental by the decider). */
export function parseRentalCommand(raw: RawRentalCommand, now: string): Omit<RentalCommand, 'context'> {
  if (raw.type === 'ReturnRental') return raw;
  const { outlet, deviceHeldBy, deviceReturnedOn, deviceDisinfectedOn, ...fields } = raw.data;
  return { type: 'StartRental', data: { ...parseStartRental(fields, now), outlet, deviceHeldBy, deviceReturnedOn, deviceDisinfectedOn } };
}

export const initialRentalState = (): RentalState => ({ status: 'none', data: null, endedOn: null, disinfectedOn: null });

/** Outlet kinds that lend devices (DESIGN.md "Outlet"): experience and disinfection centres do not rent. */
export const RENTING_OUTLET_KINDS: readonly OutletKind[] = ['rental_point', 'configuration_center'];

export function decideRental(command: RentalCommand, state: RentalState): RentalEvent[] {
  switch (command.type) {
    case 'StartRental':
      return start(command, state);
    case 'ReturnRental':
      return giveBack(command, state);
    default: {
      const _exhaustive: never = command;
      throw new Error(`unknown command ${JSON.stringify(_exhaustive)}`);
    }
  }
}

export function evolveRental(state: RentalState, event: RentalEvent): RentalState {
  switch (event.type) {
    case 'RentalStarted':
      return { ...state, status: 'active', data: event.data };
    case 'RentalEnded':
      return { ...state, status: 'ended', endedOn: event.data.endedOn, disinfectedOn: event.data.disinfectedOn };
    default: {
      const _exhaustive: never = event;
      return state;
    }
  }
}

function start(command: StartRental, state: RentalState): RentalEvent[] {
  const d = command.data;
  const outlet = d.outlet;
  if (outlet.status === 'none') throw new RuleViolationError(`there is no outlet ${d.outletId}`, [{ path: 'outletId', message: 'must be an existing outlet' }]);
  if (outlet.kind !== null && !RENTING_OUTLET_KINDS.includes(outlet.kind))
    throw new RuleViolationError(`outlet ${d.outletId} is a ${outlet.kind}, which does not rent devices`, [
      { path: 'outletId', message: `must be an outlet that rents devices (${RENTING_OUTLET_KINDS.join(', ')})` },
    ]);
  if (d.startedOn < outlet.openedOn)
    throw new RuleViolationError(`outlet ${d.outletId} opened on ${outlet.openedOn}`, [{ path: 'startedOn', message: `must not be before the outlet opened on ${outlet.openedOn}` }]);
  if (outlet.closedOn !== null && outlet.closedOn <= d.startedOn)
    throw new RuleViolationError(`outlet ${d.outletId} is closed since ${outlet.closedOn}`, [{ path: 'outletId', message: `the outlet closed on ${outlet.closedOn}` }]);

  const started: RentalStarted = {
    type: 'RentalStarted',
    data: {
      rentalId: d.rentalId,
      outletId: d.outletId,
      uscc: outlet.uscc,
      communityCode: outlet.communityCode,
      outletKind: outlet.kind!,
      productClass: d.productClass,
      traceCode: d.traceCode,
      beneficiary: d.beneficiary,
      startedOn: d.startedOn,
      monthlyFee: formatFen(d.monthlyFee),
      monthlySubsidy: formatFen(d.monthlySubsidy),
    },
    metadata: metadataOf(command.context),
  };
  if (state.status !== 'none') {
    if (JSON.stringify(state.data) === JSON.stringify(started.data)) return [];
    throw new ConflictError(`rental ${d.rentalId} already exists`);
  }
  if (d.deviceHeldBy !== null && d.deviceHeldBy !== d.rentalId)
    throw new RuleViolationError(`device ${d.traceCode} is already rented out (rental ${d.deviceHeldBy})`, [
      { path: 'traceCode', message: `the device is in active rental ${d.deviceHeldBy}` },
    ]);
  if (d.deviceReturnedOn !== null && d.startedOn < d.deviceReturnedOn)
    throw new RuleViolationError(`device ${d.traceCode} was in another rental until ${d.deviceReturnedOn}`, [
      { path: 'startedOn', message: `must not be before the device's previous rental ended on ${d.deviceReturnedOn}` },
    ]);
  if (d.deviceDisinfectedOn !== null && d.startedOn < d.deviceDisinfectedOn)
    throw new RuleViolationError(`device ${d.traceCode} was not disinfected until ${d.deviceDisinfectedOn}`, [
      { path: 'startedOn', message: `must not be before the disinfection of the device's previous return on ${d.deviceDisinfectedOn}` },
    ]);
  return [started];
}

function giveBack(command: ReturnRental, state: RentalState): RentalEvent[] {
  const d = command.data;
  if (state.status === 'none' || !state.data) throw new NotFoundError(`there is no rental ${d.rentalId}`);
  const problems: FieldProblem[] = [];
  const endIssue = dateProblem(d.endedOn, command.context.now);
  if (endIssue) problems.push({ path: 'endedOn', message: endIssue });
  else if (d.endedOn < state.data.startedOn) problems.push({ path: 'endedOn', message: `must not be before the start on ${state.data.startedOn}` });
  const disinfectIssue = dateProblem(d.disinfectedOn, command.context.now);
  if (disinfectIssue) problems.push({ path: 'disinfectedOn', message: disinfectIssue });
  else if (!endIssue && d.disinfectedOn < d.endedOn) problems.push({ path: 'disinfectedOn', message: `must not be before endedOn ${d.endedOn}` });
  if (problems.length) throw new ValidationFailedError(problems);
  if (state.status === 'ended') {
    if (state.endedOn === d.endedOn && state.disinfectedOn === d.disinfectedOn) return [];
    throw new RuleViolationError(`rental ${d.rentalId} was already returned on ${state.endedOn}`);
  }
  return [{ type: 'RentalEnded', data: { rentalId: d.rentalId, traceCode: state.data.traceCode, endedOn: d.endedOn, disinfectedOn: d.disinfectedOn }, metadata: metadataOf(command.context) }];
}

/** The rental aggregate as one value: stream `rental-<id>` (the device's own stream reserves it). */
export const rentalDecider: Decider<RentalCommand, RentalState, RentalEvent> = {
  streamId: rentalStreamId,
  initialState: initialRentalState,
  evolve: evolveRental,
  decide: decideRental,
};
