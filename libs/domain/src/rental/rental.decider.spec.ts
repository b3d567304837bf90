import { NotFoundError, RuleViolationError, ValidationFailedError } from '../errors.js';
import type { CommandContext } from '../shared/event.js';
import { decideOutlet, evolveOutlet, initialOutletState, isOutletOpenOn, type OutletEvent } from '../outlet/outlet.decider.js';
import { deciderSpec } from '../../../../test/support/given-when-then.js';
import { decideRental, evolveRental, initialRentalState, parseRentalCommand, rentalDecider, type RawRentalCommand, type RentalCommand, type RentalEvent, type RentalState, type StartRental } from './rental.decider.js';

const context: CommandContext = { actor: 'enterprise:X', role: 'enterprise', requestId: 'r', now: '2025-06-30T04:00:00.000Z' };
const metadata = { actor: 'enterprise:X', role: 'enterprise' as const, requestId: 'r', schemaVersion: 1 };
const USCC = '91110107MA0000777G';
const COMMUNITY = '110107001003';
const owner = { registered: true, registeredOn: '2021-01-01', deregisteredFrom: null };

const opened: OutletEvent = {
  type: 'OutletOpened',
  data: { outletId: 'O1', uscc: USCC, kind: 'rental_point', communityCode: COMMUNITY, name: '八角租赁点', openedOn: '2024-01-01' },
  metadata,
};
const outletAfter = (events: OutletEvent[]) => events.reduce(evolveOutlet, initialOutletState());

describe('outlet decider', () => {
  it('opens an outlet in a real community, once', () => {
    const open = { type: 'OpenOutlet' as const, data: { ...opened.data, name: ' 八角租赁点 ', owner }, context };
    expect(decideOutlet(open, initialOutletState())).toEqual([opened]);
    expect(decideOutlet(open, outletAfter([opened]))).toEqual([]);
  });

  it('rejects an unknown community, an unregistered owner, and a closure before the opening', () => {
    expect(() => decideOutlet({ type: 'OpenOutlet', data: { ...opened.data, communityCode: '110107999999', owner }, context }, initialOutletState())).toThrow(ValidationFailedError);
    expect(() => decideOutlet({ type: 'OpenOutlet', data: { ...opened.data, owner: { ...owner, registered: false } }, context }, initialOutletState())).toThrow(RuleViolationError);
    expect(() => decideOutlet({ type: 'CloseOutlet', data: { outletId: 'O1', closedOn: '2023-12-31', reason: '撤点' }, context }, outletAfter([opened]))).toThrow(ValidationFailedError);
    expect(() => decideOutlet({ type: 'CloseOutlet', data: { outletId: 'O9', closedOn: '2024-12-31', reason: '撤点' }, context }, initialOutletState())).toThrow(NotFoundError);
  });

  it('refuses an opening before the owner was registered (issue 14 A.6)', () => {
    expect(() => decideOutlet({ type: 'OpenOutlet', data: { ...opened.data, openedOn: '2020-12-31', owner }, context }, initialOutletState())).toThrow(
      'enterprise 91110107MA0000777G was registered on 2021-01-01',
    );
    expect(decideOutlet({ type: 'OpenOutlet', data: { ...opened.data, openedOn: '2021-01-01', owner }, context }, initialOutletState())).toHaveLength(1);
  });

  it('refuses control characters in names and placeholder reasons; stores names NFC (issue 14 A.3, A.10)', () => {
    expect(() => decideOutlet({ type: 'OpenOutlet', data: { ...opened.data, name: '八角\u202E租赁点', owner }, context }, initialOutletState())).toThrow(ValidationFailedError);
    expect(() => decideOutlet({ type: 'OpenOutlet', data: { ...opened.data, name: '八角\u0000租赁点', owner }, context }, initialOutletState())).toThrow(ValidationFailedError);
    expect(() => decideOutlet({ type: 'CloseOutlet', data: { outletId: 'O1', closedOn: '2024-12-31', reason: 'x' }, context }, outletAfter([opened]))).toThrow(ValidationFailedError);
    const [event] = decideOutlet({ type: 'OpenOutlet', data: { ...opened.data, name: 'Cafe\u0301 租赁点', owner }, context }, initialOutletState());
    expect((event.data as { name: string }).name).toBe('Caf\u00e9 租赁点');
  });

  it('is open from its opening day until the day before its closure', () => {
    const closed: OutletEvent = { type: 'OutletClosed', data: { outletId: 'O1', closedOn: '2024-06-30', reason: '撤点' }, metadata };
    const state = outletAfter([opened, closed]);
    expect([isOutletOpenOn(state, '2023-12-31'), isOutletOpenOn(state, '2024-01-01'), isOutletOpenOn(state, '2024-06-29'), isOutletOpenOn(state, '2024-06-30')]).toEqual([false, true, true, false]);
  });
});

type RawStart = Extract<RawRentalCommand, { type: 'StartRental' }>;
/** A rental of wheelchair WC-1 at outlet O1, as it arrives (given the outlet's facts). */
const rawStart = (over: Partial<RawStart['data']> = {}): RawStart => ({
  type: 'StartRental',
  data: {
    rentalId: 'R1', outletId: 'O1', productClass: '1222', traceCode: 'WC-1', beneficiary: 'elderly', startedOn: '2024-02-01',
    monthlyFee: '100', monthlySubsidy: '50.5', outlet: outletAfter([opened]), deviceHeldBy: null, deviceReturnedOn: null, deviceDisinfectedOn: null, ...over,
  },
});
/** The same command parsed as the application's edge parses it (throws what the parse refuses). */
const start = (over: Partial<RawStart['data']> = {}): StartRental => ({ ...parseRentalCommand(rawStart(over), context.now), context }) as StartRental;
const started: RentalEvent = {
  type: 'RentalStarted',
  data: {
    rentalId: 'R1', outletId: 'O1', uscc: USCC, communityCode: COMMUNITY, outletKind: 'rental_point', productClass: '12 22', traceCode: 'WC-1',
    beneficiary: 'elderly', startedOn: '2024-02-01', monthlyFee: '100.00', monthlySubsidy: '50.50',
  },
  metadata,
};

