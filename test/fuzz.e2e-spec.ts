import Database from 'better-sqlite3';
import fc from 'fast-check';
import { join } from 'node:path';
import { withUsccCheckCharacter } from '../libs/domain/src/index.js';
import { ServerProcess } from './support/server.js';

/**
 * Issue 9: an HTTP fuzzer. Hostile values in every query parameter and body field, malformed
 * and oversized bodies, path ids with ../ — never a 5xx, never a stack trace, nothing stored.
 */
const HOSTILE = [
  "33' OR 1=1 --",
  '33; DROP TABLE fuju.report_revisions',
  "') UNION ALL SELECT * FROM system.users --",
  '{db:Identifier}',
  '../../etc/passwd',
  '..%2F..%2Fetc',
  '\u0000\u0001\u001f',
  '𠮷野家😀',
  '9'.repeat(400),
  '-1e309',
  'NaN',
  '2024-13',
  '2024-Q9',
  'region,region,region',
  'productClass,;SELECT 1',
];

describe('HTTP fuzzing', () => {
  let server: ServerProcess;
  let log: Database.Database;
  const USCC = withUsccCheckCharacter('91330106MA2X00001');

  beforeAll(async () => {
    server = await ServerProcess.start();
    log = new Database(join(server.dataDir, 'events.sqlite'), { readonly: true });
    expect(
      (await server.request('POST', '/v1/enterprises', { token: await server.token('admin'), body: { uscc: USCC, name: '模糊', regionCode: '330106', segment: 'other', productClasses: [], registeredOn: '2022-01-01' } })).status,
    ).toBe(201);
  });

  afterAll(async () => {
    log?.close();
    await server?.stop();
  });

  const events = () => (log.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
  const sane = (r: { status: number; body: unknown }) => {
    const text = JSON.stringify(r.body ?? '');
    expect({ status: r.status < 500, stack: /\bat .+\.(js|ts):\d+|node_modules|DB::Exception|SELECT /.test(text) }).toEqual({ status: true, stack: false });
  };

  it('answers hostile query parameters on the statistics, monitoring and audit reads without 5xx', async () => {
    const regulator = await server.token('regulator');
    const value = fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 20 }));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/v1/statistics/revenue', '/v1/statistics/community-coverage', '/v1/monitoring/filing-compliance', '/v1/audit/events', '/v1/audit/vintages', '/v1/pilots'),
        fc.constantFrom('period', 'region', 'groupBy', 'regionLevel', 'asOf', 'from', 'to', 'granularity', 'kind', 'after', 'limit', 'indicator', 'batch', 'streamId'),
        value,
        async (path, name, v) => {
          const r = await server.request('GET', `${path}?period=2024&${name}=${encodeURIComponent(v)}`, { token: regulator });
          sane(r);
        },
      ),
      { numRuns: 250 },
    );
  });

  it('refuses hostile bodies and path ids on every write without 5xx and without storing anything', async () => {
    const before = events();
    const bureau = await server.token('bureau', { region: '33' });
    const admin = await server.token('admin');
    const own = await server.token('enterprise', { uscc: USCC });
    const junk = fc.oneof(
      fc.constantFrom(...HOSTILE),
      fc.integer(),
      fc.double(),
      fc.constant(null),
      fc.constant(1e308),
      fc.constant(Number.MAX_SAFE_INTEGER * 10),
      fc.array(fc.string(), { maxLength: 3 }),
      fc.object({ maxDepth: 2 }),
    );
    const writes: { method: string; path: (id: string) => string; token: string; fields: string[] }[] = [
      { method: 'PUT', path: () => `/v1/enterprises/${USCC}/reports/2024-01`, token: own, fields: ['revenue', 'taxPaid', 'employees', 'explanations', 'reason'] },
      { method: 'POST', path: () => '/v1/enterprises', token: admin, fields: ['uscc', 'name', 'regionCode', 'segment', 'productClasses', 'registeredOn'] },
      { method: 'POST', path: () => '/v1/outlets', token: bureau, fields: ['outletId', 'uscc', 'kind', 'communityCode', 'name', 'openedOn'] },
      { method: 'POST', path: () => '/v1/rentals', token: bureau, fields: ['rentalId', 'outletId', 'productClass', 'traceCode', 'beneficiary', 'startedOn', 'monthlyFee', 'monthlySubsidy'] },
      { method: 'POST', path: (id) => `/v1/outlets/${encodeURIComponent(id)}/closure`, token: bureau, fields: ['closedOn', 'reason'] },
      { method: 'POST', path: (id) => `/v1/rentals/${encodeURIComponent(id)}/return`, token: bureau, fields: ['endedOn', 'disinfectedOn'] },
      { method: 'POST', path: () => '/v1/pilots', token: admin, fields: ['regionCode', 'name', 'batch', 'startYear', 'endYear', 'targets'] },
      { method: 'POST', path: () => '/v1/releases', token: admin, fields: ['title', 'period', 'region', 'tables'] },
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...writes), fc.dictionary(fc.constantFrom('revenue', 'uscc', 'outletId', 'period', 'tables', 'targets', 'regionCode', 'name', 'extra'), junk), fc.constantFrom(...HOSTILE), async (w, body, id) => {
        const r = await server.request(w.method, w.path(id), { token: w.token, body });
        sane(r);
      }),
      { numRuns: 250 },
    );
    for (const raw of ['{', '[]', 'null', '"text"', '{"revenue":', '{"a":'.repeat(5000) + '1' + '}'.repeat(5000), '\u0000']) {
      const r = await server.request('PUT', `/v1/enterprises/${USCC}/reports/2024-01`, { token: own, rawBody: raw });
      if (r.status >= 500) throw new Error(`raw body ${JSON.stringify(raw.slice(0, 30))} → ${r.status} ${JSON.stringify(r.body)} ${server.log.slice(-1500)}`);
      sane(r);
      expect(r.status).toBe(400);
    }
    expect(events()).toBe(before);
  });
});
