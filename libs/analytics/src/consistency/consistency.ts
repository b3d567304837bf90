import type { ClickHouseClient } from '@clickhouse/client';
import { annualDiffersFromMonths, filingDeadline, inForceAt, monthLabel } from '../../../domain/src/index.js';
import { queryAnnualReports } from '../annual/annual-statistics.js';
import { asOfParam, queryRows } from '../clickhouse.client.js';
import { queryFiledMonths, queryRegister, type PanelEnterprise, type PanelUnit } from '../reports/unit-panel.query.js';

/**
 * Consistency checks a bureau runs before publishing (issue 20, point 4), each a documented,
 * versioned rule whose findings name the enterprises concerned. All read the log as known at an
 * instant (asOf, default now) and up to a log position.
 */
export interface ConsistencyQuestion {
  /** Months as indexes, inclusive. */
  readonly fromMonth: number;
  readonly toMonth: number;
  /** Region code prefix ('' = the country). */
  readonly region: string;
  readonly asOf?: string;
  readonly upToPosition?: number;
  /** The instant the opening stocks are taken as known (e.g. the cut-off of the release that published them); default: when the month before the period was due. */
  readonly openingAsOf?: string;
}

export interface CheckDescription {
  readonly id: string;
  readonly version: number;
  readonly description: string;
}

export const STOCK_FLOW_CHECKS: Record<'rentals' | 'outlets', CheckDescription> = {
  rentals: {
    id: 'rentals-stock-flow',
    version: 1,
    description:
      'Per county: rentals active at the end of the period = active at its start + started − returned in it, where the opening stock is the one known when the ' +
      "previous month's figures were due (the 15th of the period's first month, end of day in China). A difference comes from records entered after that and " +
      'dated before the period: each is listed with its effect on the opening stock (+1 a rental started before the period, −1 a return dated before it).',
  },
  outlets: {
    id: 'outlets-stock-flow',
    version: 1,
    description:
      'Per county: outlets open at the end of the period = open at its start + opened − closed in it, with the opening stock known when the previous ' +
      "month's figures were due; each difference is explained by the records entered after that and dated before the period.",
  },
};

export const REVENUE_PER_EMPLOYEE_CHECK: CheckDescription = {
  id: 'revenue-per-employee',
  version: 1,
  description:
    "Each enterprise's revenue per employee in the period (Σ revenue of its filed months ÷ their mean end-of-month headcount) against the usual range of its " +
    'cell — the enterprises of the same province and segment that filed in the period: below Q1 − 1.5·IQR or above Q3 + 1.5·IQR (quartiles interpolated ' +
    'between order statistics), checked where the cell has at least 5 such enterprises. Revenue with no employee in any filed month is a finding too.',
};

export const ANNUAL_VS_MONTHS_CHECK: CheckDescription = {
  id: 'annual-vs-months',
  version: 1,
  description:
    "For a whole-year period: an enterprise's annual report revenue against the sum of its monthly reports of the year, a finding where they differ by more " +
    'than 5% of that sum (enterprises that filed at least one month).',
};

export interface StockFlowCell {
  readonly region: string;
  readonly opening: number;
  readonly added: number;
  readonly removed: number;
  readonly closing: number;
  /** closing − (opening + added − removed). */
  readonly difference: number;
}

export interface StockFlowRecord {
  readonly region: string;
  /** The rental or outlet. */
  readonly id: string;
  readonly uscc: string;
  readonly from: string;
  readonly to: string | null;
  /** When the record that changed the opening stock was entered. */
  readonly recordedAt: string;
  /** +1 or −1 on the opening stock. */
  readonly effect: number;
}

const KNOWN = `recorded_at <= {asOf:DateTime64(3, 'UTC')} AND position <= {upTo:UInt64}`;

