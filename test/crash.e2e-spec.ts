// Topology: embedded (ServerProcess never inherits KAFKA_BROKERS or EVENTSTORE_CONNECTION_STRING); this suite also reads the SQLite event store file directly.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { formatFen, monthLabel, withUsccCheckCharacter } from '../libs/domain/src/index.js';
import { inParallel, ServerProcess } from './support/server.js';
import { villagesUnder } from './support/villages.js';

/**
 * Issue 9 crash suite: SIGKILL at random instants during concurrent filings, outlet and rental
 * commands, and during a rebuild. `npm test` runs 3 iterations; `npm run test:crash` runs 20.
 */
const ITERATIONS = Number(process.env.CRASH_ITERATIONS ?? 3);

interface Write {
  key: string;
  method: string;
  path: string;
  body: unknown;
  token: string;
  ack?: { status: number; body: { streamId: string; position: number } };
}

describe(`crash suite (${ITERATIONS} iterations)`, () => {
  let server: ServerProcess;
  let seed = 99;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed / 2147483648);

  afterAll(async () => {
    await server?.stop();
  });

  it('keeps every acknowledged write exactly once, converges on retries, and matches a clean rebuild', async () => {
    server = await ServerProcess.start();
    const admin = await server.token('admin');
    const company = withUsccCheckCharacter('91330106MA2C00001');
    const own = await server.token('enterprise', { uscc: company });
    expect((await server.request('POST', '/v1/enterprises', { token: admin, body: { uscc: company, name: '崩溃测试', regionCode: '330106', segment: 'rental_service', productClasses: [], registeredOn: '2010-01-01' } })).status).toBe(201);
    const community = villagesUnder('330106')[0];
    const writes: Write[] = [];

    for (let iteration = 0; iteration < ITERATIONS; iteration++) {
      const batch: Write[] = [];
      for (let i = 0; i < 30; i++) {
        const n = writes.length + batch.length;
        const kind = i % 3;
        if (kind === 0)
          batch.push({ key: `w-${n}`, method: 'PUT', path: `/v1/enterprises/${company}/reports/${monthLabel(2010 * 12 + Math.floor(n / 3))}`, body: { revenue: formatFen(100_000 + (n % 7)), taxPaid: '10.00', employees: 9 }, token: own });
        else if (kind === 1)
          batch.push({ key: `w-${n}`, method: 'POST', path: '/v1/outlets', body: { outletId: `C-${n}`, uscc: company, kind: 'rental_point', communityCode: community, name: `点${n}`, openedOn: '2021-01-01' }, token: own });
        else
          batch.push({ key: `w-${n}`, method: 'POST', path: '/v1/rentals', body: { rentalId: `CR-${n}`, outletId: 'C-1', productClass: '12 22', traceCode: `CT-${n}`, beneficiary: 'elderly', startedOn: '2021-02-01', monthlyFee: '10.00', monthlySubsidy: '5.00' }, token: own });
      }
      writes.push(...batch);
      const killAt = 2 + Math.floor(random() * 25);
      let acknowledged = 0;
      let killing: Promise<void> | undefined;
      await inParallel(batch, 8, async (w) => {
        if (killing) return;
        try {
          const r = await server.request(w.method, w.path, { token: w.token, body: w.body, headers: { 'idempotency-key': w.key } });
          if (r.status === 200 || r.status === 201) w.ack = r as Write['ack'];
          acknowledged += 1;
        } catch {
          // the server died under this request: it may or may not have been stored
        }
        if (!killing && acknowledged >= killAt) killing = server.kill();
      });
      await killing;
      await server.boot();
      if (iteration % 3 === 2) {
        // Kill during a rebuild as well.
        await server.request('POST', '/v1/admin/rebuilds', { token: admin });
        await new Promise((r) => setTimeout(r, Math.floor(random() * 300)));
        await server.kill();
        await server.boot();
      }
      // Retries of everything with the same keys converge; acknowledged ones answer as before.
      // Every write creates something (a first filing, a new outlet, a new rental): 201 each time.
      for (const w of writes) {
        const r = await server.request(w.method, w.path, { token: w.token, body: w.body, headers: { 'idempotency-key': w.key } });
        expect([w.key, r.status, r.status < 300 ? null : r.body.detail]).toEqual([w.key, 201, null]);
        if (w.ack) expect([w.key, r.body]).toEqual([w.key, w.ack.body]);
        w.ack ??= r as Write['ack'];
      }
    }

    const log = new Database(join(server.dataDir, 'events.sqlite'), { readonly: true });
    const keyed = log.prepare(`SELECT json_extract(metadata, '$.idempotencyKey') AS k, count(*) AS n FROM events WHERE k IS NOT NULL GROUP BY k`).all() as { k: string; n: number }[];
    log.close();
    // Every write stored exactly once (a rental also reserves its device: two events, one request).
    const perKey = new Map(keyed.map((r) => [r.k, r.n]));
    for (const w of writes) expect([w.key, perKey.get(w.key)]).toEqual([w.key, w.path === '/v1/rentals' ? 2 : 1]);

    await server.waitForProjection();
    const health = (await server.request('GET', '/health')).body;
    expect(health.projector.position).toBe(health.eventStore.head);
    expect(health.eventStore.head).toBe(keyed.reduce((sum, r) => sum + r.n, 0) + 1);

    // The figures, computed here from this test's own writes (DESIGN.md's semantics).
    const filings = writes.filter((w) => w.method === 'PUT').map((w) => ({ month: w.path.slice(-7), body: w.body as { revenue: string; employees: number } }));
    const outlets = writes.filter((w) => w.path === '/v1/outlets').length;
    const rentals = writes.filter((w) => w.path === '/v1/rentals').length;
    const years = [...new Set(filings.map((f) => f.month.slice(0, 4)))].sort();
    expect(years.length).toBeGreaterThanOrEqual(1);
    const fen = (yuan: string) => Math.round(Number(yuan) * 100);
    const expected: [string, string, string | number][] = [];
    for (const year of years) {
      const inYear = filings.filter((f) => f.month.startsWith(year));
      expected.push(['revenue', year, formatFen(inYear.reduce((sum, f) => sum + fen(f.body.revenue), 0))]);
      expected.push(['tax', year, formatFen(inYear.length * 1000)]);
      expected.push(['employment', year, 9]);
      expected.push(['enterprises', year, 1]);
    }
    const communities = villagesUnder('330106').length;
    expected.push(['outlets-active', '2021', outlets], ['outlets-opened', '2021', outlets], ['rentals-started', '2021', rentals], ['rentals-active', '2021', rentals]);
    // Every rental started 2021-02-01 and never ended: active in 11 calendar months of 2021, 5.00 a month.
    expected.push(['rental-subsidy', '2021', formatFen(rentals * 11 * 500)], ['community-coverage', '2021', 1 / communities]);
    const regulator = await server.token('regulator');
    const figures = async () =>
      Promise.all(
        expected.map(async ([indicator, period]) => {
          const r = await server.request('GET', `/v1/statistics/${indicator}?period=${period}&region=330106`, { token: regulator });
          expect([indicator, r.status, r.body.rows.length]).toEqual([indicator, 200, 1]);
          return [indicator, period, r.body.rows[0].value];
        }),
      );
    const afterCrashes = await figures();
    expect(afterCrashes).toEqual(expected);
    expect((await server.rebuild()).status).toBe('succeeded');
    expect(await figures()).toEqual(expected);
  }, 900_000);
});
