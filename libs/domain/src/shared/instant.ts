import { ValidationFailedError } from '../errors.js';

/** Parses an `asOf` instant (ISO 8601 with a zone) into a UTC ISO string; undefined when absent. */
export function parseAsOf(value: string | undefined, path = 'asOf'): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i.test(value))
    throw ValidationFailedError.field(path, 'must be an ISO 8601 instant with a zone, such as 2024-03-01T08:00:00Z');
  // Date.parse rolls impossible fields over (2025-02-30 becomes 03-02): check each field is real.
  const [, y, mo, d, h, mi, s] = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(value)!.map(Number);
  const calendar = new Date(Date.UTC(y, mo - 1, d));
  if (calendar.getUTCFullYear() !== y || calendar.getUTCMonth() !== mo - 1 || calendar.getUTCDate() !== d || h > 23 || mi > 59 || (s || 0) > 59)
    throw ValidationFailedError.field(path, `must be a real instant: ${value.slice(0, 19)} does not exist`);
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw ValidationFailedError.field(path, 'must be a real instant');
  return new Date(ms).toISOString();
}