/** Per unit (rental or outlet): its dates as known now, when each was first recorded, and where it counts. */
const FACTS = {
  rentals: `
    starts AS (SELECT rental_id AS id, argMax(uscc, position) AS uscc, argMax(community_code, position) AS community, argMax(started_on, position) AS d_from, min(recorded_at) AS from_at
               FROM {db:Identifier}.rentals WHERE ${KNOWN} AND startsWith(community_code, {region:String}) GROUP BY rental_id),
    ends AS (SELECT rental_id AS id, argMax(ended_on, position) AS d_to, min(recorded_at) AS to_at, 1 AS ended
             FROM {db:Identifier}.rental_returns WHERE ${KNOWN} GROUP BY rental_id)`,
  outlets: `
    starts AS (SELECT outlet_id AS id, argMax(uscc, position) AS uscc, argMax(community_code, position) AS community, argMax(opened_on, position) AS d_from, min(recorded_at) AS from_at
               FROM {db:Identifier}.outlets WHERE ${KNOWN} AND startsWith(community_code, {region:String}) GROUP BY outlet_id),
    ends AS (SELECT outlet_id AS id, argMax(closed_on, position) AS d_to, min(recorded_at) AS to_at, 1 AS ended
             FROM {db:Identifier}.outlet_closures WHERE ${KNOWN} GROUP BY outlet_id)`,
};

/** Stock and flows of each unit, and its membership of the opening stock now and as known at the cut-off. */
const UNITS = (kind: 'rentals' | 'outlets') => `
  WITH ${FACTS[kind]},
  units AS (
    SELECT s.id AS id, s.uscc AS uscc, substring(s.community, 1, 6) AS county, s.d_from AS d_from, s.from_at AS from_at,
           e.ended = 1 AS ended, e.d_to AS d_to, e.to_at AS to_at
    FROM starts AS s LEFT JOIN ends AS e ON s.id = e.id
    WHERE s.d_from <= {end:Date}
  ),
  flagged AS (
    SELECT *,
      d_from < {start:Date} AND NOT (ended AND d_to < {start:Date}) AS opening_now,
      from_at <= {cutoff:DateTime64(3, 'UTC')} AND d_from < {start:Date} AND NOT (ended AND d_to < {start:Date} AND to_at <= {cutoff:DateTime64(3, 'UTC')}) AS opening_then,
      d_from >= {start:Date} AS added,
      ended AND d_to BETWEEN {start:Date} AND {end:Date} AS removed,
      NOT (ended AND d_to <= {end:Date}) AS closing
    FROM units
  )`;

/**
 * A stock–flow identity per county (rentals or outlets): the opening stock as known at `cutoff`,
 * the flows and the closing stock as known now, and the records that make up any difference.
 */
export async function queryStockFlow(
  client: ClickHouseClient,
  db: string,
  q: ConsistencyQuestion & { kind: 'rentals' | 'outlets'; cutoff: string },
): Promise<{ cells: StockFlowCell[]; records: StockFlowRecord[] }> {
  const params = {
    db,
    region: q.region,
    start: `${monthLabel(q.fromMonth)}-01`,
    end: lastDayOf(q.toMonth),
    cutoff: asOfParam(q.cutoff),
    asOf: asOfParam(q.asOf),
    upTo: q.upToPosition ?? Number.MAX_SAFE_INTEGER,
  };
  const [cells, records] = await Promise.all([
    queryRows<{ county: string; opening: string; added: string; removed: string; closing: string }>(
      client,
      `${UNITS(q.kind)}
       SELECT county, toString(countIf(opening_then)) AS opening, toString(countIf(added)) AS added, toString(countIf(removed)) AS removed, toString(countIf(closing)) AS closing
       FROM flagged GROUP BY county ORDER BY county`,
      params,
    ),
    queryRows<{ county: string; id: string; uscc: string; d_from: string; d_to: string | null; ended: boolean | number; from_at: string; to_at: string; effect: number | string }>(
      client,
      `${UNITS(q.kind)}
       SELECT county, id, uscc, toString(d_from) AS d_from, if(ended, toString(d_to), NULL) AS d_to, ended, toString(from_at) AS from_at, toString(to_at) AS to_at,
              toInt8(opening_now) - toInt8(opening_then) AS effect
       FROM flagged WHERE opening_now != opening_then ORDER BY county, id LIMIT 10000`,
      params,
    ),
  ]);
  return {
    cells: cells.map((c) => {
      const [opening, added, removed, closing] = [c.opening, c.added, c.removed, c.closing].map(Number);
      return { region: c.county, opening, added, removed, closing, difference: closing - (opening + added - removed) };
    }),
    records: records.map((r) => ({
      region: r.county,
      id: r.id,
      uscc: r.uscc,
      from: r.d_from,
      to: r.d_to,
      // The record entered after the cut-off: the start (+1), or the return dated before the period (−1).
      recordedAt: isoOf(Number(r.effect) > 0 ? r.from_at : r.to_at),
      effect: Number(r.effect),
    })),
  };
}

