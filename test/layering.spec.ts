import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

/** Acceptance 6: the layer rule is real — it passes on the code and fails on a violation. */
describe('dependency-cruiser layer rules', () => {
  const depcruise = resolve('node_modules/.bin/depcruise');
  const run = (cwd: string, ...targets: string[]) => {
    try {
      return { code: 0, out: execFileSync(depcruise, [...targets, '--config', resolve('.dependency-cruiser.cjs'), '--output-type', 'err'], { cwd, encoding: 'utf8', stdio: 'pipe' }) };
    } catch (error) {
      const e = error as { status: number; stdout: string };
      return { code: e.status, out: e.stdout };
    }
  };

  it('finds no violation in apps and libs', () => {
    expect(run(resolve('.'), 'apps', 'libs').code).toBe(0);
  });

  it('fails when the domain imports Nest or Node I/O', () => {
    const result = run(resolve('test/fixtures/impure-domain'), 'libs');
    expect(result.code).not.toBe(0);
    expect(result.out).toContain('no-domain-to-framework-or-adapters');
    expect(result.out).toContain('no-domain-node-io');
  });
});
