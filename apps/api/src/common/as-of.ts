import { ValidationFailedError } from '../../../../libs/domain/src/index.js';

/** Parses an `asOf` instant (ISO 8601 with a zone) into a UTC ISO string; undefined when absent. */
export function parseAsOf(value: string | undefined, path = 'asOf'): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i.test(value))
    throw ValidationFailedError.field(path, 'must be an ISO 8601 instant with a zone, such as 2024-03-01T08:00:00Z');
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw ValidationFailedError.field(path, 'must be a real instant');
  return new Date(ms).toISOString();
}
