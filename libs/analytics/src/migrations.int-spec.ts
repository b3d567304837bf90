import { randomUUID } from 'node:crypto';
import { analyticsEngines, freshAnalyticsDatabase } from '../../../test/support/chdb.js';
import { queryRows } from './clickhouse.client.js';
import { MIGRATIONS } from './migrations.js';
import { PROJECTED_TABLES } from './read-models.js';
import { insertColumns, tableDdl } from './table.js';

/**
 * The migrations are frozen as released; the tables are defined once, live, in their read models.
 * Applying every migration must give exactly the tables the live definitions create (a rebuild
 * creates them so), and a row's fields must be the columns a compact insert lists.
 */
describe.each(analyticsEngines())('migrations and table definitions (%s)', (engine) => {
  const shapeOf = async (client: Parameters<typeof queryRows>[0], db: string) => {
    const rows = await queryRows<{ name: string; create_table_query: string }>(
      client,
      'SELECT name, create_table_query FROM system.tables WHERE database = {db:String} AND name IN {names:Array(String)} ORDER BY name',
      { db, names: PROJECTED_TABLES.map((t) => t.name) },
    );
    // SETTINGS are a set: ALTER … MODIFY SETTING appends where CREATE lists them first.
    const settingsSorted = (query: string) => query.replace(/ SETTINGS (.*)$/, (_m, list: string) => ` SETTINGS ${list.split(', ').sort().join(', ')}`);
    return rows.map((r) => [r.name, settingsSorted(r.create_table_query.replaceAll(`${db}.`, 'DB.'))]);
  };

  it('applies every migration, in order, and records each', async () => {
    const { client, db } = await freshAnalyticsDatabase(engine);
    const applied = await queryRows<{ version: number }>(client, 'SELECT version FROM {db:Identifier}.schema_migrations FINAL ORDER BY version', { db });
    expect(applied.map((r) => Number(r.version))).toEqual(MIGRATIONS.map((m) => m.version));
    expect(MIGRATIONS.map((m) => m.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('gives exactly the tables the live definitions create', async () => {
    const { client, db: migrated } = await freshAnalyticsDatabase(engine);
    const live = `t_${randomUUID().replace(/-/g, '')}`;
    await client.command({ query: `CREATE DATABASE ${live}` });
    for (const table of PROJECTED_TABLES) await client.command({ query: tableDdl(table, live) });
    const fromMigrations = await shapeOf(client, migrated);
    expect(fromMigrations).toHaveLength(PROJECTED_TABLES.length);
    expect(fromMigrations).toEqual(await shapeOf(client, live));
    await client.command({ query: `DROP DATABASE ${live}` });
  });

  it('lists the columns a row carries in table order (materialized ones excluded)', async () => {
    const { client, db } = await freshAnalyticsDatabase(engine);
    for (const table of PROJECTED_TABLES) {
      const columns = await queryRows<{ name: string }>(
        client,
        "SELECT name FROM system.columns WHERE database = {db:String} AND table = {table:String} AND default_kind != 'MATERIALIZED' ORDER BY position",
        { db, table: table.name },
      );
      expect([table.name, insertColumns(table)]).toEqual([table.name, columns.map((c) => c.name)]);
    }
  });
});
