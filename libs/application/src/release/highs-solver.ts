import highsModule from 'highs';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { LpInfeasibleError, type LpSession, type LpSolver } from '../../../domain/src/index.js';

// The package's types describe a CommonJS module (the loader under `default`); its ESM build
// exports the loader itself. Either way, this is the loader.
type Loader = (typeof highsModule)['default'];
const loadHighs: Loader = typeof highsModule === 'function' ? (highsModule as unknown as Loader) : highsModule.default;
type Highs = Awaited<ReturnType<Loader>>;
let loading: Promise<Highs> | undefined;

/**
 * The LP solver of the disclosure audit: HiGHS compiled to WebAssembly (npm `highs`). One model per
 * session holds the published equations; each range is two solves (minimise, maximise) of the
 * same model with another objective, which HiGHS warm-starts from the previous basis.
 */
export async function highsSolver(): Promise<LpSolver> {
  // The Wasm bytes are read from the package here and handed over, so loading does not depend on
  // how the loader locates its file (plain Node, Jest's module sandbox, a bundled build).
  const wasmBinary = () => readFileSync(createRequire(import.meta.url).resolve('highs/runtime'));
  const highs = await (loading ??= loadHighs({ wasmBinary: wasmBinary() }));
  return {
    session(atoms, equations): LpSession {
      const model = highs.createModel();
      // Primal simplex without presolve: each range changes only the objective, so the previous basis
      // stays feasible and the next solve starts from it (about 3× faster than the default here).
      model.options.set({ output_flag: false, presolve: 'off', solver: 'simplex', simplex_strategy: 4 });
      const zeros = new Float64Array(atoms);
      model.addVars(zeros, new Float64Array(atoms).fill(highs.infinity));
      for (const { cover, value } of equations) model.addRow(value, value, { indices: [...cover], values: cover.map(() => 1) });
      let costed: readonly number[] = [];
      const solve = (sense: 'minimize' | 'maximize'): number => {
        model.changeObjectiveSense(highs.constants.objectiveSense[sense]);
        model.run();
        const status = model.getModelStatus();
        if (status === highs.constants.modelStatus.optimal) return model.getObjectiveValue();
        if (status === highs.constants.modelStatus.unbounded || status === highs.constants.modelStatus.unboundedOrInfeasible)
          return sense === 'maximize' ? Infinity : -Infinity;
        if (status === highs.constants.modelStatus.infeasible) throw new LpInfeasibleError('the published figures contradict each other');
        throw new Error(`the disclosure audit's linear program ended with HiGHS status ${status}`);
      };
      let points: Float64Array[] = [];
      const point = () => Float64Array.from(model.getSolution().colValue ?? []);
      return {
        lastPoints: () => points,
        range(cover) {
          for (const i of costed) model.changeColCost(i, 0);
          for (const i of cover) model.changeColCost(i, 1);
          costed = cover;
          const min = solve('minimize');
          const atMin = point();
          const max = solve('maximize');
          points = Number.isFinite(max) ? [atMin, point()] : [atMin];
          return [min, max];
        },
        dispose: () => model.dispose(),
      };
    },
  };
}
