/**
 * A projected table defined once: its columns (ClickHouse type and the TypeScript type of a row's
 * field), engine and keys. The DDL, the row type and the insert column order all come from it.
 */

/** A column: its ClickHouse type; `T` is the type of the field in a row. */
export interface Column<T> {
  readonly type: string;
  /** A column ClickHouse computes itself (never sent in a row). */
  readonly materialized?: string;
  /** A comment written above the column in the DDL. */
  readonly comment?: string;
  /** Phantom: only the type checker reads it. */
  readonly row?: T;
}

/** A column of type `type` whose rows carry a `T`. */
export function column<T>(type: string, options: { comment?: string } = {}): Column<T> {
  return { type, ...options };
}

/** A column ClickHouse computes from others (not part of a row). */
export function materialized(type: string, expression: string, comment?: string): Column<never> & { readonly materialized: string } {
  return { type, materialized: expression, ...(comment ? { comment } : {}) };
}

type Columns = Record<string, Column<unknown>>;

export interface TableDefinition<C extends Columns = Columns, N extends string = string> {
  readonly name: N;
  readonly columns: C;
  /** Lines after the columns (pre-aggregating projections), each with its own comment. */
  readonly projections?: readonly { readonly comment?: string; readonly definition: string }[];
  readonly engine: string;
  readonly orderBy: string;
  readonly settings?: string;
}

/** The row a table's projection writes: every column but the materialized ones. */
export type RowOf<T extends TableDefinition> = {
  -readonly [K in keyof T['columns'] as T['columns'][K] extends { materialized: string } ? never : K]: T['columns'][K] extends Column<infer V> ? V : never;
};

export function defineTable<const N extends string, C extends Columns>(definition: TableDefinition<C, N>): TableDefinition<C, N> {
  return definition;
}

/** The columns a row is sent with, in table order (a compact insert format lists values so). */
export function insertColumns(table: TableDefinition): string[] {
  return Object.entries(table.columns)
    .filter(([, c]) => !c.materialized)
    .map(([name]) => name);
}

/** `CREATE TABLE IF NOT EXISTS` for the table in a database, with a name suffix (a rebuild's tables). */
export function tableDdl(table: TableDefinition, db: string, suffix = ''): string {
  const width = Math.max(...Object.keys(table.columns).map((n) => n.length)) + 1;
  const lines: string[] = [];
  for (const [name, c] of Object.entries(table.columns)) {
    if (c.comment) lines.push(`-- ${c.comment}`);
    lines.push(`${name.padEnd(width)}${c.type}${c.materialized ? ` MATERIALIZED ${c.materialized}` : ''}`);
  }
  for (const p of table.projections ?? []) {
    if (p.comment) lines.push(`-- ${p.comment}`);
    lines.push(p.definition);
  }
  // Commas end every column line but the last (comments carry none).
  const body = lines.map((line, i) => (line.startsWith('--') || i === lastCode(lines) ? line : `${line},`));
  return [
    `CREATE TABLE IF NOT EXISTS ${db}.${table.name}${suffix} (`,
    ...body.map((line) => `  ${line}`),
    `) ENGINE = ${table.engine}`,
    `ORDER BY ${table.orderBy}`,
    ...(table.settings ? [`SETTINGS ${table.settings}`] : []),
  ].join('\n');
}

function lastCode(lines: readonly string[]): number {
  for (let i = lines.length - 1; i >= 0; i--) if (!lines[i].startsWith('--')) return i;
  return -1;
}
