import type { ClickHouseClient } from '@clickhouse/client';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAnalyticsClient, migrate } from '../../libs/analytics/src/index.js';

let shared: ClickHouseClient | undefined;

/**
 * The real ClickHouse engine (chDB) for integration tests. chDB binds one data directory per
 * process and Jest reuses worker processes, so each worker shares one engine and every test
 * gets a database of its own.
 */
export async function freshAnalyticsDatabase(): Promise<{ client: ClickHouseClient; db: string }> {
  shared ??= createAnalyticsClient({ database: 'unused', chdbPath: join(tmpdir(), `fuju-chdb-test-${process.pid}`) });
  const db = `t_${randomUUID().replace(/-/g, '')}`;
  await migrate(shared, db);
  return { client: shared, db };
}
