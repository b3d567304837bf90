import { LpInfeasibleError, type LpSession, type LpSolver } from './lp.js';

/**
 * Before the solver sees the linked system, the atoms the published figures already determine
 * are taken out of it: a published cell that is one atom fixes that atom; a cell published as
 * zero fixes every atom under it to zero (none is negative); a fixed atom is substituted into
 * every other equation, which may fix more. What is left is the part of the system the
 * confidential cells leave open — in a large release, a few hundred atoms out of thousands —
 * and each range is solved over that alone. The reduction is exact: every attacker-feasible data
 * set agrees with the fixed values, so intervals are the same as over the whole system.
 *
 * (HiGHS's own presolve does the same, but it runs again for every objective and throws away
 * the warm start; doing it once per session keeps both.)
 */
export function withDeterminedAtomsFixed(solver: LpSolver): LpSolver {
  return {
    session(atoms, equations): LpSession {
      const reduced = reduce(atoms, equations);
      const inner = reduced.free.length ? solver.session(reduced.free.length, reduced.equations) : undefined;
      const fixedPart = (cover: readonly number[]) => cover.reduce((s, a) => (Number.isNaN(reduced.fixed[a]) ? s : s + reduced.fixed[a]), 0);
      // Points of the reduced system, completed with the fixed atoms, are points of the whole one.
      const base = Float64Array.from(reduced.fixed, (v) => (Number.isNaN(v) ? 0 : v));
      const complete = (p: Float64Array) => {
        const full = base.slice();
        reduced.free.forEach((a, i) => (full[a] = p[i]));
        return full;
      };
      let points: Float64Array[] = [];
      return {
        range(cover) {
          const constant = fixedPart(cover);
          const open = cover.flatMap((a) => (reduced.index[a] >= 0 ? [reduced.index[a]] : []));
          if (!open.length || !inner) {
            points = [];
            return [constant, constant];
          }
          const [min, max] = inner.range(open);
          points = (inner.lastPoints?.() ?? []).map(complete);
          return [constant + min, constant + max];
        },
        lastPoints: () => points,
        dispose: () => inner?.dispose(),
      };
    },
  };
}

interface Reduced {
  /** The fixed value of each atom, NaN where it is still open. */
  fixed: Float64Array;
  /** The open atoms, and each atom's index among them (-1 when fixed). */
  free: number[];
  index: Int32Array;
  equations: { cover: number[]; value: number }[];
}

function reduce(atoms: number, equations: readonly { cover: readonly number[]; value: number }[]): Reduced {
  const fixed = new Float64Array(atoms).fill(NaN);
  // Each row keeps what is left of its value and how many of its atoms are open, updated as atoms
  // are fixed, so a wide total is not rescanned for every atom fixed under it. Covers list each
  // atom once (they are products of distinct pieces).
  const rows = equations.map((e) => ({ cover: e.cover, value: e.value, rest: e.value, open: e.cover.length, done: false }));
  const rowsOf: number[][] = Array.from({ length: atoms }, () => []);
  rows.forEach((r, i) => r.cover.forEach((a) => rowsOf[a].push(i)));
  // Published figures are whole numbers (fen, persons, outlets): what floating point leaves of a
  // difference between them is far below one; anything of that order is a real difference.
  const tolerance = (v: number) => 1e-6 + 1e-12 * Math.abs(v);
  const contradiction = () => new LpInfeasibleError('the published figures contradict each other');
  const queue = rows.map((_, i) => rows.length - 1 - i);
  const fix = (atom: number, value: number) => {
    if (!Number.isNaN(fixed[atom])) {
      if (Math.abs(fixed[atom] - value) > tolerance(value)) throw contradiction();
      return;
    }
    fixed[atom] = value;
    for (const i of rowsOf[atom]) {
      const row = rows[i];
      row.open -= 1;
      row.rest -= value;
      if (!row.done && (row.open <= 1 || row.rest <= tolerance(row.value))) queue.push(i);
    }
  };
  while (queue.length) {
    const row = rows[queue.pop()!];
    if (row.done) continue;
    if (row.rest < -tolerance(row.value)) throw contradiction();
    if (row.open === 0) {
      if (Math.abs(row.rest) > tolerance(row.value)) throw contradiction();
      row.done = true;
    } else if (row.open === 1) {
      row.done = true;
      fix(row.cover.find((a) => Number.isNaN(fixed[a]))!, Math.max(0, row.rest));
    } else if (row.rest <= tolerance(row.value)) {
      row.done = true;
      for (const a of row.cover) if (Number.isNaN(fixed[a])) fix(a, 0);
    }
  }
  const free: number[] = [];
  const index = new Int32Array(atoms).fill(-1);
  for (let a = 0; a < atoms; a++) if (Number.isNaN(fixed[a])) index[a] = free.push(a) - 1;
  const left = rows.flatMap((r) => (r.done ? [] : [{ cover: r.cover.flatMap((a) => (index[a] >= 0 ? [index[a]] : [])), value: r.rest }]));
  return { fixed, free, index, equations: left };
}
