import { projectedTable, type ProjectedTable } from './read-models.js';
import { insertColumns } from './table.js';

/** Formats the projector can send rows in through @clickhouse/client (RowBinary and Native are not among the client's insert formats). */
export type InsertFormat = 'JSONEachRow' | 'JSONCompactEachRow';

const columnsOf = new Map<string, string[]>();

/** Rows of a projected table as the client's insert `values` and `format`: compact rows are arrays in column order. */
export function encodeRows(table: ProjectedTable, rows: readonly Record<string, unknown>[], format: InsertFormat): { values: unknown[]; format: InsertFormat } {
  if (format === 'JSONEachRow') return { values: rows as unknown[], format };
  let columns = columnsOf.get(table);
  if (!columns) columnsOf.set(table, (columns = insertColumns(projectedTable(table))));
  const cols = columns;
  return { values: rows.map((row) => cols.map((c) => row[c])), format };
}
