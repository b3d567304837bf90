/** The linear-programming port of the disclosure audit (issue 15). */

/** One solver session over a fixed set of equations: the range of any sum of atoms. */
export interface LpSession {
  /** [min, max] of Σ atoms(cover) subject to the equations and atoms ≥ 0. */
  range(cover: readonly number[]): [number, number];
  /** The atoms at the ends of the last range (feasible points of the system; none when unbounded). */
  lastPoints?(): Float64Array[];
  dispose(): void;
}

/** The published equations contradict each other (figures revised between releases). */
export class LpInfeasibleError extends Error {}

/** A linear-programming solver (HiGHS in the product; the tests' attacker brings its own model). */
export interface LpSolver {
  session(atoms: number, equations: readonly { cover: readonly number[]; value: number }[]): LpSession;
}