/** The instant the opening stock of a period is taken as known: when the month before it was due to be filed. */
export function openingCutoff(fromMonth: number): string {
  return filingDeadline(monthLabel(fromMonth - 1));
}

export interface RangeCell {
  readonly province: string;
  readonly segment: string;
  /** Enterprises of the cell that filed with employees in the period. */
  readonly peers: number;
  readonly q1: number | null;
  readonly q3: number | null;
  readonly low: number | null;
  readonly high: number | null;
}

export interface RevenuePerEmployeeFinding {
  readonly uscc: string;
  readonly region: string;
  readonly segment: string;
  /** Yuan, the filed months' sum. */
  readonly revenue: number;
  /** Mean end-of-month headcount of the filed months. */
  readonly employees: number;
  /** Yuan per employee; null when there were no employees. */
  readonly revenuePerEmployee: number | null;
  readonly low: number | null;
  readonly high: number | null;
}

/** Quantile by linear interpolation between order statistics (h = (n − 1)·p), of sorted values. */
export function quantile(sorted: readonly number[], p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  return sorted[lo] + (h - lo) * ((sorted[Math.min(lo + 1, sorted.length - 1)] ?? sorted[lo]) - sorted[lo]);
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** The revenue-per-employee check from the province's filed months of the period. */
export function revenuePerEmployee(filed: ReadonlyMap<string, ReadonlyMap<number, PanelUnit>>, q: ConsistencyQuestion): { cells: RangeCell[]; findings: RevenuePerEmployeeFinding[] } {
  const units: { uscc: string; region: string; segment: string; revenue: number; employees: number }[] = [];
  for (const [uscc, months] of filed) {
    const own = [...months.values()].filter((u) => u.month >= q.fromMonth && u.month <= q.toMonth).sort((a, b) => a.month - b.month);
    if (!own.length) continue;
    const last = own[own.length - 1];
    units.push({
      uscc,
      region: last.region,
      segment: last.segment,
      revenue: own.reduce((s, u) => s + u.revenue, 0) / 100,
      employees: own.reduce((s, u) => s + u.employees, 0) / own.length,
    });
  }
  const cellOf = (u: { region: string; segment: string }) => `${u.region.slice(0, 2)}|${u.segment}`;
  const cells = new Map<string, number[]>();
  for (const u of units) if (u.employees > 0) (cells.get(cellOf(u)) ?? cells.set(cellOf(u), []).get(cellOf(u))!).push(u.revenue / u.employees);
  const ranges = new Map<string, RangeCell>();
  for (const [key, values] of cells) {
    const [province, segment] = key.split('|');
    values.sort((a, b) => a - b);
    if (values.length < 5) {
      ranges.set(key, { province, segment, peers: values.length, q1: null, q3: null, low: null, high: null });
      continue;
    }
    const q1 = quantile(values, 0.25);
    const q3 = quantile(values, 0.75);
    ranges.set(key, { province, segment, peers: values.length, q1: round2(q1), q3: round2(q3), low: round2(q1 - 1.5 * (q3 - q1)), high: round2(q3 + 1.5 * (q3 - q1)) });
  }
  const findings: RevenuePerEmployeeFinding[] = [];
  for (const u of units) {
    if (!u.region.startsWith(q.region)) continue;
    const range = ranges.get(cellOf(u));
    if (u.employees === 0) {
      if (u.revenue > 0) findings.push({ uscc: u.uscc, region: u.region, segment: u.segment, revenue: round2(u.revenue), employees: 0, revenuePerEmployee: null, low: range?.low ?? null, high: range?.high ?? null });
      continue;
    }
    if (!range || range.low === null || range.high === null) continue;
    const ratio = u.revenue / u.employees;
    if (ratio < range.low || ratio > range.high)
      findings.push({ uscc: u.uscc, region: u.region, segment: u.segment, revenue: round2(u.revenue), employees: round2(u.employees), revenuePerEmployee: round2(ratio), low: range.low, high: range.high });
  }
  return { cells: [...ranges.values()].filter((c) => c.province === q.region.slice(0, 2) || q.region === '').sort((a, b) => `${a.province}|${a.segment}`.localeCompare(`${b.province}|${b.segment}`)), findings: findings.sort((a, b) => a.uscc.localeCompare(b.uscc)) };
}

export interface AnnualVsMonthsFinding {
  readonly uscc: string;
  readonly region: string;
  readonly year: number;
  /** Yuan. */
  readonly annualRevenue: number;
  readonly monthsRevenue: number;
  readonly monthsFiled: number;
  /** (annual − months) ÷ months; null when the months sum to zero. */
  readonly difference: number | null;
}

/** Everything the consistency endpoint answers. */
export interface ConsistencyResult {
  readonly openingKnownAt: string;
  readonly stockFlow: Record<'rentals' | 'outlets', { cells: StockFlowCell[]; records: StockFlowRecord[] }>;
  readonly revenuePerEmployee: { cells: RangeCell[]; findings: RevenuePerEmployeeFinding[] };
  /** Null when the period is not a whole year. */
  readonly annualVsMonths: AnnualVsMonthsFinding[] | null;
}

/** Runs every check for a period and region. */
export async function consistencyChecks(client: ClickHouseClient, db: string, q: ConsistencyQuestion): Promise<ConsistencyResult> {
  const cutoff = q.openingAsOf ?? openingCutoff(q.fromMonth);
  // The opening stock is as known at the cut-off, or at asOf when that is earlier.
  const openingKnownAt = q.asOf && q.asOf < cutoff ? q.asOf : cutoff;
  const wholeYear = q.fromMonth % 12 === 0 && q.toMonth === q.fromMonth + 11;
  const year = Math.floor(q.fromMonth / 12);
  const scope = q.region.slice(0, 2);
  const window = { scope, fromMonth: q.fromMonth, toMonth: q.toMonth, asOf: q.asOf, upToPosition: q.upToPosition };
  const [rentals, outlets, filed, annual] = await Promise.all([
    queryStockFlow(client, db, { ...q, kind: 'rentals', cutoff: openingKnownAt }),
    queryStockFlow(client, db, { ...q, kind: 'outlets', cutoff: openingKnownAt }),
    queryFiledMonths(client, db, window),
    wholeYear ? queryAnnualReports(client, db, { scope, fromYear: year, toYear: year, asOf: q.asOf, upToPosition: q.upToPosition }) : Promise.resolve(null),
  ]);
  // The register places an annual report in its region at the year's end (only a whole year needs it).
  const register = annual ? await queryRegister(client, db, window) : new Map<string, PanelEnterprise>();
  let annualVsMonths: AnnualVsMonthsFinding[] | null = null;
  if (annual) {
    annualVsMonths = [];
    for (const report of annual) {
      const e = register.get(report.uscc);
      const region = e ? inForceAt(e.locations, year * 12 + 11, (l) => l.from)?.region : undefined;
      if (region === undefined || !region.startsWith(q.region)) continue;
      const months = [...(filed.get(report.uscc)?.values() ?? [])].filter((u) => u.month >= q.fromMonth && u.month <= q.toMonth);
      if (!months.length) continue;
      const monthsFen = months.reduce((s, u) => s + u.revenue, 0);
      const annualFen = Number(report.revenue);
      if (!annualDiffersFromMonths(annualFen, monthsFen)) continue;
      annualVsMonths.push({
        uscc: report.uscc,
        region,
        year,
        annualRevenue: annualFen / 100,
        monthsRevenue: monthsFen / 100,
        monthsFiled: months.length,
        difference: monthsFen === 0 ? null : Math.round(((annualFen - monthsFen) / monthsFen) * 1e6) / 1e6,
      });
    }
    annualVsMonths.sort((a, b) => a.uscc.localeCompare(b.uscc));
  }
  return { openingKnownAt, stockFlow: { rentals, outlets }, revenuePerEmployee: revenuePerEmployee(filed, q), annualVsMonths };
}

function lastDayOf(month: number): string {
  return new Date(Date.UTC(Math.floor(month / 12), (month % 12) + 1, 0)).toISOString().slice(0, 10);
}

/** A ClickHouse DateTime64 as an ISO instant. */
function isoOf(ch: string): string {
  return `${ch.replace(' ', 'T')}${ch.includes('.') ? '' : '.000'}Z`;
}
