import { column, defineTable, materialized, type RowOf } from '../table.js';

const position = column<number>('UInt64');
const recordedAt = column<string>("DateTime64(3, 'UTC')");

/** Every filed or corrected monthly report, as filed (the audit of figures reads it). */
export const reportRevisions = defineTable({
  name: 'report_revisions',
  columns: {
    uscc: column<string>('String'),
    month: column<number>('UInt32'),
    report_revision: column<number>('UInt32'),
    revenue_fen: column<string>('Int64'),
    tax_fen: column<string>('Int64'),
    employees: column<number>('UInt32'),
    event_type: column<string>('LowCardinality(String)'),
    actor: column<string>('String'),
    position,
    recorded_at: recordedAt,
  },
  engine: 'ReplacingMergeTree',
  orderBy: '(month, uscc, report_revision, position)',
});
export type ReportRevisionRow = RowOf<typeof reportRevisions>;

/** Signed differences of each report in the cell (region, segment) its month counted in when recorded: statistics sum them. */
export const reportDeltas = defineTable({
  name: 'report_deltas',
  columns: {
    month: column<number>('UInt32'),
    uscc: column<string>('String'),
    region_code: column<string>('LowCardinality(String)'),
    segment: column<string>('LowCardinality(String)'),
    revenue_fen: column<number>('Int64'),
    tax_fen: column<number>('Int64'),
    employees: column<number>('Int64'),
    /** +1 for the month's first filing, ±1 when a move carries the month to another cell. */
    reports: column<number>('Int8'),
    position,
    recorded_at: recordedAt,
    enterprise: materialized('UInt64', 'cityHash64(uscc)', 'A numeric enterprise key: grouping by it is several times cheaper than by the USCC string.'),
  },
  projections: [
    {
      comment: 'Pre-aggregated per enterprise and year (about 12 times fewer rows): current yearly flows read it.',
      definition:
        'PROJECTION by_enterprise_year (SELECT intDiv(month, 12), region_code, segment, enterprise, sum(revenue_fen), sum(tax_fen), sum(reports) GROUP BY intDiv(month, 12), region_code, segment, enterprise)',
    },
    {
      comment: 'Pre-aggregated per month and cell (a few hundred thousand rows for ten million deltas): current monthly series read it.',
      definition: 'PROJECTION by_month_cell (SELECT month, region_code, segment, sum(revenue_fen), sum(tax_fen), sum(employees), sum(reports) GROUP BY month, region_code, segment)',
    },
  ],
  engine: 'MergeTree',
  orderBy: '(month, region_code, uscc, position)',
  settings: "lightweight_mutation_projection_mode = 'rebuild'",
});
export type ReportDeltaRow = RowOf<typeof reportDeltas>;

/**
 * The latest filed month of each enterprise in each year, in the cell it counts in now, with its
 * headcount (a stock's current state): a row per filing, correction or move, the latest month and
 * then the latest event winning. Current yearly stocks read it; `asOf` stays a filtered sum over the deltas.
 */
export const stockLatest = defineTable({
  name: 'stock_latest',
  columns: {
    year: column<number>('UInt32'),
    uscc: column<string>('String'),
    month: column<number>('UInt32'),
    region_code: column<string>('LowCardinality(String)'),
    segment: column<string>('LowCardinality(String)'),
    employees: column<number>('Int64'),
    position,
    recorded_at: recordedAt,
    version: materialized('UInt64', 'toUInt64(month) * 1099511627776 + position', 'The later month wins, then the later event (positions stay below 2^40).'),
  },
  engine: 'ReplacingMergeTree(version)',
  orderBy: '(year, uscc)',
});
export type StockLatestRow = RowOf<typeof stockLatest>;

/** Where an enterprise is, from a month on (registration and relocations). */
export const enterpriseLocations = defineTable({
  name: 'enterprise_locations',
  columns: {
    uscc: column<string>('String'),
    effective_month: column<number>('UInt32'),
    region_code: column<string>('LowCardinality(String)'),
    position,
    recorded_at: recordedAt,
  },
  engine: 'ReplacingMergeTree',
  orderBy: '(uscc, effective_month, position)',
});
export type LocationRow = RowOf<typeof enterpriseLocations>;

/** The register's attributes of an enterprise over time (name, segment, registered_on, deregistered_from). */
export const enterpriseAttributes = defineTable({
  name: 'enterprise_attributes',
  columns: {
    uscc: column<string>('String'),
    attribute: column<string>('LowCardinality(String)'),
    value: column<string>('String'),
    position,
    recorded_at: recordedAt,
  },
  engine: 'ReplacingMergeTree',
  orderBy: '(uscc, attribute, position)',
});
export type AttributeRow = RowOf<typeof enterpriseAttributes>;

/** Soft-edit rules a report triggered, with the filer's explanation. */
export const reportFlags = defineTable({
  name: 'report_flags',
  columns: {
    uscc: column<string>('String'),
    month: column<number>('UInt32'),
    report_revision: column<number>('UInt32'),
    rule_id: column<string>('LowCardinality(String)'),
    rule_version: column<number>('UInt32'),
    explanation: column<string>('String'),
    actor: column<string>('String'),
    position,
    recorded_at: recordedAt,
  },
  engine: 'ReplacingMergeTree',
  orderBy: '(month, uscc, report_revision, rule_id, position)',
});
export type ReportFlagRow = RowOf<typeof reportFlags>;
