// Topology: embedded (ServerProcess never inherits KAFKA_BROKERS or EVENTSTORE_CONNECTION_STRING); this suite also reads the SQLite event store file directly.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { withUsccCheckCharacter } from '../libs/domain/src/index.js';
import { ServerProcess } from './support/server.js';

/** Issue 9 hardening: security headers, no CORS, body size limit, rate limit per token. */
describe('hardening', () => {
  let server: ServerProcess;
  const USCC = withUsccCheckCharacter('91330106MA2H00001');

  beforeAll(async () => {
    server = await ServerProcess.start({ env: { RATE_LIMIT_PER_MINUTE: '40' } });
    const r = await server.request('POST', '/v1/enterprises', {
      token: await server.token('admin'),
      body: { uscc: USCC, name: '加固测试企业', regionCode: '330106', segment: 'other', productClasses: [], registeredOn: '2022-01-01' },
    });
    expect(r.status).toBe(201);
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('sends security headers and no CORS permission', async () => {
    const r = await fetch(`${server.url}/health`, { headers: { origin: 'https://elsewhere.example' } });
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(r.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(r.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${server.url}/v1/statistics`, { method: 'OPTIONS', headers: { origin: 'https://elsewhere.example', 'access-control-request-method': 'GET' } });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses a body over 1 MiB with 413 problem+json and stores nothing', async () => {
    const log = new Database(join(server.dataDir, 'events.sqlite'), { readonly: true });
    const before = (log.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
    const r = await server.request('PUT', `/v1/enterprises/${USCC}/reports/2024-01`, {
      token: await server.token('enterprise', { uscc: USCC }),
      rawBody: JSON.stringify({ revenue: '1.00', taxPaid: '0.00', employees: 1, reason: 'x'.repeat(1_100_000) }),
    });
    expect([r.status, r.body.code, r.headers.get('content-type')]).toEqual([413, 'PAYLOAD_TOO_LARGE', expect.stringMatching(/^application\/problem\+json/)]);
    expect((log.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n).toBe(before);
    log.close();
  });

  it('limits requests per token with 429 and Retry-After, without touching other tokens', async () => {
    // A token no other request used: its window opens at its first request and lasts a minute, so
    // the burst below (well under a minute) sits in one window whatever the clock says; Retry-After
    // confirms it is the window the burst opened.
    const flooding = await server.token('regulator', { region: undefined }, '31m');
    const started = Date.now();
    const statuses: number[] = [];
    let limited: { status: number; headers: Headers; body: any } | undefined;
    for (let i = 0; i < 45; i++) {
      const r = await server.request('GET', '/v1/statistics', { token: flooding });
      statuses.push(r.status);
      if (r.status === 429) {
        limited = r;
        break;
      }
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(40);
    expect([limited?.status, limited?.body.code]).toEqual([429, 'RATE_LIMITED']);
    const retryAfter = Number(limited?.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(60 - Math.ceil((Date.now() - started) / 1000) - 1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const other = await server.request('GET', '/v1/statistics', { token: await server.token('bureau', { region: '33' }) });
    expect(other.status).toBe(200);
  });
});
