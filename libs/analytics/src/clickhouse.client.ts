import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import { mkdirSync } from 'node:fs';

export interface AnalyticsConfig {
  /** `http(s)://host:8123` of a ClickHouse server; unset = the embedded chDB engine. */
  readonly url?: string;
  readonly username?: string;
  readonly password?: string;
  /** The database holding Fuju Ledger's tables. */
  readonly database: string;
  /** Data directory of the embedded engine (one per process). */
  readonly chdbPath: string;
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
    return createClient({
      url: config.url,
      username: config.username ?? 'default',
      password: config.password ?? '',
      clickhouse_settings: settings,
      request_timeout: 30_000,
    });
  }
  mkdirSync(config.chdbPath, { recursive: true });
  return createClient({ connection: createChdbConnection({ path: config.chdbPath }), clickhouse_settings: settings } as Parameters<typeof createClient>[0]);
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
