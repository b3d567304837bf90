import type { ClickHouseClient } from '@clickhouse/client';
import { filingDeadline, monthIndex, monthLabel } from '../../../domain/src/index.js';
import { asOfParam, queryRows } from '../clickhouse.client.js';
import type { Bucket, ReportIndicator } from './report-statistics.query.js';
import { KNOWN, registerSql } from './unit-panel.query.js';

/**
 * Response rates of report cells computed inside ClickHouse: the same definitions as the unit
 * panel's `unitCells` (owed months from the register as known, filed months from the deltas, the
 * year-earlier value as weight), without sending every enterprise-month to JavaScript. Statistics
 * without imputation use it; estimates still need the panel.
 */
/** The cells a report question asks for, and the instant owed months are reckoned at. */
export interface CellQuestion {
  readonly indicator: ReportIndicator;
  readonly fromMonth: number;
  readonly toMonth: number;
  readonly bucket: Bucket;
  /** Region code prefix ('' = national). */
  readonly region: string;
  readonly regionLength: number;
  readonly bySegment: boolean;
  /** The instant owed months are reckoned at (the asOf asked, a release's cut-off, or now). */
  readonly at: string;
}

export interface ResponseQuestion extends CellQuestion {
  /** What is known: up to this instant and log position. */
  readonly asOf?: string;
  readonly upToPosition?: number;
}

/** The sums a cell's response rates are made of (integers; the rates are rounded by the caller). */
export interface ResponseSums {
  readonly bucket: number;
  readonly region: string;
  readonly segment: string;
  readonly expected: number;
  readonly complete: number;
  readonly reportsExpected: number;
  readonly reportsFiled: number;
  readonly weightAll: number;
  readonly weightFiled: number;
}

/** The last month whose filing deadline has passed at an instant (months up to it are owed). */
export function lastDueMonth(at: string): number {
  let month = monthIndex(at.slice(0, 7));
  while (!(filingDeadline(monthLabel(month)) < at)) month--;
  return month;
}

const MONTH_OF = (date: string) => `(toUInt32(substring(${date}, 1, 4)) * 12 + toUInt32(substring(${date}, 6, 2)) - 1)`;

const responseSql = (inScope: string, weight: string) => `
  WITH
  register AS (${registerSql(inScope)}
    HAVING registered_on != ''
  ),
  locations AS (
    SELECT uscc, arraySort(l -> l.1, groupArray((effective_month, region_code))) AS locs
    FROM (
      SELECT uscc, effective_month, argMax(region_code, position) AS region_code
      FROM {db:Identifier}.enterprise_locations
      WHERE ${KNOWN} AND ${inScope}
      GROUP BY uscc, effective_month
    )
    GROUP BY uscc
  ),
  filed AS (
    -- A month's cell is where its latest positive row went: a move writes -1 to the old cell and +1 to the
    -- new one at its position, and cells net to the month's figures (cheaper than grouping by the cell).
    SELECT enterprise AS unit, month AS filed_month,
           argMaxIf(region_code, position, reports > 0) AS region_code, argMaxIf(segment, position, reports > 0) AS segment,
           multiIf({indicator:String} = 'tax', sum(tax_fen), {indicator:String} = 'employment', sum(employees), sum(revenue_fen)) AS amount
    FROM {db:Identifier}.report_deltas
    WHERE ${KNOWN} AND month BETWEEN {fromMonth:UInt32} - 12 AND {toMonth:UInt32} AND ${inScope}
      AND uscc IN (SELECT uscc FROM register)
    GROUP BY unit, filed_month
    HAVING sum(reports) > 0
  ),
  due AS (
    SELECT cityHash64(r.uscc) AS unit, m AS month, r.segment AS segment,
           if(arrayExists(l -> l.1 <= m, l.locs), arrayLast(l -> l.1 <= m, l.locs).2, l.locs[1].2) AS region_code
    FROM register AS r LEFT JOIN locations AS l ON l.uscc = r.uscc
    ARRAY JOIN range(
      toUInt32(greatest({fromMonth:UInt32}, ${MONTH_OF('r.registered_on')})),
      toUInt32(greatest({fromMonth:UInt32}, least({toMonth:UInt32}, {lastDue:UInt32},
               if(r.deregistered_from = '', {toMonth:UInt32}, ${MONTH_OF('r.deregistered_from')} - 1)) + 1))
    ) AS m
  ),
  units AS (
    SELECT unit, month,
           max(source = 0) AS own,
           if(own, anyIf(region_code, source = 0), anyIf(region_code, source = 2)) AS region,
           if(own, anyIf(segment, source = 0), anyIf(segment, source = 2)) AS unit_segment,
           sumIf(amount, source = 1) AS year_earlier
    FROM (
      -- Each filed month once (a CTE read twice is computed twice): as its own month and as the year-earlier value of the month a year on.
      SELECT unit, filed_month + shift AS month, region_code, segment, amount, if(shift = 0, 0, 1) AS source
      FROM filed ARRAY JOIN [0, 12] AS shift
      WHERE shift = 0 ? filed_month >= {fromMonth:UInt32} : filed_month + 12 <= {toMonth:UInt32}
      UNION ALL
      SELECT unit, month, region_code, segment, 0, 2 FROM due
    )
    GROUP BY unit, month
    HAVING own OR max(source = 2)
  ),
  placed AS (
    SELECT multiIf({bucket:String} = 'month', toInt64(month),
                   {bucket:String} = 'quarter', toInt64(intDiv(month, 3) * 3),
                   {bucket:String} = 'year', toInt64(intDiv(month, 12) * 12),
                   toInt64(-1)) AS bucket,
           if({regionLength:UInt8} = 0, '', substring(region, 1, {regionLength:UInt8})) AS region_key,
           if({bySegment:Bool}, unit_segment, '') AS segment_key,
           unit, month, own, year_earlier
    FROM units
    WHERE startsWith(region, {region:String})
  ),
  parts AS (
    SELECT bucket, region_key, segment_key, unit,
           count() AS owed, countIf(own) AS filed,
           ${weight}
    GROUP BY bucket, region_key, segment_key, unit
  )
  SELECT bucket, region_key, segment_key,
         count() AS expected, countIf(filed = owed) AS complete,
         toString(sum(owed)) AS reports_expected, toString(sum(filed)) AS reports_filed,
         toString(sum(weight)) AS weight_all, toString(sumIf(weight, filed = owed)) AS weight_filed
  FROM parts
  GROUP BY bucket, region_key, segment_key`;