describe('rental decider', () => {
  it('starts a rental with the outlet facts denormalised and money normalised', () => {
    expect(decideRental(start(), initialRentalState())).toEqual([started]);
  });

  it('refuses a device held by another rental, or rented again before its previous return', () => {
    expect(() => decideRental(start({ deviceHeldBy: 'R0' }), initialRentalState())).toThrow(RuleViolationError);
    expect(() => decideRental(start({ deviceReturnedOn: '2024-03-01' }), initialRentalState())).toThrow(RuleViolationError);
    expect(decideRental(start({ deviceReturnedOn: '2024-02-01' }), initialRentalState())).toEqual([started]);
  });

  it('refuses a device whose previous return was not disinfected by the start (issue 14 A.6)', () => {
    expect(() => decideRental(start({ deviceReturnedOn: '2024-01-20', deviceDisinfectedOn: '2024-02-02' }), initialRentalState())).toThrow(
      'device WC-1 was not disinfected until 2024-02-02',
    );
    expect(decideRental(start({ deviceReturnedOn: '2024-01-20', deviceDisinfectedOn: '2024-02-01' }), initialRentalState())).toEqual([started]);
  });

  it('refuses a subsidy above the fee (issue 14 A.6)', () => {
    expect(() => decideRental(start({ monthlyFee: '100', monthlySubsidy: '100.01' }), initialRentalState())).toThrow(ValidationFailedError);
    expect((decideRental(start({ monthlyFee: '100', monthlySubsidy: '100' }), initialRentalState())[0].data as { monthlySubsidy: string }).monthlySubsidy).toBe('100.00');
  });

  it.each(['experience_center', 'disinfection_center'] as const)('refuses a rental at a %s, which does not rent (issue 14 A.6)', (kind) => {
    const outlet = outletAfter([{ ...opened, data: { ...(opened.data as object), kind } } as OutletEvent]);
    expect(() => decideRental(start({ outlet }), initialRentalState())).toThrow(RuleViolationError);
    const configuration = outletAfter([{ ...opened, data: { ...(opened.data as object), kind: 'configuration_center' } } as OutletEvent]);
    expect(decideRental(start({ outlet: configuration }), initialRentalState())).toEqual([{ ...started, data: { ...(started.data as object), outletKind: 'configuration_center' } }]);
  });

  it('refuses a rental before the outlet opened or once it closed', () => {
    expect(() => decideRental(start({ startedOn: '2023-12-31' }), initialRentalState())).toThrow(RuleViolationError);
    const closed = outletAfter([opened, { type: 'OutletClosed', data: { outletId: 'O1', closedOn: '2024-02-01', reason: '撤点' }, metadata }]);
    expect(() => decideRental(start({ outlet: closed }), initialRentalState())).toThrow(RuleViolationError);
  });

  it('records a return with disinfection not before the end, once', () => {
    const state = [started].reduce(evolveRental, initialRentalState());
    const giveBack = (endedOn: string, disinfectedOn: string) => decideRental({ type: 'ReturnRental', data: { rentalId: 'R1', endedOn, disinfectedOn }, context }, state);
    expect(() => giveBack('2024-05-01', '2024-04-30')).toThrow(ValidationFailedError);
    expect(() => giveBack('2024-01-31', '2024-02-01')).toThrow(ValidationFailedError);
    const ended = giveBack('2024-05-01', '2024-05-02');
    expect(ended).toEqual([{ type: 'RentalEnded', data: { rentalId: 'R1', traceCode: 'WC-1', endedOn: '2024-05-01', disinfectedOn: '2024-05-02' }, metadata }]);
    const after = [started, ...ended].reduce(evolveRental, initialRentalState());
    expect(decideRental({ type: 'ReturnRental', data: { rentalId: 'R1', endedOn: '2024-05-01', disinfectedOn: '2024-05-02' }, context }, after)).toEqual([]);
    expect(() => decideRental({ type: 'ReturnRental', data: { rentalId: 'R1', endedOn: '2024-06-01', disinfectedOn: '2024-06-02' }, context }, after)).toThrow(RuleViolationError);
  });
});

describe('rental decider (given / when / then, the shared helper)', () => {
  const given = deciderSpec<RentalCommand, RentalState, RentalEvent, RawRentalCommand>(rentalDecider, context, parseRentalCommand);
  it('starts once, ends once after its start with the disinfection on or after the return', () => {
    const starting = rawStart();
    given([]).when(starting).then([started]);
    given([]).when({ ...starting, data: { ...starting.data, monthlySubsidy: '120' } }).thenThrows(ValidationFailedError, [{ path: 'monthlySubsidy' }]);
    given([started])
      .when({ type: 'ReturnRental', data: { rentalId: 'R1', endedOn: '2024-05-01', disinfectedOn: '2024-05-02' } })
      .then([{ type: 'RentalEnded', data: { rentalId: 'R1', traceCode: 'WC-1', endedOn: '2024-05-01', disinfectedOn: '2024-05-02' }, metadata }]);
    given([]).when({ type: 'ReturnRental', data: { rentalId: 'R1', endedOn: '2024-05-01', disinfectedOn: '2024-05-02' } }).thenThrows(NotFoundError);
  });
});
