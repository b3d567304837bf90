import { filingDeadline, inForceAt, monthLabel } from '../../../domain/src/index.js';
import type { Bucket, ReportIndicator } from '../reports/report-statistics.query.js';
import type { PanelUnit, UnitPanel } from '../reports/unit-panel.query.js';
import type { CellQuestion, ResponseSums } from '../reports/response.query.js';

/**
 * Non-response and imputation (issue 20): response rates of every cell and estimates for the
 * months an enterprise owed and did not file, derived from the log as known at an instant — never
 * stored as filings, so a late filing simply replaces the estimate from the instant it is recorded.
 *
 * A month is **owed** by an enterprise (a unit of the survey) when it falls from its registration
 * month up to the month before its deregistration and its filing deadline (the 15th of the next
 * month, China time) has passed at the instant the figures are asked about. A month that was filed
 * counts whether or not it was owed yet.
 */
export type ImputationMode = 'none' | 'include';
export const IMPUTATION_MODES: readonly ImputationMode[] = ['none', 'include'];

/** A documented, versioned imputation method. */
export interface ImputationMethod {
  readonly id: string;
  readonly version: number;
  readonly description: string;
}

/** Flows (revenue, tax): ratio imputation from the enterprise's own month a year earlier, else its last filed month. */
export const RATIO_IMPUTATION: ImputationMethod = {
  id: 'ratio-yoy',
  version: 1,
  description:
    "An owed month not filed is estimated as the enterprise's own filed value of the same month a year earlier × the year-on-year ratio of that month " +
    'among the enterprises that filed both months in the same province and segment (Σ this year ÷ Σ a year earlier; the province over all segments ' +
    "when no such enterprise has a non-zero year-earlier sum; 1 when neither has). Without a year-earlier value: the enterprise's latest filed month " +
    '(carry-forward). Without any filed month: not estimated. Amounts are rounded to the fen.',
};

/** Stocks (employment): the enterprise's latest filed month carried forward. */
export const CARRY_FORWARD: ImputationMethod = {
  id: 'carry-forward',
  version: 1,
  description:
    "A stock is measured at each enterprise's last owed (or filed) month of the period; when that month was not filed, the enterprise's latest " +
    'filed month before it is carried forward. Without any filed month: not estimated.',
};

/** The method that estimates an indicator's missing months, or null where nothing is estimated (counts). */
export function imputationMethodOf(indicator: string): ImputationMethod | null {
  if (indicator === 'revenue' || indicator === 'tax') return RATIO_IMPUTATION;
  if (indicator === 'employment') return CARRY_FORWARD;
  return null;
}

/** How complete a cell is. */
export interface ResponseRates {
  /** Enterprises that owed (or filed) at least one month of the cell. */
  readonly expected: number;
  /** Of those, the enterprises that filed every month they owed in the cell. */
  readonly filed: number;
  /** filed ÷ expected; null when nothing was expected. */
  readonly rate: number | null;
  /**
   * The share of the year-earlier value the filing enterprises represent: Σ their value a year earlier
   * ÷ Σ that of every expected enterprise (revenue weights a count of enterprises); null when that is zero.
   */
  readonly weightedRate: number | null;
  /** Enterprise-months owed (or filed) in the cell, and filed. */
  readonly reportsExpected: number;
  readonly reportsFiled: number;
}

/** One cell computed from the unit panel. */
export interface UnitCell {
  readonly bucket: number;
  readonly region: string;
  readonly segment: string;
  /** With imputation: filed plus estimated, in fen or persons (enterprises for the count). */
  readonly value: bigint;
  /** The estimated part of `value`. */
  readonly imputed: bigint;
  /** Enterprises with a filed or estimated part. */
  readonly contributors: number;
  /** Enterprises with an estimated part. */
  readonly imputedContributors: number;
  /** The largest single enterprise's part (filed plus estimated): estimates disclose their enterprise too. */
  readonly top: bigint;
  readonly response: ResponseRates;
}

export type UnitCellQuestion = CellQuestion;

