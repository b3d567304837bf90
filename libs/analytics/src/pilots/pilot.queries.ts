import type { ClickHouseClient } from '@clickhouse/client';
import { asOfParam, queryRows } from '../clickhouse.client.js';

/** The region codes of the pilots designated by an instant (all when undefined), of a batch (all when 0), in the order of designation. */
export async function queryPilotRegions(client: ClickHouseClient, db: string, options: { asOf?: string; batch?: number }): Promise<string[]> {
  const rows = await queryRows<{ region_code: string }>(
    client,
    `SELECT region_code FROM {db:Identifier}.pilots
     WHERE recorded_at <= {asOf:DateTime64(3, 'UTC')} AND ({batch:UInt8} = 0 OR batch = {batch:UInt8})
     GROUP BY region_code ORDER BY min(position)`,
    { db, asOf: asOfParam(options.asOf), batch: options.batch ?? 0 },
  );
  return rows.map((r) => r.region_code);
}
