import { execSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAnalyticsClient, queryRows } from './clickhouse.client.js';

/**
 * The HTTP transport of the client factory (CLICKHOUSE_URL) against a real ClickHouse server:
 * Debian's clickhouse-server 18.16, installed here from apt when missing. That version is far
 * too old for Fuju Ledger's SQL (see README), so only the transport is proven: ping, DDL,
 * JSONEachRow insert and select, with nothing newer than 18.16.
 */
const SERVER = '/usr/sbin/clickhouse-server';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function ensureInstalled(): void {
  if (existsSync(SERVER)) return;
  if (process.getuid?.() !== 0) throw new Error(`${SERVER} is missing; install Debian's clickhouse-server (apt-get install clickhouse-server)`);
  execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clickhouse-server', { stdio: 'ignore', timeout: 600_000 });
}

describe('ClickHouse over HTTP (Debian clickhouse-server 18.16)', () => {
  let server: ChildProcess | undefined;
  let url = '';

  beforeAll(async () => {
    ensureInstalled();
    const dir = mkdtempSync(join(tmpdir(), 'fuju-clickhouse-'));
    const [http, tcp, inter] = [await freePort(), await freePort(), await freePort()];
    const config = readFileSync('/etc/clickhouse-server/config.xml', 'utf8')
      .replace(/<http_port>\d+<\/http_port>/, `<http_port>${http}</http_port>`)
      .replace(/<tcp_port>\d+<\/tcp_port>/, `<tcp_port>${tcp}</tcp_port>`)
      .replace(/<tcp_port_secure>\d+<\/tcp_port_secure>/, '')
      .replace(/<interserver_http_port>\d+<\/interserver_http_port>/, `<interserver_http_port>${inter}</interserver_http_port>`)
      .replace(/<listen_host>::1<\/listen_host>/, '')
      .replaceAll('/var/log/clickhouse-server/', `${dir}/log/`)
      .replaceAll('/var/lib/clickhouse/', `${dir}/data/`);
    mkdirSync(join(dir, 'log'), { recursive: true });
    writeFileSync(join(dir, 'config.xml'), config);
    copyFileSync('/etc/clickhouse-server/users.xml', join(dir, 'users.xml'));
    server = spawn(SERVER, [`--config-file=${join(dir, 'config.xml')}`], { stdio: 'ignore' });
    url = `http://127.0.0.1:${http}`;
    for (let i = 0; i < 100; i++) {
      if ((await fetch(`${url}/ping`).then((r) => r.ok, () => false))) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error('clickhouse-server did not answer /ping within 20 s');
  }, 660_000);

  afterAll(() => {
    server?.kill('SIGKILL');
  });

  it('uses HTTP when a URL is configured: ping, create, insert and select', async () => {
    const client = createAnalyticsClient({ url, database: 'default', chdbPath: '/nonexistent' });
    expect(await client.ping()).toEqual({ success: true });
    await client.command({ query: 'CREATE TABLE transport_check (position UInt64, region String, fen Int64) ENGINE = MergeTree ORDER BY position' });
    await client.insert({ table: 'transport_check', values: [{ position: 1, region: '33', fen: 1050 }, { position: 2, region: '33', fen: 2025 }, { position: 3, region: '11', fen: 7 }], format: 'JSONEachRow' });
    expect(await queryRows(client, "SELECT region, toString(sum(fen)) AS fen, count() AS n FROM transport_check GROUP BY region ORDER BY region")).toEqual([
      { region: '11', fen: '7', n: '1' },
      { region: '33', fen: '3075', n: '2' },
    ]);
    expect(await queryRows(client, 'SELECT version() AS v')).toEqual([{ v: expect.stringMatching(/^18\.16\./) }]);
    await client.close();
  });

  it('reports an unreachable server at once instead of hanging', async () => {
    const client = createAnalyticsClient({ url: 'http://127.0.0.1:1', database: 'default', chdbPath: '/nonexistent' });
    const started = Date.now();
    const result = await client.ping();
    expect(result.success).toBe(false);
    expect(Date.now() - started).toBeLessThan(10_000);
    await client.close();
  });
});
