// Topology: embedded (ServerProcess never inherits KAFKA_BROKERS or EVENTSTORE_CONNECTION_STRING); this suite also reads the SQLite event store file directly.
import Database from 'better-sqlite3';
import { connect } from 'node:net';
import { join } from 'node:path';
import { withUsccCheckCharacter } from '../libs/domain/src/index.js';
import { ServerProcess } from './support/server.js';
import { villagesUnder } from './support/villages.js';

/**
 * Issue 14, part A: what a new user's trial broke, over real HTTP against the whole embedded
 * stack. Each case failed before its fix.
 */

/** Sends bytes as they are (fetch would percent-encode them) and returns the raw answer. */
function rawRequest(port: number, requestLine: Buffer): Promise<{ status: number; contentType: string; body: any }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head, ...rest] = text.split('\r\n\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
      const contentType = /content-type: ([^\r\n]+)/i.exec(head)?.[1] ?? '';
      let body: unknown = rest.join('\r\n\r\n');
      try {
        body = JSON.parse(body as string);
      } catch {
        // not JSON: the defect this test guards against
      }
      resolve({ status, contentType, body });
    });
    socket.write(Buffer.concat([requestLine, Buffer.from(' HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n')]));
  });
}

describe('a new user trial (issue 14 A)', () => {
  let server: ServerProcess;
  let admin: string;
  let regulator: string;
  let log: Database.Database;
  const USCC = withUsccCheckCharacter('91330106MA2T00001');
  const eventCount = () => (log.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;

  beforeAll(async () => {
    server = await ServerProcess.start();
    admin = await server.token('admin');
    regulator = await server.token('regulator');
    const r = await server.request('POST', '/v1/enterprises', {
      token: admin,
      body: { uscc: USCC, name: '试用企业', regionCode: '330106', segment: 'manufacturing', productClasses: [], registeredOn: '2020-01-01' },
    });
    expect(r.status).toBe(201);
    log = new Database(join(server.dataDir, 'events.sqlite'), { readonly: true });
  });

  afterAll(async () => {
    log?.close();
    await server?.stop();
  });

  describe('A.1 periods outside 1990-2099 are 400 VALIDATION_FAILED everywhere', () => {
    const cases: [string, string][] = [];
    for (const indicator of ['revenue', 'employment', 'community-coverage', 'rental-subsidy'])
      for (const query of ['period=0000', 'period=0000-01', 'period=0000-Q1', 'from=0000-01&to=2024-01', 'period=9999', 'period=1989-12', 'period=2100'])
        cases.push([`/v1/statistics/${indicator}?${query}`, query.startsWith('from') ? 'from' : 'period']);
    cases.push(['/v1/monitoring/filing-compliance?period=9999-12', 'period'], ['/v1/monitoring/filing-compliance?period=0000-01', 'period']);
    cases.push(['/v1/monitoring/flags?period=0000-01', 'period'], ['/v1/audit/vintages?indicator=revenue&period=0000', 'period']);
    cases.push([`/v1/enterprises/${'USCC'}/reports/0000-01`, 'period']);

    it.each(cases)('%s → 400 naming %s', async (path, field) => {
      const r = await server.request('GET', path.replace('USCC', USCC), { token: regulator });
      expect([r.status, r.body.code, r.body.errors?.map((e: { path: string }) => e.path)]).toEqual([400, 'VALIDATION_FAILED', [field]]);
      expect(r.body.errors[0].message).toContain('1990-2099');
    });

    it('keeps the edges of the range: 1990-01 and 2099-12 answer 200', async () => {
      for (const period of ['1990-01', '2099-12', '1990', '2099-Q4']) expect((await server.request('GET', `/v1/statistics/revenue?period=${period}`, { token: regulator })).status).toBe(200);
      const c = await server.request('GET', '/v1/monitoring/filing-compliance?period=2099-12', { token: regulator });
      expect([c.status, c.body.deadline, c.body.deadlinePassed]).toEqual([200, '2100-01-15T16:00:00.000Z', false]);
    });
  });

  describe('A.2 release drafts', () => {
    it('refuses a draft for period 0000 at draft time and stores nothing', async () => {
      const before = eventCount();
      const r = await server.request('POST', '/v1/releases', { token: admin, body: { title: '零年', period: '0000', tables: [{ indicator: 'revenue' }] } });
      expect([r.status, r.body.code, r.body.errors?.[0]?.path]).toEqual([400, 'VALIDATION_FAILED', 'period']);
      expect(eventCount()).toBe(before);
    });

    it('discards a draft with a reason: gone from the list, cannot be published; a published release cannot be discarded', async () => {
      const draft = await server.request('POST', '/v1/releases', { token: admin, body: { title: '误建草稿', period: '2024', region: '33', tables: [{ indicator: 'revenue' }] } });
      expect(draft.status).toBe(201);
      const id = draft.body.releaseId;
      const noReason = await server.request('POST', `/v1/releases/${id}/discard`, { token: admin, body: { reason: 'x' } });
      expect([noReason.status, noReason.body.errors?.[0]?.path]).toEqual([400, 'reason']);
      const discarded = await server.request('POST', `/v1/releases/${id}/discard`, { token: admin, body: { reason: '期别填写错误，重新起草' } });
      expect([discarded.status, discarded.body.status, discarded.body.discardReason]).toEqual([200, 'discarded', '期别填写错误，重新起草']);
      const again = await server.request('POST', `/v1/releases/${id}/discard`, { token: admin, body: { reason: '期别填写错误，重新起草' } });
      expect(again.status).toBe(200);
      const publish = await server.request('POST', `/v1/releases/${id}/publication`, { token: admin });
      expect([publish.status, publish.body.code]).toEqual([422, 'RULE_VIOLATION']);
      const list = await server.request('GET', '/v1/releases', { token: admin });
      expect(list.body.map((r: { releaseId: string }) => r.releaseId)).not.toContain(id);
      expect((await server.request('GET', `/v1/releases/${id}`)).status).toBe(404);

      const kept = await server.request('POST', '/v1/releases', { token: admin, body: { title: '正式发布', period: '2024', region: '33', tables: [{ indicator: 'revenue' }] } });
      await server.request('POST', `/v1/releases/${kept.body.releaseId}/publication`, { token: admin });
      const withdraw = await server.request('POST', `/v1/releases/${kept.body.releaseId}/discard`, { token: admin, body: { reason: '想要撤回已发布的数据' } });
      expect([withdraw.status, withdraw.body.code]).toEqual([422, 'RULE_VIOLATION']);
    });
  });

  describe('A.7 errors the HTTP parser raises are problem+json too', () => {
    it('raw UTF-8 in a query string → 400 problem+json', async () => {
      const r = await rawRequest(server.port, Buffer.from('GET /v1/statistics/revenue?region=杭州', 'utf8'));
      expect([r.status, r.contentType, r.body.code, r.body.status]).toEqual([400, 'application/problem+json; charset=utf-8', 'VALIDATION_FAILED', 400]);
    });

    it('a 100 kB URL → 431 problem+json', async () => {
      const r = await rawRequest(server.port, Buffer.from(`GET /v1/statistics?q=${'a'.repeat(100_000)}`));
      expect([r.status, r.contentType, r.body.code, r.body.title]).toEqual([431, 'application/problem+json; charset=utf-8', 'REQUEST_TOO_LARGE', 'Request header fields too large']);
    });

    it('the server keeps serving afterwards', async () => {
      expect((await server.request('GET', '/health')).status).toBe(200);
    });
  });

  it.each(['2025-02-30T00:00:00Z', '2024-02-30T00:00:00+08:00', '2025-13-01T00:00:00Z', '2025-01-01T24:00:00Z', '2025-01-01T12:60:00Z', '2025-01-01T12:00:60Z'])(
    'A.9 the impossible instant asOf=%s → 400',
    async (asOf) => {
      const r = await server.request('GET', `/v1/statistics/revenue?period=2024&asOf=${encodeURIComponent(asOf)}`, { token: regulator });
      expect([r.status, r.body.errors?.[0]?.path]).toEqual([400, 'asOf']);
    },
  );

  it('A.9 a real leap day is still an instant', async () => {
    expect((await server.request('GET', '/v1/statistics/revenue?period=2024&asOf=2024-02-29T00:00:00Z', { token: regulator })).status).toBe(200);
  });

  describe('A.10 control characters are refused, text is stored NFC', () => {
    it.each([
      ['a NUL in a name', { name: '康复\u0000企业' }],
      ['a right-to-left override in a name', { name: '康复\u202E企业' }],
      ['a line break in a name', { name: '康复\n企业' }],
    ])('%s → 400 naming the field, nothing stored', async (_label, over) => {
      const before = eventCount();
      const uscc = withUsccCheckCharacter('91330106MA2T00009');
      const r = await server.request('POST', '/v1/enterprises', {
        token: admin,
        body: { uscc, regionCode: '330106', segment: 'other', productClasses: [], registeredOn: '2020-01-01', ...over },
      });
      expect([r.status, r.body.errors?.[0]?.path]).toEqual([400, 'name']);
      expect(eventCount()).toBe(before);
    });

    it('a correction reason with a bidi override is refused; a decomposed name is stored composed', async () => {
      const own = await server.token('enterprise', { uscc: USCC });
      expect((await server.request('PUT', `/v1/enterprises/${USCC}/reports/2024-01`, { token: own, body: { revenue: '100.00', taxPaid: '1.00', employees: 3 } })).status).toBe(201);
      const bidi = await server.request('PUT', `/v1/enterprises/${USCC}/reports/2024-01`, { token: own, body: { revenue: '120.00', taxPaid: '1.00', employees: 3, reason: '补录\u2066漏记收入' } });
      expect([bidi.status, bidi.body.errors?.[0]?.path]).toEqual([400, 'reason']);
      const x = await server.request('PUT', `/v1/enterprises/${USCC}/reports/2024-01`, { token: own, body: { revenue: '120.00', taxPaid: '1.00', employees: 3, reason: 'x' } });
      expect([x.status, x.body.errors?.[0]?.path]).toEqual([400, 'reason']);
      const uscc = withUsccCheckCharacter('91330106MA2T00008');
      const decomposed = 'Cafe\u0301康复';
      expect((await server.request('POST', '/v1/enterprises', { token: admin, body: { uscc, name: decomposed, regionCode: '330106', segment: 'other', productClasses: [], registeredOn: '2020-01-01' } })).status).toBe(201);
      const stored = log.prepare("SELECT data FROM events WHERE stream_id = ? AND type = 'EnterpriseRegistered'").get(`enterprise-${uscc}`) as { data: string };
      expect(JSON.parse(stored.data).name).toBe('Caf\u00e9康复');
    });
  });

  describe('A.11 a bureau without region reads its own region', () => {
    it('defaults statistics and monitoring to the bureau region; a wider region stays 403', async () => {
      const bureau = await server.token('bureau', { region: '3301' });
      // The registrations of the tests before have reached the read model (each cell's response counts them).
      await server.waitForProjection();
      const own = await server.request('GET', '/v1/statistics/revenue?period=2024', { token: bureau });
      expect([own.status, own.body.region]).toEqual([200, '3301']);
      const explicit = await server.request('GET', '/v1/statistics/revenue?period=2024&region=3301', { token: bureau });
      expect(own.body.rows).toEqual(explicit.body.rows);
      const compliance = await server.request('GET', '/v1/monitoring/filing-compliance?period=2024-01', { token: bureau });
      expect([compliance.status, compliance.body.region]).toEqual([200, '3301']);
      expect((await server.request('GET', '/v1/statistics/revenue?period=2024&region=33', { token: bureau })).status).toBe(403);
    });
  });

  it('A.12 a release table takes groupBy as an array as well as a comma list', async () => {
    const asArray = await server.request('POST', '/v1/releases', { token: admin, body: { title: '数组分组', period: '2024', region: '33', tables: [{ indicator: 'revenue', groupBy: ['region', 'segment'] }] } });
    const asList = await server.request('POST', '/v1/releases', { token: admin, body: { title: '逗号分组', period: '2024', region: '33', tables: [{ indicator: 'revenue', groupBy: 'region,segment' }] } });
    expect([asArray.status, asList.status]).toEqual([201, 201]);
    expect(asArray.body.tables).toEqual([{ indicator: 'revenue', groupBy: ['region', 'segment'], regionLevel: 'city' }]);
    expect(asList.body.tables).toEqual(asArray.body.tables);
    const bad = await server.request('POST', '/v1/releases', { token: admin, body: { title: '坏分组', period: '2024', tables: [{ indicator: 'revenue', groupBy: ['region', 7] }] } });
    expect([bad.status, bad.body.errors?.[0]?.path]).toEqual([400, 'tables.0.groupBy']);
  });

  describe('A.8 HTTP validators: ETag on every writable resource, If-Match on its writes, If-None-Match → 304', () => {
    const E = withUsccCheckCharacter('91330106MA2T00301');
    let own: string;

    beforeAll(async () => {
      own = await server.token('enterprise', { uscc: E });
      expect((await server.request('POST', '/v1/enterprises', { token: admin, body: { uscc: E, name: '校验企业', regionCode: '330106', segment: 'other', productClasses: [], registeredOn: '2020-01-01' } })).status).toBe(201);
      // Several months first, so the enterprise stream's revision (4) differs from the report's (1).
      for (const m of ['01', '02', '03'])
        expect((await server.request('PUT', `/v1/enterprises/${E}/reports/2024-${m}`, { token: own, body: { revenue: '100.00', taxPaid: '1.00', employees: 3 } })).status).toBe(201);
    });

    it('a report read and written back with its own ETag succeeds; a stale ETag is 412 and appends nothing', async () => {
      const read = await server.request('GET', `/v1/enterprises/${E}/reports/2024-02`, { token: own });
      expect([read.body.revision, read.headers.get('etag')]).toEqual([1, '"1"']);
      const body = { revenue: '110.00', taxPaid: '1.00', employees: 3, reason: '补录漏记的销售收入' };
      const write = await server.request('PUT', `/v1/enterprises/${E}/reports/2024-02`, { token: own, body, headers: { 'if-match': read.headers.get('etag')! } });
      expect(write.status).toBe(200);
      const before = eventCount();
      const stale = await server.request('PUT', `/v1/enterprises/${E}/reports/2024-02`, { token: own, body: { ...body, revenue: '120.00' }, headers: { 'if-match': '"1"' } });
      expect([stale.status, stale.body.code]).toEqual([412, 'PRECONDITION_FAILED']);
      expect(eventCount()).toBe(before);
      const reread = await server.request('GET', `/v1/enterprises/${E}/reports/2024-02`, { token: own });
      expect(reread.headers.get('etag')).toBe('"2"');
      // If-Match: * on a report not filed yet is 412; on a filed one it writes.
      const none = await server.request('PUT', `/v1/enterprises/${E}/reports/2024-05`, { token: own, body: { revenue: '100.00', taxPaid: '1.00', employees: 3 }, headers: { 'if-match': '*' } });
      expect(none.status).toBe(412);
    });

    it('every writable resource sends an ETag equal to its revision, and If-None-Match with it answers 304 without a body', async () => {
      const community = villagesUnder('330106')[1];
      expect((await server.request('POST', '/v1/outlets', { token: own, body: { outletId: 'ET-O1', uscc: E, kind: 'rental_point', communityCode: community, name: '校验租赁点', openedOn: '2023-01-01' } })).status).toBe(201);
      expect((await server.request('POST', '/v1/rentals', { token: own, body: { rentalId: 'ET-R1', outletId: 'ET-O1', productClass: '12 22', traceCode: 'ET-T1', beneficiary: 'elderly', startedOn: '2024-01-02', monthlyFee: '10.00', monthlySubsidy: '0.00' } })).status).toBe(201);
      expect((await server.request('POST', '/v1/pilots', { token: admin, body: { regionCode: '330106', name: '西湖区', batch: 2, startYear: 2021, endYear: 2023, targets: [] } })).status).toBe(201);
      const release = await server.request('POST', '/v1/releases', { token: admin, body: { title: '校验发布', period: '2024', region: '33', tables: [{ indicator: 'revenue' }] } });
      const paths = [`/v1/enterprises/${E}`, `/v1/enterprises/${E}/reports/2024-01`, '/v1/outlets/ET-O1', '/v1/rentals/ET-R1', '/v1/pilots/330106', `/v1/releases/${release.body.releaseId}`];
      for (const path of paths) {
        const r = await server.request('GET', path, { token: admin });
        expect([path, r.status, r.headers.get('etag')]).toEqual([path, 200, `"${r.body.revision}"`]);
        const cached = await server.request('GET', path, { token: admin, headers: { 'if-none-match': r.headers.get('etag')! } });
        expect([path, cached.status, cached.body]).toEqual([path, 304, undefined]);
        const changed = await server.request('GET', path, { token: admin, headers: { 'if-none-match': `"${r.body.revision + 7}"` } });
        expect([path, changed.status]).toEqual([path, 200]);
      }
      // If-Match on the other resources' writes compares with their ETags.
      const outlet = await server.request('GET', '/v1/outlets/ET-O1', { token: own });
      const staleClose = await server.request('POST', '/v1/outlets/ET-O1/closure', { token: own, body: { closedOn: '2024-06-30', reason: '场地到期撤点' }, headers: { 'if-match': `"${outlet.body.revision + 1}"` } });
      expect(staleClose.status).toBe(412);
      const close = await server.request('POST', '/v1/outlets/ET-O1/closure', { token: own, body: { closedOn: '2024-06-30', reason: '场地到期撤点' }, headers: { 'if-match': outlet.headers.get('etag')! } });
      expect(close.status).toBe(201);
      const draft = await server.request('GET', `/v1/releases/${release.body.releaseId}`, { token: admin });
      const staleDiscard = await server.request('POST', `/v1/releases/${release.body.releaseId}/discard`, { token: admin, body: { reason: '重复起草的发布' }, headers: { 'if-match': '"9"' } });
      expect(staleDiscard.status).toBe(412);
      const discard = await server.request('POST', `/v1/releases/${release.body.releaseId}/discard`, { token: admin, body: { reason: '重复起草的发布' }, headers: { 'if-match': draft.headers.get('etag')! } });
      expect(discard.status).toBe(200);
    });
  });

  it('A.14 the CSP does not ask a plain-HTTP browser to upgrade its requests', async () => {
    const r = await fetch(`${server.url}/`);
    const csp = r.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(r.headers.get('strict-transport-security')).toBeNull();
  });
});

describe('A.6 rental and outlet rules over HTTP', () => {
  let server: ServerProcess;
  const USCC = withUsccCheckCharacter('91330106MA2T00101');
  let own: string;
  const community = villagesUnder('330106')[0];

  beforeAll(async () => {
    server = await ServerProcess.start();
    own = await server.token('enterprise', { uscc: USCC });
    const r = await server.request('POST', '/v1/enterprises', {
      token: await server.token('admin'),
      body: { uscc: USCC, name: '租赁规则企业', regionCode: '330106', segment: 'rental_service', productClasses: [], registeredOn: '2023-01-01' },
    });
    expect(r.status).toBe(201);
    for (const [outletId, kind] of [['RULE-RP', 'rental_point'], ['RULE-EX', 'experience_center']])
      expect((await server.request('POST', '/v1/outlets', { token: own, body: { outletId, uscc: USCC, kind, communityCode: community, name: outletId, openedOn: '2023-02-01' } })).status).toBe(201);
  });

  afterAll(async () => {
    await server?.stop();
  });

  const rental = (over: Record<string, unknown>) => ({ outletId: 'RULE-RP', productClass: '12 22', beneficiary: 'elderly', startedOn: '2024-01-10', monthlyFee: '100.00', monthlySubsidy: '40.00', ...over });

  it('refuses an outlet opened before its enterprise was registered', async () => {
    const r = await server.request('POST', '/v1/outlets', { token: own, body: { outletId: 'RULE-EARLY', uscc: USCC, kind: 'rental_point', communityCode: community, name: '早开', openedOn: '2022-12-31' } });
    expect([r.status, r.body.code, r.body.errors?.[0]?.path]).toEqual([422, 'RULE_VIOLATION', 'openedOn']);
  });

  it('refuses a subsidy above the fee', async () => {
    const r = await server.request('POST', '/v1/rentals', { token: own, body: rental({ rentalId: 'RULE-R0', traceCode: 'RULE-T0', monthlySubsidy: '100.01' }) });
    expect([r.status, r.body.errors?.[0]?.path]).toEqual([400, 'monthlySubsidy']);
  });

  it('refuses a rental at an outlet kind that does not rent', async () => {
    const r = await server.request('POST', '/v1/rentals', { token: own, body: rental({ rentalId: 'RULE-R1', traceCode: 'RULE-T1', outletId: 'RULE-EX' }) });
    expect([r.status, r.body.code, r.body.errors?.[0]?.path]).toEqual([422, 'RULE_VIOLATION', 'outletId']);
  });

  it('refuses a device going out again before the disinfection of its previous return', async () => {
    expect((await server.request('POST', '/v1/rentals', { token: own, body: rental({ rentalId: 'RULE-R2', traceCode: 'RULE-T2' }) })).status).toBe(201);
    expect((await server.request('POST', '/v1/rentals/RULE-R2/return', { token: own, body: { endedOn: '2024-03-01', disinfectedOn: '2024-03-05' } })).status).toBe(201);
    const early = await server.request('POST', '/v1/rentals', { token: own, body: rental({ rentalId: 'RULE-R3', traceCode: 'RULE-T2', startedOn: '2024-03-04' }) });
    expect([early.status, early.body.code, early.body.errors?.[0]?.path]).toEqual([422, 'RULE_VIOLATION', 'startedOn']);
    expect(early.body.detail).toContain('2024-03-05');
    const onTime = await server.request('POST', '/v1/rentals', { token: own, body: rental({ rentalId: 'RULE-R3', traceCode: 'RULE-T2', startedOn: '2024-03-05' }) });
    expect(onTime.status).toBe(201);
  });
});

describe('A.17 demo sign-in', () => {
  let server: ServerProcess;

  beforeAll(async () => {
    server = await ServerProcess.start({ env: { DEMO: 'on' } });
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
  });

  it('answers a loopback client on the untouched demo store, and closes for good after a real write', async () => {
    expect((await server.request('GET', '/v1/demo/roles')).body).toEqual({ roles: ['bureau', 'regulator', 'admin', 'enterprise'] });
    const token = await server.request('POST', '/v1/demo/tokens', { body: { role: 'regulator' } });
    expect([token.status, token.body.role, typeof token.body.token]).toEqual([201, 'regulator', 'string']);
    // A real write through the API (an admin token from the CLI's secret, not the demo).
    const admin = await server.token('admin');
    const r = await server.request('POST', '/v1/enterprises', {
      token: admin,
      body: { uscc: withUsccCheckCharacter('91330106MA2T00201'), name: '真实企业', regionCode: '330106', segment: 'other', productClasses: [], registeredOn: '2020-01-01' },
    });
    expect(r.status).toBe(201);
    const closed = await server.request('POST', '/v1/demo/tokens', { body: { role: 'admin' } });
    expect([closed.status, closed.body.code]).toEqual([404, 'NOT_FOUND']);
    expect(closed.body.detail).toContain('writes beyond the demo data set');
    expect((await server.request('GET', '/v1/demo/roles')).body).toEqual({ roles: [], reason: 'demo sign-in is closed: this store has received writes beyond the demo data set' });
  });
});

describe('A.13 a build beside a running server', () => {
  let server: ServerProcess;

  beforeAll(async () => {
    server = await ServerProcess.start();
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('never answers a static file with an error while the dashboard is rebuilt and swapped', async () => {
    const { execFile } = await import('node:child_process');
    const build = (salt?: string) =>
      new Promise<number>((resolve) => execFile(process.execPath, ['apps/api/dashboard/build.mjs'], { env: { ...process.env, DASHBOARD_BUILD_SALT: salt ?? '' } }, (error) => resolve(error ? 1 : 0)));
    // The page names its build (/assets/<content hash>/…), which changes with every swap; the files in it do not.
    const expected = new Map<string, string>();
    for (const path of ['app.js', 'style.css', 'vendor/echarts.min.js']) expected.set(path, await (await fetch(`${server.url}/${path}`)).text());
    let building = true;
    const failures: string[] = [];
    let served = 0;
    const readers = Array.from({ length: 4 }, async () => {
      while (building) {
        // A page loaded at any instant of the swaps gets every file it names.
        const index = await fetch(`${server.url}/`);
        const html = await index.text();
        const build = /src="\/assets\/([0-9a-f]{16})\/app\.js"/.exec(html)?.[1];
        served += 1;
        if (index.status !== 200 || !build) {
          failures.push(`/: ${index.status}, ${html.length} bytes`);
          continue;
        }
        for (const [path, body] of expected) {
          const r = await fetch(`${server.url}/assets/${build}/${path}`);
          const text = await r.text();
          served += 1;
          if (r.status !== 200 || text !== body) failures.push(`/assets/${build}/${path}: ${r.status}, ${text.length} bytes`);
        }
      }
    });
    try {
      for (let i = 0; i < 30; i++) {
        // Each salt is a new build: written beside the served one, then swapped in by a rename.
        expect(await build(`swap-${i}`)).toBe(0);
      }
    } finally {
      building = false;
      await Promise.all(readers);
      expect(await build()).toBe(0);
    }
    expect(served).toBeGreaterThan(100);
    expect(failures).toEqual([]);
  });
});
