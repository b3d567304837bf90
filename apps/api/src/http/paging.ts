import { applyDecorators } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import { access, type Principal } from '../../../../libs/application/src/index.js';
import { ForbiddenError, parseAsOf, ValidationFailedError, type FieldProblem } from '../../../../libs/domain/src/index.js';
import { isRegionPrefix } from '../../../../libs/reference/src/index.js';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

/** Paging as asked: a page from 1, its size, and the snapshot later pages must keep (asOf, log position). */
export interface Paging {
  readonly page: number;
  readonly pageSize: number;
  readonly asOf?: string;
  /** The log position the list is cut at: the first page's, passed back by `next`. */
  readonly upToPosition: number;
}

/**
 * Parses `page`, `pageSize`, `asOf` and `position` (naming each bad one). Without `position` the list
 * is cut at what is projected now; `next` carries that position, so every page of one listing reads
 * the same snapshot — nothing recorded in between makes a page skip or repeat an item.
 */
export function parsePaging(raw: { page?: string; pageSize?: string; asOf?: string; position?: string }, projected: number): Paging {
  const problems: FieldProblem[] = [];
  const whole = (path: string, value: string | undefined, fallback: number, max: number): number => {
    if (value === undefined) return fallback;
    if (!/^\d{1,9}$/.test(value) || Number(value) < 1 || Number(value) > max) {
      problems.push({ path, message: `must be a whole number from 1 to ${max}` });
      return fallback;
    }
    return Number(value);
  };
  const page = whole('page', raw.page, 1, 1_000_000);
  const pageSize = whole('pageSize', raw.pageSize, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  let position = projected;
  if (raw.position !== undefined) {
    if (!/^\d{1,15}$/.test(raw.position) || Number(raw.position) > projected) problems.push({ path: 'position', message: `must be a log position already projected (at most ${projected}), as a list's next link gives it` });
    else position = Number(raw.position);
  }
  let asOf: string | undefined;
  try {
    asOf = parseAsOf(raw.asOf);
  } catch (error) {
    problems.push(...(error as ValidationFailedError).errors);
  }
  if (problems.length) throw new ValidationFailedError(problems);
  return { page, pageSize, asOf, upToPosition: position };
}

/** A page as the API answers it: the items, where the listing stands, and the link to the next page (null on the last). */
export interface PageView<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
  cutoff: { position: number; asOf: string | null };
  next: string | null;
}

export function pageView<T>(items: T[], total: number, paging: Paging, path: string, filters: Record<string, string | undefined>): PageView<T> {
  const more = paging.page * paging.pageSize < total;
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(filters)) if (value) query.set(name, value);
  query.set('page', String(paging.page + 1));
  query.set('pageSize', String(paging.pageSize));
  query.set('position', String(paging.upToPosition));
  if (paging.asOf) query.set('asOf', paging.asOf);
  return { items, page: paging.page, pageSize: paging.pageSize, total, cutoff: { position: paging.upToPosition, asOf: paging.asOf ?? null }, next: more ? `${path}?${query}` : null };
}

/** A filter that takes one of a few values ('' when not given); anything else is a 400 naming it. */
export function choice<T extends string>(path: string, value: string | undefined, allowed: readonly T[]): T | '' {
  if (value === undefined || value === '') return '';
  if (!(allowed as readonly string[]).includes(value)) throw ValidationFailedError.field(path, `must be one of ${allowed.join(', ')}`);
  return value as T;
}

/**
 * Who may list what: an enterprise its own outlets and rentals only; a bureau its region (by default
 * its whole region); regulators and administrators anything.
 */
export function listScope(principal: Principal, raw: { region?: string; uscc?: string }, what: string): { region: string; uscc: string } {
  let uscc = raw.uscc ?? '';
  if (principal.role === 'enterprise') {
    if (uscc && uscc !== principal.uscc) throw new ForbiddenError(`an enterprise may list only its own ${what}`);
    uscc = principal.uscc ?? '';
  }
  const region = raw.region ?? (principal.role === 'bureau' ? (principal.region ?? '') : '');
  if (region !== '' && !(/^\d{2}(\d{2}){0,2}$/.test(region) && isRegionPrefix(region)))
    throw ValidationFailedError.field('region', 'must be an existing 2-, 4- or 6-digit GB/T 2260 region code');
  if (principal.role !== 'enterprise') access.assertRegion(principal, region, `list ${what} in`);
  return { region, uscc };
}

/** Query parameters given once each: a repeated one (`?a=1&a=2`, an array) is a 400 naming it. */
export function singleValued<T extends Record<string, unknown>>(raw: T): { [K in keyof T]: Exclude<T[K], unknown[]> } {
  const repeated = Object.entries(raw).filter(([, v]) => Array.isArray(v) || (v !== undefined && typeof v !== 'string'));
  if (repeated.length) throw new ValidationFailedError(repeated.map(([path]) => ({ path, message: 'must be given once, as text' })));
  return raw as { [K in keyof T]: Exclude<T[K], unknown[]> };
}

/** The paging parameters every list documents. */
export function ApiPaging(): MethodDecorator {
  return applyDecorators(
    ApiQuery({ name: 'page', required: false }),
    ApiQuery({ name: 'pageSize', required: false, description: `1-${MAX_PAGE_SIZE}, default ${DEFAULT_PAGE_SIZE}` }),
    ApiQuery({ name: 'position', required: false, description: 'the log position of the listing (from its next link)' }),
    ApiQuery({ name: 'asOf', required: false }),
  );
}
