import type { ClickHouseClient } from '@clickhouse/client';
import { asOfParam, queryRows } from './clickhouse.client.js';

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
 * The report rows current as of an instant: for each enterprise and month the latest
 * revision recorded by then, located in the region the enterprise had for that month
 * (registration and relocations recorded by then), with its segment as known then.
 */
const LOCATED_REPORTS = `
  reports AS (
    SELECT uscc, month,
           argMax(revenue_fen, (report_revision, position)) AS revenue_fen,
           argMax(tax_fen, (report_revision, position)) AS tax_fen,
           argMax(employees, (report_revision, position)) AS employees
    FROM {db:Identifier}.report_revisions
    WHERE month BETWEEN {fromMonth:UInt32} AND {toMonth:UInt32} AND recorded_at <= {asOf:DateTime64(3, 'UTC')} AND position <= {upTo:UInt64}
    GROUP BY uscc, month
  ),
  locations AS (
    SELECT uscc, effective_month, argMax(region_code, position) AS region_code
    FROM {db:Identifier}.enterprise_locations
    WHERE recorded_at <= {asOf:DateTime64(3, 'UTC')} AND position <= {upTo:UInt64}
    GROUP BY uscc, effective_month
  ),
  segments AS (
    SELECT uscc, argMax(value, position) AS segment
    FROM {db:Identifier}.enterprise_attributes
    WHERE attribute = 'segment' AND recorded_at <= {asOf:DateTime64(3, 'UTC')} AND position <= {upTo:UInt64}
    GROUP BY uscc
  ),
  located AS (
    SELECT r.uscc AS uscc, r.month AS month, r.revenue_fen AS revenue_fen, r.tax_fen AS tax_fen, r.employees AS employees,
           l.region_code AS region_code, s.segment AS segment,
           multiIf({bucket:String} = 'month', toInt64(r.month),
                   {bucket:String} = 'quarter', toInt64(intDiv(r.month, 3) * 3),
                   {bucket:String} = 'year', toInt64(intDiv(r.month, 12) * 12),
                   toInt64(-1)) AS bucket
    FROM reports AS r
    ASOF LEFT JOIN locations AS l ON r.uscc = l.uscc AND r.month >= l.effective_month
    LEFT JOIN segments AS s ON r.uscc = s.uscc
  )`;

const GROUP_KEYS = `
  if({regionLength:UInt8} = 0, '', substring(region_code, 1, {regionLength:UInt8})) AS region_key,
  if({bySegment:Bool}, segment, '') AS segment_key`;

const FLOW_SQL = `
  WITH ${LOCATED_REPORTS},
  per_enterprise AS (
    SELECT bucket, ${GROUP_KEYS}, uscc,
           multiIf({indicator:String} = 'revenue', sum(revenue_fen), {indicator:String} = 'tax', sum(tax_fen), toInt64(1)) AS amount
    FROM located
    WHERE startsWith(region_code, {region:String})
    GROUP BY bucket, region_key, segment_key, uscc
  )
  SELECT bucket, region_key, segment_key,
         toString(sum(amount)) AS value,
         toString(max(amount)) AS top,
         toUInt32(count()) AS contributors
  FROM per_enterprise
  GROUP BY bucket, region_key, segment_key
  ORDER BY bucket, region_key, segment_key`;

/** Employment is a stock: each enterprise counts with its latest filed month within the period. */
const STOCK_SQL = `
  WITH ${LOCATED_REPORTS},
  latest AS (
    SELECT bucket, uscc,
           argMax(employees, month) AS employees,
           argMax(region_code, month) AS region_code,
           argMax(segment, month) AS segment
    FROM located
    GROUP BY bucket, uscc
  )
  SELECT bucket, ${GROUP_KEYS},
         toString(sum(employees)) AS value,
         toString(max(employees)) AS top,
         toUInt32(uniqExact(uscc)) AS contributors
  FROM latest
  WHERE startsWith(region_code, {region:String})
  GROUP BY bucket, region_key, segment_key
  ORDER BY bucket, region_key, segment_key`;

/** Runs a statistics question against the report projection. */
export async function queryReportStatistics(client: ClickHouseClient, db: string, q: ReportStatisticsQuery): Promise<ReportStatisticsRow[]> {
  const rows = await queryRows<{ bucket: string | number; region_key: string; segment_key: string; value: string; top: string; contributors: number | string }>(
    client,
    q.indicator === 'employment' ? STOCK_SQL : FLOW_SQL,
    {
      db,
      indicator: q.indicator,
      fromMonth: q.fromMonth,
      toMonth: q.toMonth,
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
