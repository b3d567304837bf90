import type { ClickHouseClient } from '@clickhouse/client';
import { monthIndex } from '../../../domain/src/index.js';
import { asOfParam, queryRows } from '../clickhouse.client.js';

/** An enterprise of the register as known at an instant: when it must file, where and in which segment. */
export interface PanelEnterprise {
  readonly uscc: string;
  /** Month index of its registration: the first month it must file. */
  readonly registeredMonth: number;
  /** Month index from which it no longer files (deregistration), or null. */
  readonly deregisteredMonth: number | null;
  readonly segment: string;
  /** Locations by the month they take effect, sorted. */
  readonly locations: readonly { readonly from: number; readonly region: string }[];
}

/** A filed month as known at the instant: its latest revision, in the cell it counts in. */
export interface PanelUnit {
  readonly month: number;
  readonly region: string;
  readonly segment: string;
  readonly revenue: number;
  readonly tax: number;
  readonly employees: number;
}

/**
 * The unit-level panel the methodology works on (issue 20): every enterprise of the register that
 * was ever located in the scope, its filed months in a window, and its latest filed month before
 * the window (the source of a carry-forward) — all as known at `asOf` and up to a log position.
 */
export interface UnitPanel {
  readonly enterprises: ReadonlyMap<string, PanelEnterprise>;
  /** Filed months per enterprise, by month index. */
  readonly filed: ReadonlyMap<string, ReadonlyMap<number, PanelUnit>>;
  /** The latest filed month before the window, per enterprise. */
  readonly before: ReadonlyMap<string, PanelUnit>;
}

export interface UnitPanelQuery {
  /** Region code prefix of the enterprises to read ('' = every enterprise). */
  readonly scope: string;
  readonly fromMonth: number;
  readonly toMonth: number;
  readonly asOf?: string;
  readonly upToPosition?: number;
}

export const KNOWN = `recorded_at <= {asOf:DateTime64(3, 'UTC')} AND position <= {upTo:UInt64}`;
export const IN_SCOPE = `uscc IN (SELECT uscc FROM {db:Identifier}.enterprise_locations WHERE ${KNOWN} AND startsWith(region_code, {scope:String}))`;

/** Each enterprise's registration, deregistration and segment as known, for the enterprises `inScope` picks. */
export const registerSql = (inScope: string) => `
  SELECT uscc,
         argMaxIf(value, position, attribute = 'registered_on') AS registered_on,
         argMaxIf(value, position, attribute = 'deregistered_from') AS deregistered_from,
         argMaxIf(value, position, attribute = 'segment') AS segment
  FROM {db:Identifier}.enterprise_attributes
  WHERE ${KNOWN} AND ${inScope}
  GROUP BY uscc`;

const REGISTER_SQL = registerSql(IN_SCOPE);

const LOCATIONS_SQL = `
  SELECT uscc, effective_month, argMax(region_code, position) AS region_code
  FROM {db:Identifier}.enterprise_locations
  WHERE ${KNOWN} AND ${IN_SCOPE}
  GROUP BY uscc, effective_month
  ORDER BY uscc, effective_month`;

/** A month's filed figures: the deltas summed where the month counts (moves leave zero reports behind). */
const MONTHS = (where: string) => `
  SELECT uscc, month, region_code, segment,
         toString(sum(revenue_fen)) AS revenue, toString(sum(tax_fen)) AS tax, toString(sum(employees)) AS employees
  FROM {db:Identifier}.report_deltas
  WHERE ${KNOWN} AND ${where} AND ${IN_SCOPE}
  GROUP BY uscc, month, region_code, segment
  HAVING sum(reports) > 0`;

const FILED_SQL = MONTHS('month BETWEEN {fromMonth:UInt32} AND {toMonth:UInt32}');

