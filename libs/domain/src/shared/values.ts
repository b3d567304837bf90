import { isCountyCode } from '../../../reference/src/index.js';
import { ValidationFailedError, type FieldProblem } from '../errors.js';
import { dateProblem } from './dates.js';
import { parseYuan } from './money.js';
import { isMonth, PERIOD_RANGE_TEXT } from './period.js';
import { usccProblem } from './uscc.js';

declare const brand: unique symbol;
/** A value that only its constructor can make: once parsed, its type says it is valid. */
export type Branded<T, Name extends string> = T & { readonly [brand]: Name };

/** 统一社会信用代码 (GB 32100-2015), check character verified. */
export type Uscc = Branded<string, 'Uscc'>;
/** A month `YYYY-MM` within the years periods may take. */
export type Month = Branded<string, 'Month'>;
/** An existing county-level GB/T 2260 code (6 digits). */
export type CountyCode = Branded<string, 'CountyCode'>;
/** Money in whole fen (0.01 yuan), from a decimal yuan string: never negative, below 10^13 yuan. */
export type Fen = Branded<number, 'Fen'>;

/**
 * Parses a command's fields at the edge (issue 17: parse once). Each constructor checks one field
 * and returns the branded value; every problem is kept, and `done()` throws them all together as
 * one ValidationFailedError naming each field. A value returned before `done()` threw is never used.
 */
export class FieldParser {
  private readonly problems: FieldProblem[] = [];

  /** Records a problem found by a check of the caller's (undefined: none). */
  check(path: string, problem: string | undefined): void {
    if (problem) this.problems.push({ path, message: problem });
  }

  uscc(path: string, value: unknown): Uscc {
    this.check(path, usccProblem(value as string));
    return value as Uscc;
  }

  month(path: string, value: unknown): Month {
    if (!isMonth(value)) this.check(path, `must be a month YYYY-MM ${PERIOD_RANGE_TEXT}`);
    return value as Month;
  }

  countyCode(path: string, value: unknown): CountyCode {
    if (typeof value !== 'string' || !isCountyCode(value)) this.check(path, 'must be an existing county-level (6-digit) GB/T 2260 code');
    return value as CountyCode;
  }

  fen(path: string, value: unknown): Fen {
    const parsed = parseYuan(value);
    if ('problem' in parsed) {
      this.check(path, parsed.problem);
      return 0 as Fen;
    }
    return parsed.fen as Fen;
  }

  /** A calendar date `YYYY-MM-DD`, not after today in China. */
  date(path: string, value: unknown, now: string): string {
    this.check(path, dateProblem(value, now));
    return value as string;
  }

  /** Whether the field named has a problem already (later checks of it are then skipped). */
  failed(path: string): boolean {
    return this.problems.some((p) => p.path === path);
  }

  done(): void {
    if (this.problems.length) throw new ValidationFailedError(this.problems);
  }
}
