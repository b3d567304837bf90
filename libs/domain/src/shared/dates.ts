import { todayInChina } from './filing-calendar.js';

/** Why a value is not an acceptable calendar date up to today, or undefined when it is. */
export function dateProblem(value: unknown, now: string): string | undefined {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return 'must be a date YYYY-MM-DD';
  const parsed = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== value) return 'must be a real calendar date';
  if (value > todayInChina(now)) return 'must not be in the future';
  return undefined;
}

/** Identifiers chosen by the filer (outlet and rental ids, trace codes): safe in URLs and logs. */
export function identifierProblem(value: unknown, max = 64): string | undefined {
  if (typeof value !== 'string' || !new RegExp(`^[A-Za-z0-9][A-Za-z0-9._:-]{0,${max - 1}}$`).test(value))
    return `must be 1-${max} letters, digits, ".", "_", ":" or "-", starting with a letter or digit`;
  return undefined;
}
