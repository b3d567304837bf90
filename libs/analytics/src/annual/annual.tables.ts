import { column, defineTable, type RowOf } from '../table.js';

/**
 * Every filed or corrected annual report (年报), one row per class of its revenue: the report's totals
 * repeat on each of its rows. Statistics take each enterprise-year's latest revision as known.
 */
export const annualReports = defineTable({
  name: 'annual_reports',
  columns: {
    uscc: column<string>('String'),
    year: column<number>('UInt16'),
    report_revision: column<number>('UInt32'),
    product_class: column<string>('LowCardinality(String)'),
    class_revenue_fen: column<string>('Int64'),
    revenue_fen: column<string>('Int64'),
    export_fen: column<string>('Int64'),
    rd_fen: column<string>('Int64'),
    employees: column<number>('UInt32'),
    position: column<number>('UInt64'),
    recorded_at: column<string>("DateTime64(3, 'UTC')"),
  },
  engine: 'ReplacingMergeTree',
  orderBy: '(year, uscc, report_revision, product_class, position)',
});
export type AnnualReportRow = RowOf<typeof annualReports>;