const bucketOf = (bucket: Bucket, month: number) =>
  bucket === 'month' ? month : bucket === 'quarter' ? Math.floor(month / 3) * 3 : bucket === 'year' ? Math.floor(month / 12) * 12 : -1;

const amountOf = (indicator: ReportIndicator, u: PanelUnit) => (indicator === 'tax' ? u.tax : indicator === 'employment' ? u.employees : u.revenue);

interface Part {
  owed: number;
  filed: number;
  value: number;
  imputed: number;
  valued: boolean;
  estimated: boolean;
  weight: number;
}

/**
 * The cells of a report indicator from the unit panel, with response rates and (for flows and
 * stocks) the estimate of every owed month not filed. The panel must hold the months from twelve
 * before `fromMonth` (the year-earlier values) to `toMonth`.
 */
export function unitCells(panel: UnitPanel, q: UnitCellQuestion): UnitCell[] {
  const deadlinePassed = new Map<number, boolean>();
  const owedByDate = (m: number) => {
    let passed = deadlinePassed.get(m);
    if (passed === undefined) deadlinePassed.set(m, (passed = filingDeadline(monthLabel(m)) < q.at));
    return passed;
  };
  const flow = q.indicator === 'revenue' || q.indicator === 'tax';
  const weightOf = (u: PanelUnit | undefined) => (u ? amountOf(q.indicator === 'enterprises' ? 'revenue' : q.indicator, u) : 0);
  const ratio = flow ? yearOnYearRatios(panel, q) : () => 1;

  // Per cell, per enterprise: what it owed, filed and is estimated at.
  const cells = new Map<string, { bucket: number; region: string; segment: string; parts: Map<string, Part> }>();
  const partOf = (bucket: number, region: string, segment: string, uscc: string): Part => {
    const r = q.regionLength ? region.slice(0, q.regionLength) : '';
    const s = q.bySegment ? segment : '';
    const key = `${bucket}|${r}|${s}`;
    let cell = cells.get(key);
    if (!cell) cells.set(key, (cell = { bucket, region: r, segment: s, parts: new Map() }));
    let part = cell.parts.get(uscc);
    if (!part) cell.parts.set(uscc, (part = { owed: 0, filed: 0, value: 0, imputed: 0, valued: false, estimated: false, weight: 0 }));
    return part;
  };

  for (const e of panel.enterprises.values()) {
    const filed = panel.filed.get(e.uscc);
    const latestBefore = (m: number): PanelUnit | undefined => {
      for (let k = m - 1; k >= q.fromMonth - 12; k--) {
        const u = filed?.get(k);
        if (u) return u;
      }
      const before = panel.before.get(e.uscc);
      return before && before.month < m ? before : undefined;
    };
    /** Stocks: the last month of each bucket the enterprise owed or filed, and where it counts. */
    const ends = new Map<number, { month: number; region: string; segment: string }>();
    for (let m = q.fromMonth; m <= q.toMonth; m++) {
      const own = filed?.get(m);
      const owed = own !== undefined || (m >= e.registeredMonth && (e.deregisteredMonth === null || m < e.deregisteredMonth) && owedByDate(m));
      if (!owed) continue;
      const region = own ? own.region : (inForceAt(e.locations, m, (l) => l.from)?.region ?? '');
      const segment = own ? own.segment : e.segment;
      if (!region.startsWith(q.region)) continue;
      const bucket = bucketOf(q.bucket, m);
      const part = partOf(bucket, region, segment, e.uscc);
      const yearEarlier = filed?.get(m - 12);
      part.owed++;
      if (own) part.filed++;
      if (q.indicator === 'employment') {
        ends.set(bucket, { month: m, region, segment });
        continue;
      }
      part.weight += weightOf(yearEarlier);
      if (own) {
        part.value += q.indicator === 'enterprises' ? 0 : amountOf(q.indicator, own);
        part.valued = true;
      } else if (flow) {
        const carried = yearEarlier ? undefined : latestBefore(m);
        if (!yearEarlier && !carried) continue;
        const estimate = yearEarlier ? Math.round(amountOf(q.indicator, yearEarlier) * ratio(m, region, segment)) : amountOf(q.indicator, carried!);
        part.value += estimate;
        part.imputed += estimate;
        part.valued = part.estimated = true;
      }
    }
    for (const [bucket, end] of ends) {
      const part = partOf(bucket, end.region, end.segment, e.uscc);
      part.weight = weightOf(filed?.get(end.month - 12));
      const own = filed?.get(end.month);
      const carried = own ?? latestBefore(end.month);
      if (!carried) continue;
      part.value = carried.employees;
      part.valued = true;
      if (!own) {
        part.imputed = carried.employees;
        part.estimated = true;
      }
    }
  }

  const out: UnitCell[] = [];
  for (const cell of cells.values()) {
    let value = 0n;
    let imputed = 0n;
    let top = 0n;
    let contributors = 0;
    let imputedContributors = 0;
    let expected = 0;
    let complete = 0;
    let owed = 0;
    let filedReports = 0;
    let weightAll = 0;
    let weightFiled = 0;
    for (const part of cell.parts.values()) {
      expected++;
      owed += part.owed;
      filedReports += part.filed;
      weightAll += part.weight;
      if (part.filed === part.owed) {
        complete++;
        weightFiled += part.weight;
      }
      const counted = q.indicator === 'enterprises' ? part.filed > 0 : part.valued;
      if (!counted) continue;
      const amount = q.indicator === 'enterprises' ? 1n : BigInt(part.value);
      contributors++;
      if (part.estimated) imputedContributors++;
      value += amount;
      imputed += BigInt(part.imputed);
      if (amount > top) top = amount;
    }
    out.push({
      bucket: cell.bucket,
      region: cell.region,
      segment: cell.segment,
      value,
      imputed,
      contributors,
      imputedContributors,
      top,
      response: responseRates({ expected, complete, reportsExpected: owed, reportsFiled: filedReports, weightAll, weightFiled }),
    });
  }
  return out.sort((a, b) => a.bucket - b.bucket || compare(a.region, b.region) || compare(a.segment, b.segment));
}

