import type { ClickHouseClient } from '@clickhouse/client';
import { asOfParam, queryRows } from '../clickhouse.client.js';

export type ReportIndicator = 'revenue' | 'tax' | 'employment' | 'enterprises';
export type Bucket = 'none' | 'month' | 'quarter' | 'year';

/** One statistics question over the report projection. Every value is bound as a parameter. */
export interface ReportStatisticsQuery {
  readonly indicator: ReportIndicator;
  readonly fromMonth: number;
  readonly toMonth: number;
  /** Region code prefix; '' = national. */
  readonly region: string;
  /** Length of the region code to group by (2, 4, 6), or 0 for no grouping by region. */
  readonly regionLength: number;
  readonly bySegment: boolean;
  /** Splits the period into sub-periods (groupBy=period), or 'none'. */
  readonly bucket: Bucket;
  /** ISO instant; undefined = everything known now. */
  readonly asOf?: string;
  /** Only events up to this log position (a release's cut-off). */
  readonly upToPosition?: number;
  /** Whether to compute the largest single enterprise's part (for dominance rules); '0' otherwise. */
  readonly withTop?: boolean;
}

export interface ReportStatisticsRow {
  /** Month index of the bucket start, or -1 without bucketing. */
  readonly bucket: number;
  readonly region: string;
  readonly segment: string;
  /** Integer fen for money, persons or enterprises otherwise; decimal string. */
  readonly value: string;
  /** The largest single enterprise's part of the value (for dominance rules). */
  readonly top: string;
  readonly contributors: number;
}

/**
 * Sums of the report deltas recorded up to the instant (and log position) asked, per bucket,
 * cell and enterprise: each month counts in the region the enterprise had for it and with its
 * segment, as known then. Moves between cells cancel out, so an enterprise contributes to a
 * cell exactly when its report count there is positive.
 */
const BUCKET = `
  multiIf({bucket:String} = 'month', toInt64(month),
          {bucket:String} = 'quarter', toInt64(intDiv(month, 3) * 3),
          {bucket:String} = 'year', toInt64(intDiv(month, 12) * 12),
          toInt64(-1))`;

const KNOWN = `
  month BETWEEN {fromMonth:UInt32} AND {toMonth:UInt32}
  AND recorded_at <= {asOf:DateTime64(3, 'UTC')} AND position <= {upTo:UInt64}`;

const GROUP_KEYS = `
  if({regionLength:UInt8} = 0, '', substring(region_code, 1, {regionLength:UInt8})) AS region_key,
  if({bySegment:Bool}, segment, '') AS segment_key`;

/** Flows: per enterprise in each bucket and cell, then summed; `bucket` and `where` pick the rows and how they are bucketed. */
const flowSql = (bucket: string, where: string) => `
  WITH per_enterprise AS (
    SELECT ${bucket} AS bucket, ${GROUP_KEYS}, enterprise,
           multiIf({indicator:String} = 'revenue', sum(revenue_fen), {indicator:String} = 'tax', sum(tax_fen), toInt64(1)) AS amount
    FROM {db:Identifier}.report_deltas
    WHERE ${where} AND startsWith(region_code, {region:String})
    GROUP BY bucket, region_key, segment_key, enterprise
    HAVING sum(reports) > 0
  )
  SELECT bucket, region_key, segment_key,
         toString(sum(amount)) AS value,
         toString(max(amount)) AS top,
         toUInt32(count()) AS contributors
  FROM per_enterprise
  GROUP BY bucket, region_key, segment_key
  ORDER BY bucket, region_key, segment_key`;

const FLOW_SQL = flowSql(BUCKET, KNOWN);

/**
 * Employment is a stock: each enterprise counts with its latest filed month within the
 * bucket, in the cell that month counts in. Filing rows (reports = 1) find that month; moves
 * never change which months are filed, only where they count.
 */
const STOCK_SQL = `
  WITH latest AS (
    SELECT ${BUCKET} AS bucket, enterprise, max(month) AS latest_month
    FROM {db:Identifier}.report_deltas
    WHERE ${KNOWN} AND reports > 0
    GROUP BY bucket, enterprise
  ),
  headcounts AS (
    SELECT d.enterprise AS ent, d.month AS month, d.region_code AS region_code, d.segment AS segment, sum(d.employees) AS employees
    FROM {db:Identifier}.report_deltas AS d
    WHERE d.month BETWEEN {fromMonth:UInt32} AND {toMonth:UInt32}
      AND d.recorded_at <= {asOf:DateTime64(3, 'UTC')} AND d.position <= {upTo:UInt64}
      AND startsWith(d.region_code, {region:String})
      AND (d.enterprise, d.month) IN (SELECT enterprise, latest_month FROM latest)
    GROUP BY ent, month, region_code, segment
    HAVING sum(d.reports) > 0
  )
  SELECT l.bucket AS bucket, ${GROUP_KEYS},
         toString(sum(employees)) AS value,
         toString(max(employees)) AS top,
         toUInt32(uniqExact(h.ent)) AS contributors
  FROM headcounts AS h
  INNER JOIN latest AS l ON h.ent = l.enterprise AND h.month = l.latest_month
  GROUP BY bucket, region_key, segment_key
  ORDER BY bucket, region_key, segment_key`;

