import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

/** The layer rules are real: they pass on the code and each fails on a violation (issue 6 acceptance 6, issue 17 acceptance 2). */
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

  /** Each fixture breaks the rules named, once each, and no other (a rule that cannot fail would pass them silently). */
  const violations = (fixture: string, ...targets: string[]) => {
    const result = run(resolve('test/fixtures', fixture), ...targets);
    expect(result.code).not.toBe(0);
    return [...result.out.matchAll(/error (no-[a-z-]+)/g)].map((m) => m[1]).sort();
  };

  it('fails when HTTP reaches below the controllers, or OpenAPI below the input classes', () => {
    expect(violations('http-below-controllers', 'apps', 'libs')).toEqual(['no-http-below-controllers', 'no-http-outside-controllers', 'no-openapi-below-inputs']);
  });

  it("fails when an app imports another app's src", () => {
    expect(violations('app-to-app', 'apps')).toEqual(['no-app-to-other-app']);
  });

  it('fails when an api feature imports another feature (http/ is shared)', () => {
    expect(violations('cross-feature', 'apps')).toEqual(['no-cross-feature-in-api']);
  });

  it('fails when a use case reads the composition, or the read side a use case', () => {
    expect(violations('layers', 'libs')).toEqual(['no-application-to-composition', 'no-read-side-to-use-cases']);
  });
});
