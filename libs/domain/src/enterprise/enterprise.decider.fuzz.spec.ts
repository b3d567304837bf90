import fc from 'fast-check';
import { FujuError } from '../errors.js';
import type { CommandContext } from '../shared/event.js';
import { parseYuan } from '../shared/money.js';
import { withUsccCheckCharacter } from '../shared/uscc.js';
import { parseEnterpriseCommand, type EnterpriseCommand, type RawEnterpriseCommand } from './enterprise.commands.js';
import { decideEnterprise, evolveEnterprise, foldEnterprise, initialEnterpriseState, type EnterpriseState } from './enterprise.decider.js';
import type { EnterpriseEvent } from './enterprise.events.js';

/** Property tests: for any sequence of raw commands, parsed then decided, the enterprise keeps its invariants. */
const USCC = withUsccCheckCharacter('91330106MA2F00001');
const context: CommandContext = { actor: 'fuzz', role: 'admin', requestId: 'fuzz', now: '2025-06-30T04:00:00.000Z' };

const money = fc.oneof(
  fc.integer({ min: 0, max: 10_000_000_00 }).map((fen) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`),
  fc.constantFrom('-1', '1.001', '1e5', '', 'abc', '10000000000000', '0'),
  fc.string(),
);
const period = fc.oneof(fc.integer({ min: 2019, max: 2026 }).chain((y) => fc.integer({ min: 1, max: 12 }).map((m) => `${y}-${String(m).padStart(2, '0')}`)), fc.string());
const explanation = fc.constantFrom(undefined, { 'revenue-yoy': '新产线投产，订单大幅增加，已核对。', 'revenue-mom': '季节性订单集中交付，已核对财务报表。', 'employees-mom': '新招聘一批装配工人，人数明显增加。', 'tax-exceeds-revenue': '本月补缴以前年度税款，税金高于收入。' });
const command: fc.Arbitrary<RawEnterpriseCommand> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ period, revenue: money, taxPaid: money, employees: fc.oneof(fc.integer({ min: -5, max: 2_000_000 }), fc.double()), reason: fc.constantFrom(undefined, '', '更正数据口径'), explanations: explanation }).map((d) => ({ type: 'FileMonthlyReport' as const, data: { uscc: USCC, ...d } })) },
  { weight: 1, arbitrary: fc.record({ regionCode: fc.constantFrom('330106', '330108', '999999'), effectiveFrom: period }).map((d) => ({ type: 'RelocateEnterprise' as const, data: { uscc: USCC, ...d } })) },
  { weight: 1, arbitrary: fc.record({ effectiveFrom: period, reason: fc.constantFrom('注销', '') }).map((d) => ({ type: 'DeregisterEnterprise' as const, data: { uscc: USCC, ...d } })) },
);

const registered: EnterpriseEvent = {
  type: 'EnterpriseRegistered',
  data: { uscc: USCC, name: '模糊测试企业', regionCode: '330106', segment: 'manufacturing', industryCode: null, productClasses: [], registeredOn: '2020-01-01' },
  metadata: { actor: 'fuzz', role: 'admin', requestId: 'fuzz', schemaVersion: 1 },
};

describe('enterprise decider properties', () => {
  it('keeps gap-free report revisions, exact money, and replays to the same state, whatever the commands', () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 40 }), fc.nat(), (commands, cut) => {
        const events: EnterpriseEvent[] = [registered];
        let state: EnterpriseState = evolveEnterprise(initialEnterpriseState(), registered);
        for (const c of commands) {
          let produced: EnterpriseEvent[] = [];
          try {
            // Raw input goes through the edge's parse, then the decider: as the application runs them.
            produced = decideEnterprise({ ...parseEnterpriseCommand(c, context.now), context } as EnterpriseCommand, state);
          } catch (error) {
            // Every refusal is one of ours, with a stable code: never a TypeError or a crash.
            expect(error).toBeInstanceOf(FujuError);
            continue;
          }
          for (const e of produced) {
            if (e.type === 'MonthlyReportFiled' || e.type === 'MonthlyReportCorrected') {
              const previous = state.reports[e.data.period]?.revision ?? 0;
              expect(e.data.reportRevision).toBe(previous + 1);
              for (const amount of [e.data.revenue, e.data.taxPaid]) {
                expect(amount).toMatch(/^\d+\.\d{2}$/);
                expect('fen' in parseYuan(amount)).toBe(true);
              }
              expect(Number.isInteger(e.data.employees) && e.data.employees >= 0 && e.data.employees <= 1_000_000).toBe(true);
            }
            state = evolveEnterprise(state, e);
            events.push(e);
          }
        }
        const replayed = events.reduce(evolveEnterprise, initialEnterpriseState());
        expect(replayed).toEqual(state);
        // The linear fold a command uses to load a stream gives the same state, from the start or
        // from a state part-way (a cached one), and leaves that state as it was.
        expect(foldEnterprise(initialEnterpriseState(), events)).toEqual(state);
        const k = cut % (events.length + 1);
        const partWay = events.slice(0, k).reduce(evolveEnterprise, initialEnterpriseState());
        const before = structuredClone(partWay);
        expect(foldEnterprise(partWay, events.slice(k))).toEqual(state);
        expect(partWay).toEqual(before);
      }),
      { numRuns: 300 },
    );
  });
});