/**
 * Monthly buckets without the largest part: within one month an enterprise has at most one
 * report in a cell (its deltas there sum to 1 report, or to 0 after a move away), so a cell's
 * value and contributors are plain sums over the deltas — no grouping by enterprise. Stocks
 * and flows coincide for a month.
 */
const monthlySql = (where: string) => `
  SELECT toInt64(month) AS bucket, ${GROUP_KEYS},
         toString(multiIf({indicator:String} = 'revenue', sum(revenue_fen), {indicator:String} = 'tax', sum(tax_fen),
                          {indicator:String} = 'employment', sum(employees), sum(reports))) AS value,
         '0' AS top,
         toUInt32(sum(reports)) AS contributors
  FROM {db:Identifier}.report_deltas
  WHERE ${where} AND startsWith(region_code, {region:String})
  GROUP BY bucket, region_key, segment_key
  HAVING sum(reports) > 0
  ORDER BY bucket, region_key, segment_key`;

const MONTHLY_SQL = monthlySql(KNOWN);

/** Current monthly buckets (no asOf, no cut-off) read the per-month-and-cell projection: the same sums from a few rows per cell. */
const CURRENT_MONTHLY_SQL = monthlySql('month BETWEEN {fromMonth:UInt32} AND {toMonth:UInt32}');

/**
 * Current flows over whole years (no asOf, no cut-off) read the table's per-enterprise-year
 * projection: the same sums, from about a twelfth of the rows.
 */
const YEARLY_FLOW_SQL = flowSql(
  `if({bucket:String} = 'year', toInt64(intDiv(month, 12) * 12), toInt64(-1))`,
  'intDiv(month, 12) BETWEEN {fromYear:UInt32} AND {toYear:UInt32}',
);

/**
 * Current stocks over whole years read `stock_latest` (each enterprise's latest filed month per
 * year, kept by the projector): per bucket the latest of an enterprise's years, then summed — no
 * scan of the year's deltas.
 */
const YEARLY_STOCK_SQL = `
  SELECT bucket, ${GROUP_KEYS},
         toString(sum(employees)) AS value,
         toString(max(employees)) AS top,
         toUInt32(count()) AS contributors
  FROM (
    SELECT if({bucket:String} = 'year', toInt64(year * 12), toInt64(-1)) AS bucket, uscc,
           argMax(region_code, version) AS region_code, argMax(segment, version) AS segment, argMax(employees, version) AS employees
    FROM {db:Identifier}.stock_latest
    WHERE year BETWEEN {fromYear:UInt32} AND {toYear:UInt32}
    GROUP BY bucket, uscc
  )
  WHERE startsWith(region_code, {region:String})
  GROUP BY bucket, region_key, segment_key
  ORDER BY bucket, region_key, segment_key`;

/** The statement answering a question (exported for the test that checks which path and projection it takes). */
export function reportStatisticsSql(q: ReportStatisticsQuery): string {
  const wholeYears = q.fromMonth % 12 === 0 && q.toMonth % 12 === 11 && (q.bucket === 'none' || q.bucket === 'year');
  const current = q.asOf === undefined && q.upToPosition === undefined;
  if (wholeYears && current) return q.indicator === 'employment' ? YEARLY_STOCK_SQL : YEARLY_FLOW_SQL;
  if (q.bucket === 'month' && !q.withTop) return q.asOf === undefined && q.upToPosition === undefined ? CURRENT_MONTHLY_SQL : MONTHLY_SQL;
  return q.indicator === 'employment' ? STOCK_SQL : FLOW_SQL;
}

/** Runs a statistics question against the report projection. */
export async function queryReportStatistics(client: ClickHouseClient, db: string, q: ReportStatisticsQuery): Promise<ReportStatisticsRow[]> {
  const rows = await queryRows<{ bucket: string | number; region_key: string; segment_key: string; value: string; top: string; contributors: number | string }>(
    client,
    reportStatisticsSql(q),
    {
      db,
      indicator: q.indicator,
      fromMonth: q.fromMonth,
      toMonth: q.toMonth,
      fromYear: Math.floor(q.fromMonth / 12),
      toYear: Math.floor(q.toMonth / 12),
      region: q.region,
      regionLength: q.regionLength,
      bySegment: q.bySegment,
      bucket: q.bucket,
      asOf: asOfParam(q.asOf),
      upTo: q.upToPosition ?? Number.MAX_SAFE_INTEGER,
    },
  );
  return rows.map((r) => ({
    bucket: Number(r.bucket),
    region: r.region_key,
    segment: r.segment_key,
    value: r.value,
    top: r.top,
    contributors: Number(r.contributors),
  }));
}
