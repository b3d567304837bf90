import type { ClickHouseClient } from '@clickhouse/client';
import { asOfParam, queryRows } from '../clickhouse.client.js';

export type ServiceIndicator = 'outlets-active' | 'outlets-opened' | 'community-coverage' | 'rentals-started' | 'rentals-active' | 'rental-subsidy';

/** A calendar span a figure is computed for: a period or one sub-period of a series. */
export interface PeriodSpan {
  readonly label: string;
  /** First and last day, YYYY-MM-DD. */
  readonly start: string;
  readonly end: string;
}

export interface ServiceStatisticsQuery {
  readonly indicator: ServiceIndicator;
  readonly buckets: readonly PeriodSpan[];
  readonly region: string;
  /** 0 = no grouping by region; else the code length (2, 4, 6). */
  readonly regionLength: number;
  readonly byKind: boolean;
  readonly byProductClass: boolean;
  readonly byBeneficiary: boolean;
  /** Outlet kind filter ('' = all). */
  readonly kind: string;
  readonly asOf?: string;
  /** Only events up to this log position (a release's cut-off). */
  readonly upToPosition?: number;
}

export interface ServiceStatisticsRow {
  readonly bucket: string;
  readonly region: string;
  readonly kind: string;
  readonly productClass: string;
  readonly beneficiary: string;
  /** Count, fen, or for coverage the numerator (covered communities). */
  readonly value: string;
  /** The largest single enterprise's part (rental subsidy), for dominance rules; '0' otherwise. */
  readonly top: string;
  readonly contributors: number;
}

const BUCKETS = `ARRAY JOIN {labels:Array(String)} AS bucket, {starts:Array(Date)} AS pstart, {ends:Array(Date)} AS pend`;

const OUTLETS_KNOWN = `
  outlets_known AS (
    SELECT outlet_id,
           argMax(uscc, position) AS uscc,
           argMax(kind, position) AS kind,
           argMax(community_code, position) AS community_code,
           argMax(opened_on, position) AS opened_on
    FROM {db:Identifier}.outlets
    WHERE recorded_at <= {asOf:DateTime64(3, 'UTC')} AND position <= {upTo:UInt64}
    GROUP BY outlet_id
  ),
  closures_known AS (
    SELECT outlet_id, min(closed_on) AS closed_on, 1 AS closed
    FROM {db:Identifier}.outlet_closures
    WHERE recorded_at <= {asOf:DateTime64(3, 'UTC')} AND position <= {upTo:UInt64}
    GROUP BY outlet_id
  ),
  outlet_facts AS (
    SELECT o.outlet_id AS outlet_id, o.uscc AS uscc, o.kind AS kind, o.community_code AS community_code, o.opened_on AS opened_on,
           c.closed_on AS closed_on, c.closed AS closed
    FROM outlets_known AS o LEFT JOIN closures_known AS c ON o.outlet_id = c.outlet_id
  )`;

const RENTALS_KNOWN = `
  rentals_known AS (
    SELECT rental_id,
           argMax(uscc, position) AS uscc,
           argMax(community_code, position) AS community_code,
           argMax(outlet_kind, position) AS kind,
           argMax(product_class, position) AS product_class,
           argMax(beneficiary, position) AS beneficiary,
           argMax(started_on, position) AS started_on,
           argMax(monthly_subsidy_fen, position) AS subsidy_fen
    FROM {db:Identifier}.rentals
    WHERE recorded_at <= {asOf:DateTime64(3, 'UTC')} AND position <= {upTo:UInt64}
    GROUP BY rental_id
  ),
  returns_known AS (
    SELECT rental_id, argMax(ended_on, position) AS ended_on, 1 AS returned
    FROM {db:Identifier}.rental_returns
    WHERE recorded_at <= {asOf:DateTime64(3, 'UTC')} AND position <= {upTo:UInt64}
    GROUP BY rental_id
  ),
  rental_facts AS (
    SELECT r.*, t.ended_on AS ended_on, t.returned AS returned
    FROM rentals_known AS r LEFT JOIN returns_known AS t ON r.rental_id = t.rental_id
  )`;

const KEYS = `
  if({regionLength:UInt8} = 0, '', substring(community_code, 1, {regionLength:UInt8})) AS region_key,
  if({byKind:Bool}, kind, '') AS kind_key`;

const RENTAL_KEYS = `${KEYS},
  if({byProductClass:Bool}, product_class, '') AS class_key,
  if({byBeneficiary:Bool}, beneficiary, '') AS beneficiary_key`;

const SCOPE = `startsWith(community_code, {region:String}) AND ({kind:String} = '' OR kind = {kind:String})`;

/** An outlet is open on day D when it opened on or before D and did not close on or before D. */
const OPEN_AT_END = `opened_on <= pend AND (closed = 0 OR closed_on > pend)`;
/** A rental is active on day D when it started on or before D and did not end on or before D. */
const ACTIVE_AT_END = `started_on <= pend AND (returned = 0 OR ended_on > pend)`;
const MONTH = (d: string) => `(toYear(${d}) * 12 + toMonth(${d}) - 1)`;
/** Calendar months of the bucket with at least one active day: [started_on, ended_on) overlaps the month. */
const SUBSIDY_MONTHS = `greatest(0, least(${MONTH('pend')}, if(returned = 1, ${MONTH('subtractDays(ended_on, 1)')}, 999999)) - greatest(${MONTH('pstart')}, ${MONTH('started_on')}) + 1)
  * (returned = 0 OR ended_on > started_on)`;

