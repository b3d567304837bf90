import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import { appendFileSync, mkdirSync } from 'node:fs';

export interface AnalyticsConfig {
  /** `http(s)://host:8123` of a ClickHouse server; unset = the embedded chDB engine. */
  readonly url?: string;
  readonly username?: string;
  readonly password?: string;
  /** The database holding Fuju Ledger's tables. */
  readonly database: string;
  /** Data directory of the embedded engine (one per process). */
  readonly chdbPath: string;
  /**
   * A file to append the text of every statement sent to ClickHouse (never the bound values
   * or inserted rows): for operators tracing SQL, and for the test proving no statement text
   * is ever built from request input.
   */
  readonly queryLog?: string;
}

export const CLICKHOUSE_CLIENT = Symbol('CLICKHOUSE_CLIENT');
export const ANALYTICS_CONFIG = Symbol('ANALYTICS_CONFIG');

/**
 * One client for both deployments: over HTTP to a ClickHouse server when `url` is set,
 * otherwise through chDB's in-process connection. Queries, inserts and DDL are identical.
 */
export function createAnalyticsClient(config: AnalyticsConfig): ClickHouseClient {
  const settings = { output_format_json_quote_64bit_integers: 1 as const, date_time_input_format: 'best_effort' as const };
  if (config.url) {
    return logStatements(createClient({
      url: config.url,
      username: config.username ?? 'default',
      password: config.password ?? '',
      clickhouse_settings: settings,
      request_timeout: 30_000,
    }), config.queryLog);
  }
  mkdirSync(config.chdbPath, { recursive: true });
  return logStatements(createClient({ connection: createChdbConnection({ path: config.chdbPath }), clickhouse_settings: settings } as Parameters<typeof createClient>[0]), config.queryLog);
}

/** With a query log configured, appends each statement's text (one JSON string per line) before sending it. */
function logStatements(client: ClickHouseClient, file: string | undefined): ClickHouseClient {
  if (!file) return client;
  const write = (kind: string, text: string) => appendFileSync(file, `${JSON.stringify({ kind, text })}\n`);
  const query = client.query.bind(client);
  const command = client.command.bind(client);
  const insert = client.insert.bind(client);
  return Object.assign(client, {
    query: ((params: Parameters<typeof query>[0]) => (write('query', params.query), query(params))) as typeof query,
    command: ((params: Parameters<typeof command>[0]) => (write('command', params.query), command(params))) as typeof command,
    insert: ((params: Parameters<typeof insert>[0]) => (write('insert', params.table), insert(params))) as typeof insert,
  });
}

/** Runs a parameterised query and returns its rows as objects. */
export async function queryRows<T>(client: ClickHouseClient, query: string, params: Record<string, unknown> = {}): Promise<T[]> {
  const result = await client.query({ query, query_params: params, format: 'JSONEachRow' });
  return result.json<T>();
}

/** An ISO instant as ClickHouse reads it for a DateTime64(3, 'UTC') column. */
export function chInstant(iso: string): string {
  return iso.replace('T', ' ').replace(/Z$/, '');
}

/** An `asOf` parameter: the instant given, or everything known (the far future). */
export function asOfParam(asOf?: string): string {
  return asOf ? chInstant(asOf) : '2299-12-31 23:59:59.999';
}