/** The response rates of a cell from its sums (the unit panel's, or ClickHouse's in `queryResponse`). */
export function responseRates(s: Pick<ResponseSums, 'expected' | 'complete' | 'reportsExpected' | 'reportsFiled' | 'weightAll' | 'weightFiled'>): ResponseRates {
  return {
    expected: s.expected,
    filed: s.complete,
    rate: s.expected ? round(s.complete / s.expected) : null,
    weightedRate: s.weightAll > 0 ? round(s.weightFiled / s.weightAll) : null,
    reportsExpected: s.reportsExpected,
    reportsFiled: s.reportsFiled,
  };
}

/**
 * The year-on-year ratio of each month among enterprises that filed it and the month a year
 * earlier, per province and segment, falling back to the province, then to 1.
 */
function yearOnYearRatios(panel: UnitPanel, q: UnitCellQuestion): (month: number, region: string, segment: string) => number {
  const sums = new Map<string, { now: number; before: number }>();
  const add = (key: string, now: number, before: number) => {
    const s = sums.get(key) ?? { now: 0, before: 0 };
    s.now += now;
    s.before += before;
    sums.set(key, s);
  };
  for (const [, months] of panel.filed) {
    for (const [m, u] of months) {
      if (m < q.fromMonth || m > q.toMonth) continue;
      const earlier = months.get(m - 12);
      if (!earlier) continue;
      const province = u.region.slice(0, 2);
      add(`${m}|${province}|${u.segment}`, amountOf(q.indicator, u), amountOf(q.indicator, earlier));
      add(`${m}|${province}`, amountOf(q.indicator, u), amountOf(q.indicator, earlier));
    }
  }
  return (month, region, segment) => {
    const province = region.slice(0, 2);
    for (const key of [`${month}|${province}|${segment}`, `${month}|${province}`]) {
      const s = sums.get(key);
      if (s && s.before > 0) return s.now / s.before;
    }
    return 1;
  };
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const round = (x: number) => Math.round(x * 1e6) / 1e6;
