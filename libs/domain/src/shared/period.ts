/** A statistical period: a month `YYYY-MM`, a quarter `YYYY-Qn` or a year `YYYY`. */
export type PeriodKind = 'month' | 'quarter' | 'year';

export interface Period {
  readonly label: string;
  readonly kind: PeriodKind;
  /** First and last month as month indexes (year × 12 + month − 1). */
  readonly fromMonth: number;
  readonly toMonth: number;
}

export function monthIndex(month: string): number {
  const [y, m] = month.split('-').map(Number);
  return y * 12 + (m - 1);
}

export function monthLabel(index: number): string {
  const y = Math.floor(index / 12);
  const m = (index % 12) + 1;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}`;
}

/**
 * The years a period may fall in. Statistics, filings, releases and monitoring refuse periods
 * outside it (documented in API.md): the industry's records start long after 1990, and years such
 * as 0000 or 9999 only produced engine errors and nonsense deadlines.
 */
export const PERIOD_YEARS = { first: 1990, last: 2099 } as const;
export const PERIOD_RANGE_TEXT = `in the years ${PERIOD_YEARS.first}-${PERIOD_YEARS.last}`;

function yearInRange(label: string): boolean {
  const y = Number(label.slice(0, 4));
  return y >= PERIOD_YEARS.first && y <= PERIOD_YEARS.last;
}

/** A month `YYYY-MM` in the supported years. */
export function isMonth(value: unknown): value is string {
  return typeof value === 'string' && /^\d{4}-(0[1-9]|1[0-2])$/.test(value) && yearInRange(value);
}

/** Parses `YYYY`, `YYYY-Qn` or `YYYY-MM` in the supported years; undefined otherwise. */
export function parsePeriod(label: string): Period | undefined {
  if (typeof label !== 'string' || !yearInRange(label)) return undefined;
  return parseAnyPeriod(label);
}

function parseAnyPeriod(label: string): Period | undefined {
  let m = /^(\d{4})$/.exec(label);
  if (m) {
    const y = Number(m[1]);
    return { label, kind: 'year', fromMonth: y * 12, toMonth: y * 12 + 11 };
  }
  m = /^(\d{4})-Q([1-4])$/.exec(label);
  if (m) {
    const y = Number(m[1]);
    const q = Number(m[2]);
    return { label, kind: 'quarter', fromMonth: y * 12 + (q - 1) * 3, toMonth: y * 12 + (q - 1) * 3 + 2 };
  }
  if (/^\d{4}-(0[1-9]|1[0-2])$/.test(label)) {
    const i = monthIndex(label);
    return { label, kind: 'month', fromMonth: i, toMonth: i };
  }
  return undefined;
}

/** The label of the period of the given kind that contains a month index. */
export function periodLabelOf(month: number, kind: PeriodKind): string {
  const y = Math.floor(month / 12);
  if (kind === 'year') return String(y);
  if (kind === 'quarter') return `${y}-Q${Math.floor((month % 12) / 3) + 1}`;
  return monthLabel(month);
}

/** The same period one year earlier. */
export function previousYear(period: Period): Period {
  return parseAnyPeriod(shiftLabelByYears(period.label, -1))!;
}

function shiftLabelByYears(label: string, years: number): string {
  const y = Number(label.slice(0, 4)) + years;
  return String(y).padStart(4, '0') + label.slice(4);
}

/** The periods of a kind that cover [fromMonth, toMonth], in order. */
export function periodsBetween(fromMonth: number, toMonth: number, kind: PeriodKind): Period[] {
  const labels: string[] = [];
  for (let m = fromMonth; m <= toMonth; m++) {
    const label = periodLabelOf(m, kind);
    if (labels[labels.length - 1] !== label) labels.push(label);
  }
  return labels.map((l) => parseAnyPeriod(l)!);
}
