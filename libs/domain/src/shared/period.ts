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

export function isMonth(value: unknown): value is string {
  return typeof value === 'string' && /^\d{4}-(0[1-9]|1[0-2])$/.test(value);
}

/** Parses `YYYY`, `YYYY-Qn` or `YYYY-MM`; undefined if it is none of these. */
export function parsePeriod(label: string): Period | undefined {
  if (typeof label !== 'string') return undefined;
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
  if (isMonth(label)) {
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
  return parsePeriod(shiftLabelByYears(period.label, -1))!;
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
  return labels.map((l) => parsePeriod(l)!);
}