const BEFORE_SQL = `
  SELECT uscc, max(month) AS last_month, argMax(region_code, month) AS last_region, argMax(segment, month) AS last_segment,
         argMax(revenue, month) AS last_revenue, argMax(tax, month) AS last_tax, argMax(employees, month) AS last_employees
  FROM (${MONTHS('month < {fromMonth:UInt32}')})
  GROUP BY uscc`;

interface UnitRow {
  uscc: string;
  month: number | string;
  region_code: string;
  segment: string;
  revenue: string;
  tax: string;
  employees: string;
}

const unitOf = (r: UnitRow): PanelUnit => ({
  month: Number(r.month),
  region: r.region_code,
  segment: r.segment,
  revenue: Number(r.revenue),
  tax: Number(r.tax),
  employees: Number(r.employees),
});

/** The register of a scope as known at an instant: every enterprise ever located in it (two statements). */
export async function queryRegister(client: ClickHouseClient, db: string, q: Pick<UnitPanelQuery, 'scope' | 'asOf' | 'upToPosition'>): Promise<Map<string, PanelEnterprise>> {
  const params = { db, scope: q.scope, asOf: asOfParam(q.asOf), upTo: q.upToPosition ?? Number.MAX_SAFE_INTEGER };
  const [register, locations] = await Promise.all([
    queryRows<{ uscc: string; registered_on: string; deregistered_from: string; segment: string }>(client, REGISTER_SQL, params),
    queryRows<{ uscc: string; effective_month: number | string; region_code: string }>(client, LOCATIONS_SQL, params),
  ]);
  const located = new Map<string, { from: number; region: string }[]>();
  for (const l of locations) {
    const list = located.get(l.uscc) ?? [];
    list.push({ from: Number(l.effective_month), region: l.region_code });
    located.set(l.uscc, list);
  }
  const enterprises = new Map<string, PanelEnterprise>();
  for (const r of register) {
    if (!r.registered_on) continue;
    enterprises.set(r.uscc, {
      uscc: r.uscc,
      registeredMonth: monthIndex(r.registered_on.slice(0, 7)),
      deregisteredMonth: r.deregistered_from ? monthIndex(r.deregistered_from.slice(0, 7)) : null,
      segment: r.segment,
      locations: located.get(r.uscc) ?? [],
    });
  }
  return enterprises;
}

const params = (db: string, q: UnitPanelQuery) => ({ db, scope: q.scope, fromMonth: q.fromMonth, toMonth: q.toMonth, asOf: asOfParam(q.asOf), upTo: q.upToPosition ?? Number.MAX_SAFE_INTEGER });

/** Each enterprise's filed months in the window, as known at the instant (the panel without the register). */
export async function queryFiledMonths(client: ClickHouseClient, db: string, q: UnitPanelQuery): Promise<Map<string, Map<number, PanelUnit>>> {
  const filed = new Map<string, Map<number, PanelUnit>>();
  for (const r of await queryRows<UnitRow>(client, FILED_SQL, params(db, q))) {
    const months = filed.get(r.uscc) ?? new Map<number, PanelUnit>();
    months.set(Number(r.month), unitOf(r));
    filed.set(r.uscc, months);
  }
  return filed;
}

/** Reads the unit panel of a scope and window (four statements, run side by side). */
export async function queryUnitPanel(client: ClickHouseClient, db: string, q: UnitPanelQuery): Promise<UnitPanel> {
  const [enterprises, filed, beforeRows] = await Promise.all([
    queryRegister(client, db, q),
    queryFiledMonths(client, db, q),
    queryRows<Record<`last_${'month' | 'region' | 'segment' | 'revenue' | 'tax' | 'employees'}` | 'uscc', string>>(client, BEFORE_SQL, params(db, q)),
  ]);
  const before = beforeRows.map((r) => ({ uscc: r.uscc, month: r.last_month, region_code: r.last_region, segment: r.last_segment, revenue: r.last_revenue, tax: r.last_tax, employees: r.last_employees }));
  return { enterprises, filed, before: new Map(before.map((r) => [r.uscc, unitOf(r)])) };
}
