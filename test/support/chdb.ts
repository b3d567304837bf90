import type { ClickHouseClient } from '@clickhouse/client';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAnalyticsClient, migrate } from '../../libs/analytics/src/index.js';

let shared: ClickHouseClient | undefined;
let server: ClickHouseClient | undefined;

export type AnalyticsEngine = 'chDB' | 'ClickHouse server';

/**
 * The engines the analytics contract suites run on: chDB always; a ClickHouse server (≥ 24.8)
 * when CLICKHOUSE_TEST_URL names one (none can be installed on these machines), saying so otherwise.
 */
export function analyticsEngines(): AnalyticsEngine[] {
  if (process.env.CLICKHOUSE_TEST_URL) return ['chDB', 'ClickHouse server'];
  process.stderr.write('SKIPPED the ClickHouse-server run of this suite: set CLICKHOUSE_TEST_URL=http://host:8123 (ClickHouse 24.8 or newer) to run it\n');
  return ['chDB'];
}

/**
 * The real ClickHouse engine (chDB) for integration tests. chDB binds one data directory per
 * process and Jest reuses worker processes, so each worker shares one engine and every test
 * gets a database of its own.
 */
export async function freshAnalyticsDatabase(engine: AnalyticsEngine = 'chDB'): Promise<{ client: ClickHouseClient; db: string }> {
  let client: ClickHouseClient;
  if (engine === 'chDB') client = shared ??= createAnalyticsClient({ database: 'unused', chdbPath: join(tmpdir(), `fuju-chdb-test-${process.pid}`) });
  else
    client = server ??= createAnalyticsClient({
      database: 'unused',
      chdbPath: '',
      url: process.env.CLICKHOUSE_TEST_URL,
      username: process.env.CLICKHOUSE_TEST_USER,
      password: process.env.CLICKHOUSE_TEST_PASSWORD,
    });
  const db = `t_${randomUUID().replace(/-/g, '')}`;
  await migrate(client, db);
  return { client, db };
}
