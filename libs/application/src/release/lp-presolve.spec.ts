import fc from 'fast-check';
import { LpInfeasibleError, withDeterminedAtomsFixed, type LpSolver } from '../../../domain/src/index.js';
import { highsSolver } from './highs-solver.js';

/**
 * The audit takes the atoms that published figures determine out of the linear program before
 * HiGHS sees it. That must not change a single interval: for random linked systems (a true data
 * set, equations over random subsets of its atoms — singletons and zeros among them, as published
 * tables have), every range over the reduced system equals the range HiGHS finds over the whole.
 */
const system = fc
  .record({
    truth: fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 1_000_000 })), { minLength: 2, maxLength: 14 }),
    seedRows: fc.array(fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 14 }),
    targets: fc.array(fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 6 }),
  })
  .map(({ truth, seedRows, targets }) => {
    const atoms = truth.length;
    const subset = (picks: number[]) => [...new Set(picks.map((p) => p % atoms))];
    const equations = seedRows.map((picks) => {
      const cover = subset(picks);
      return { cover, value: cover.reduce((s, a) => s + truth[a], 0) };
    });
    return { atoms, equations, targets: targets.map(subset) };
  });

describe('the audit LP with determined atoms fixed first', () => {
  let highs: LpSolver;
  beforeAll(async () => {
    highs = await highsSolver();
  });

  it('gives the same interval as HiGHS over the whole system, for any linked system', () => {
    fc.assert(
      fc.property(system, ({ atoms, equations, targets }) => {
        const whole = highs.session(atoms, equations);
        const reduced = withDeterminedAtomsFixed(highs).session(atoms, equations);
        try {
          for (const cover of targets) {
            const [a, b] = whole.range(cover);
            const [c, d] = reduced.range(cover);
            for (const [x, y] of [
              [a, c],
              [b, d],
            ])
              if (Number.isFinite(x) || Number.isFinite(y)) expect(Math.abs(x - y)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(x)));
            // The points it reports are points of the whole system: every equation holds, no atom is negative.
            for (const point of reduced.lastPoints?.() ?? []) {
              expect(point.length).toBe(atoms);
              expect(Math.min(...point)).toBeGreaterThanOrEqual(-1e-6);
              for (const e of equations) expect(Math.abs(e.cover.reduce((s, i) => s + point[i], 0) - e.value)).toBeLessThanOrEqual(1e-6 * Math.max(1, e.value));
            }
          }
        } finally {
          whole.dispose();
          reduced.dispose();
        }
      }),
      { numRuns: 300, seed: 15 },
    );
  });

  it('fixes a published single atom and a cell published as zero, and solves only what is left', () => {
    let seen: { atoms: number; rows: number } | undefined;
    const spy: LpSolver = {
      session(atoms, equations) {
        seen = { atoms, rows: equations.length };
        return highs.session(atoms, equations);
      },
    };
    // Atoms 0..4: a0 = 5 (published alone), a1 + a2 = 0 (a zero row), a0 + a3 + a4 = 12 (a total), a3 hidden.
    const session = withDeterminedAtomsFixed(spy).session(5, [
      { cover: [0], value: 5 },
      { cover: [1, 2], value: 0 },
      { cover: [0, 3, 4], value: 12 },
    ]);
    expect(seen).toEqual({ atoms: 2, rows: 1 });
    expect(session.range([3])).toEqual([0, 7]);
    expect(session.range([0, 1])).toEqual([5, 5]);
    expect(session.range([0, 3, 4])).toEqual([12, 12]);
    session.dispose();
  });

  it('refuses published figures that contradict each other, as HiGHS does', () => {
    const contradictions = [
      [
        { cover: [0], value: 5 },
        { cover: [0], value: 6 },
      ],
      [
        { cover: [0], value: 5 },
        { cover: [0, 1], value: 4 },
      ],
      [
        { cover: [0, 1], value: 0 },
        { cover: [1], value: 3 },
      ],
    ];
    for (const equations of contradictions) {
      expect(() => withDeterminedAtomsFixed(highs).session(2, equations)).toThrow(LpInfeasibleError);
      const whole = highs.session(2, equations);
      expect(() => whole.range([0])).toThrow(LpInfeasibleError);
      whole.dispose();
    }
  });
});