/** Every enterprise ever located in the province asked (all of them nationally, without the lookup). */
const IN_PROVINCE = `uscc IN (SELECT uscc FROM {db:Identifier}.enterprise_locations WHERE ${KNOWN} AND startsWith(region_code, {scope:String}))`;
/** Flows weigh every owed month by its value a year earlier; a stock only its last owed month of the bucket (the window costs, so only stocks pay it). */
const FLOW_WEIGHT = 'sum(year_earlier) AS weight FROM placed';
const STOCK_WEIGHT = 'sumIf(year_earlier, month = end_month) AS weight FROM (SELECT *, max(month) OVER (PARTITION BY bucket, unit) AS end_month FROM placed)';
const SQL = {
  national: { flow: responseSql('1', FLOW_WEIGHT), stock: responseSql('1', STOCK_WEIGHT) },
  province: { flow: responseSql(IN_PROVINCE, FLOW_WEIGHT), stock: responseSql(IN_PROVINCE, STOCK_WEIGHT) },
};

/** The response sums of every cell of a report question (one statement). */
export async function queryResponse(client: ClickHouseClient, db: string, q: ResponseQuestion): Promise<ResponseSums[]> {
  const scope = q.region.slice(0, 2);
  const rows = await queryRows<Record<string, string | number>>(client, SQL[scope ? 'province' : 'national'][q.indicator === 'employment' ? 'stock' : 'flow'], {
    db,
    scope,
    indicator: q.indicator,
    fromMonth: q.fromMonth,
    toMonth: q.toMonth,
    lastDue: Math.max(0, lastDueMonth(q.at)),
    bucket: q.bucket,
    region: q.region,
    regionLength: q.regionLength,
    bySegment: q.bySegment,
    asOf: asOfParam(q.asOf),
    upTo: q.upToPosition ?? Number.MAX_SAFE_INTEGER,
  });
  return rows.map((r) => ({
    bucket: Number(r.bucket),
    region: String(r.region_key),
    segment: String(r.segment_key),
    expected: Number(r.expected),
    complete: Number(r.complete),
    reportsExpected: Number(r.reports_expected),
    reportsFiled: Number(r.reports_filed),
    weightAll: Number(r.weight_all),
    weightFiled: Number(r.weight_filed),
  }));
}