const SQL: Record<ServiceIndicator, string> = {
  'outlets-active': `
    WITH ${OUTLETS_KNOWN}
    SELECT bucket, ${KEYS}, '' AS class_key, '' AS beneficiary_key, toString(count()) AS value, '0' AS top, toUInt32(uniqExact(uscc)) AS contributors
    FROM outlet_facts ${BUCKETS}
    WHERE ${SCOPE} AND ${OPEN_AT_END}
    GROUP BY bucket, region_key, kind_key`,
  'outlets-opened': `
    WITH ${OUTLETS_KNOWN}
    SELECT bucket, ${KEYS}, '' AS class_key, '' AS beneficiary_key, toString(count()) AS value, '0' AS top, toUInt32(uniqExact(uscc)) AS contributors
    FROM outlet_facts ${BUCKETS}
    WHERE ${SCOPE} AND opened_on BETWEEN pstart AND pend
    GROUP BY bucket, region_key, kind_key`,
  'community-coverage': `
    WITH ${OUTLETS_KNOWN}
    SELECT bucket, ${KEYS}, '' AS class_key, '' AS beneficiary_key, toString(uniqExact(community_code)) AS value, '0' AS top, toUInt32(uniqExact(uscc)) AS contributors
    FROM outlet_facts ${BUCKETS}
    WHERE ${SCOPE} AND kind = 'rental_point' AND ${OPEN_AT_END}
    GROUP BY bucket, region_key, kind_key`,
  'rentals-started': `
    WITH ${RENTALS_KNOWN}
    SELECT bucket, ${RENTAL_KEYS}, toString(count()) AS value, '0' AS top, toUInt32(uniqExact(uscc)) AS contributors
    FROM rental_facts ${BUCKETS}
    WHERE ${SCOPE} AND started_on BETWEEN pstart AND pend
    GROUP BY bucket, region_key, kind_key, class_key, beneficiary_key`,
  'rentals-active': `
    WITH ${RENTALS_KNOWN}
    SELECT bucket, ${RENTAL_KEYS}, toString(count()) AS value, '0' AS top, toUInt32(uniqExact(uscc)) AS contributors
    FROM rental_facts ${BUCKETS}
    WHERE ${SCOPE} AND ${ACTIVE_AT_END}
    GROUP BY bucket, region_key, kind_key, class_key, beneficiary_key`,
  'rental-subsidy': `
    WITH ${RENTALS_KNOWN}
    SELECT bucket, region_key, kind_key, class_key, beneficiary_key, toString(sum(amount)) AS value, toString(max(amount)) AS top, toUInt32(count()) AS contributors
    FROM (
      SELECT bucket, ${RENTAL_KEYS}, uscc, sum(subsidy_fen * months) AS amount
      FROM (SELECT *, bucket, ${SUBSIDY_MONTHS} AS months FROM rental_facts ${BUCKETS} WHERE ${SCOPE}) AS active
      WHERE months > 0
      GROUP BY bucket, region_key, kind_key, class_key, beneficiary_key, uscc
    )
    GROUP BY bucket, region_key, kind_key, class_key, beneficiary_key`,
};

/** Runs a statistics question over the outlet and rental projections. */
export async function queryServiceStatistics(client: ClickHouseClient, db: string, q: ServiceStatisticsQuery): Promise<ServiceStatisticsRow[]> {
  const rows = await queryRows<{ bucket: string; region_key: string; kind_key: string; class_key: string; beneficiary_key: string; value: string; top: string; contributors: number | string }>(
    client,
    `${SQL[q.indicator]} ORDER BY bucket, region_key, kind_key, class_key, beneficiary_key`,
    {
      db,
      labels: q.buckets.map((b) => b.label),
      starts: q.buckets.map((b) => b.start),
      ends: q.buckets.map((b) => b.end),
      region: q.region,
      regionLength: q.regionLength,
      byKind: q.byKind,
      byProductClass: q.byProductClass,
      byBeneficiary: q.byBeneficiary,
      kind: q.kind,
      asOf: asOfParam(q.asOf),
      upTo: q.upToPosition ?? Number.MAX_SAFE_INTEGER,
    },
  );
  return rows.map((r) => ({
    bucket: r.bucket,
    region: r.region_key,
    kind: r.kind_key,
    productClass: r.class_key,
    beneficiary: r.beneficiary_key,
    value: r.value,
    top: r.top,
    contributors: Number(r.contributors),
  }));
}

/** Communities under each region code prefix of the given length, inside a scope: coverage denominators. */
export async function countCommunitiesByRegion(client: ClickHouseClient, db: string, region: string, regionLength: number): Promise<Map<string, number>> {
  const rows = await queryRows<{ region_key: string; communities: string | number }>(
    client,
    `SELECT if({regionLength:UInt8} = 0, '', substring(code, 1, {regionLength:UInt8})) AS region_key, count() AS communities
     FROM {db:Identifier}.regions
     WHERE level = 'community' AND startsWith(code, {region:String})
     GROUP BY region_key ORDER BY region_key`,
    { db, region, regionLength },
  );
  return new Map(rows.map((r) => [r.region_key, Number(r.communities)]));
}
