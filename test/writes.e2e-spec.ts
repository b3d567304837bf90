// Topology: embedded (ServerProcess never inherits KAFKA_BROKERS or EVENTSTORE_CONNECTION_STRING); this suite also reads the SQLite event store file directly.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { withUsccCheckCharacter } from '../libs/domain/src/index.js';
import { ServerProcess } from './support/server.js';

/** Acceptance 3 and 4: idempotency, optimistic concurrency, bad input, authorisation — and the log as proof. */
describe('writes over HTTP', () => {
  let server: ServerProcess;
  let log: Database.Database;
  let admin: string;
  let bureau: string;
  let own: string;
  const USCC = withUsccCheckCharacter('91330106MA2B00042');
  const OTHER = withUsccCheckCharacter('91330106MA2B00043');
  const eventCount = () => (log.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
  const keyCount = () => (log.prepare('SELECT count(*) AS n FROM idempotency_keys').get() as { n: number }).n;
  const report = { revenue: '1000.00', taxPaid: '50.00', employees: 12 };

  beforeAll(async () => {
    server = await ServerProcess.start();
    log = new Database(join(server.dataDir, 'events.sqlite'), { readonly: true, fileMustExist: true });
    admin = await server.token('admin');
    bureau = await server.token('bureau', { region: '3301' });
    own = await server.token('enterprise', { uscc: USCC });
    for (const uscc of [USCC, OTHER]) {
      const r = await server.request('POST', '/v1/enterprises', {
        token: admin,
        body: { uscc, name: '杭州西湖康复辅具有限公司', regionCode: '330106', segment: 'manufacturing', industryCode: '3586', productClasses: ['12 22'], registeredOn: '2020-01-15' },
      });
      expect(r.status).toBe(201);
    }
  });

  afterAll(async () => {
    log?.close();
    await server?.stop();
  });

  describe('idempotency and concurrency', () => {
    it('appends once for three requests with the same Idempotency-Key and answers the same body each time', async () => {
      const before = eventCount();
      const send = () =>
        server.request('PUT', `/v1/enterprises/${USCC}/reports/2024-01`, { token: own, body: report, headers: { 'idempotency-key': 'file-2024-01-a' } });
      const answers = [await send(), await send(), await send()];
      expect(answers.map((a) => a.status)).toEqual([201, 201, 201]);
      expect(answers[1].body).toEqual(answers[0].body);
      expect(answers[2].body).toEqual(answers[0].body);
      expect(answers[0].body).toEqual({ streamId: `enterprise-${USCC}`, revision: 2, position: expect.any(Number), recordedAt: expect.any(String) });
      expect(eventCount()).toBe(before + 1);
    });

    it('refuses a reused key with a different body: 422 IDEMPOTENCY_KEY_REUSED, nothing appended', async () => {
      const before = eventCount();
      const r = await server.request('PUT', `/v1/enterprises/${USCC}/reports/2024-01`, {
        token: own,
        body: { ...report, revenue: '1001.00', reason: '更正收入数据口径' },
        headers: { 'idempotency-key': 'file-2024-01-a' },
      });
      expect([r.status, r.body.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
      expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(eventCount()).toBe(before);
    });

    it('scopes keys to the actor: the same key from another actor is a different request', async () => {
      const r = await server.request('PUT', `/v1/enterprises/${USCC}/reports/2024-02`, { token: bureau, body: report, headers: { 'idempotency-key': 'file-2024-01-a' } });
      expect(r.status).toBe(201);
    });

    it('answers an identical resubmission with 200 and the current state, appending nothing', async () => {
      const before = eventCount();
      const r = await server.request('PUT', `/v1/enterprises/${USCC}/reports/2024-01`, { token: own, body: report });
      expect(r.status).toBe(200);
      expect(r.body.revision).toBe(3);
      expect(eventCount()).toBe(before);
    });

    it('rejects a stale If-Match with 412 and appends nothing; a current one is accepted', async () => {
      const before = eventCount();
      const stale = await server.request('PUT', `/v1/enterprises/${USCC}/reports/2024-01`, {
        token: own,
        body: { ...report, revenue: '1100.00', reason: '补录漏记的销售收入' },
        headers: { 'if-match': '"2"' },
      });
      expect([stale.status, stale.body.code]).toEqual([412, 'PRECONDITION_FAILED']);
      expect((await server.request('GET', `/v1/enterprises/${USCC}/reports/2024-01`, { token: own })).headers.get('etag')).toBe('"1"');
      expect(eventCount()).toBe(before);
      const current = await server.request('PUT', `/v1/enterprises/${USCC}/reports/2024-01`, {
        token: own,
        body: { ...report, revenue: '1100.00', reason: '补录漏记的销售收入' },
        // The report's own version, as its GET's ETag shows it (the enterprise stream is at 3).
        headers: { 'if-match': (await server.request('GET', `/v1/enterprises/${USCC}/reports/2024-01`, { token: own })).headers.get('etag')! },
      });
      expect([current.status, current.body.revision]).toEqual([200, 4]);
      expect(eventCount()).toBe(before + 1);
    });

    it('requires a reason for a correction', async () => {
      const r = await server.request('PUT', `/v1/enterprises/${USCC}/reports/2024-01`, { token: own, body: { ...report, revenue: '1200.00' } });
      expect([r.status, r.body.errors]).toEqual([400, [{ path: 'reason', message: expect.stringContaining('needs a reason') }]]);
    });

    it('registering the same USCC again is 409 CONFLICT', async () => {
      const r = await server.request('POST', '/v1/enterprises', {
        token: admin,
        body: { uscc: USCC, name: '重复', regionCode: '330106', segment: 'other', productClasses: [], registeredOn: '2020-01-15' },
      });
      expect([r.status, r.body.code]).toEqual([409, 'CONFLICT']);
    });
  });

  describe('bad input stores nothing', () => {
    const registration = { uscc: withUsccCheckCharacter('91330106MA2B00099'), name: '新企业', regionCode: '330106', segment: 'rnd', productClasses: ['22'], registeredOn: '2021-03-01' };
    const cases: [string, number, string, string, () => Promise<{ status: number; body: any }>][] = [
      ['invalid USCC check character', 400, 'VALIDATION_FAILED', 'uscc', () => server.request('POST', '/v1/enterprises', { token: admin, body: { ...registration, uscc: registration.uscc.slice(0, 17) + (registration.uscc[17] === '0' ? '1' : '0') } })],
      ['unknown region', 400, 'VALIDATION_FAILED', 'regionCode', () => server.request('POST', '/v1/enterprises', { token: admin, body: { ...registration, regionCode: '339999' } })],
      ['unknown field', 400, 'VALIDATION_FAILED', 'capital', () => server.request('POST', '/v1/enterprises', { token: admin, body: { ...registration, capital: '1' } })],
      ['negative money', 400, 'VALIDATION_FAILED', 'revenue', () => server.request('PUT', `/v1/enterprises/${USCC}/reports/2024-05`, { token: own, body: { ...report, revenue: '-5.00' } })],
      ['3-decimal money', 400, 'VALIDATION_FAILED', 'taxPaid', () => server.request('PUT', `/v1/enterprises/${USCC}/reports/2024-05`, { token: own, body: { ...report, taxPaid: '1.005' } })],
      ['money as a number', 400, 'VALIDATION_FAILED', 'revenue', () => server.request('PUT', `/v1/enterprises/${USCC}/reports/2024-05`, { token: own, body: { ...report, revenue: 1000 } })],
      ['employees: 1.5', 400, 'VALIDATION_FAILED', 'employees', () => server.request('PUT', `/v1/enterprises/${USCC}/reports/2024-05`, { token: own, body: { ...report, employees: 1.5 } })],
      ['unknown field in a report', 400, 'VALIDATION_FAILED', 'profit', () => server.request('PUT', `/v1/enterprises/${USCC}/reports/2024-05`, { token: own, body: { ...report, profit: '1.00' } })],
      ['period in the future', 400, 'VALIDATION_FAILED', 'period', () => server.request('PUT', `/v1/enterprises/${USCC}/reports/2099-01`, { token: own, body: report })],
      ['malformed period', 400, 'VALIDATION_FAILED', 'period', () => server.request('PUT', `/v1/enterprises/${USCC}/reports/2024-13`, { token: own, body: report })],
      ['malformed JSON', 400, 'VALIDATION_FAILED', '', () => server.request('PUT', `/v1/enterprises/${USCC}/reports/2024-05`, { token: own, rawBody: '{"revenue": "1.00",' })],
      ['soft edit without explanation', 422, 'EXPLANATION_REQUIRED', 'tax-exceeds-revenue', () => server.request('PUT', `/v1/enterprises/${USCC}/reports/2024-05`, { token: own, body: { ...report, taxPaid: '2000.00' } })],
      ['soft edit with a placeholder explanation', 422, 'EXPLANATION_REQUIRED', 'tax-exceeds-revenue', () => server.request('PUT', `/v1/enterprises/${USCC}/reports/2024-05`, { token: own, body: { ...report, taxPaid: '2000.00', explanations: { 'tax-exceeds-revenue': '核实无误' } } })],
      ['enterprise filing for another USCC', 403, 'FORBIDDEN', '', () => server.request('PUT', `/v1/enterprises/${OTHER}/reports/2024-05`, { token: own, body: report })],
      ['bureau outside its region', 403, 'FORBIDDEN', '', async () => server.request('PUT', `/v1/enterprises/${USCC}/reports/2024-05`, { token: await server.token('bureau', { region: '11' }), body: report })],
      ['regulator writing', 403, 'FORBIDDEN', '', async () => server.request('PUT', `/v1/enterprises/${USCC}/reports/2024-05`, { token: await server.token('regulator'), body: report })],
      ['no token', 401, 'UNAUTHENTICATED', '', () => server.request('PUT', `/v1/enterprises/${USCC}/reports/2024-05`, { body: report })],
      ['expired token', 401, 'UNAUTHENTICATED', '', async () => server.request('PUT', `/v1/enterprises/${USCC}/reports/2024-05`, { token: await server.token('enterprise', { uscc: USCC }, '-1m'), body: report })],
      ['token signed with another secret', 401, 'UNAUTHENTICATED', '', () => server.request('PUT', `/v1/enterprises/${USCC}/reports/2024-05`, { token: own.slice(0, -4) + (own.endsWith('AAAA') ? 'BBBB' : 'AAAA'), body: report })],
    ];

    it.each(cases)('%s → %i %s naming "%s"', async (_name, status, code, path, send) => {
      const events = eventCount();
      const keys = keyCount();
      const r = await send();
      expect([r.status, r.body.code]).toEqual([status, code]);
      expect(r.body).toMatchObject({ type: expect.any(String), title: expect.any(String), status, detail: expect.any(String) });
      if (path) expect(r.body.errors.map((e: { path: string }) => e.path)).toContain(path);
      expect(JSON.stringify(r.body)).not.toMatch(/at .*\.js:\d+|SELECT|node_modules/);
      expect([eventCount(), keyCount()]).toEqual([events, keys]);
    });

    it('accepts the soft edit once it is explained, and keeps the explanation and rule versions in the event', async () => {
      const explanation = '本月补缴以前年度税款，导致税金高于当月收入。';
      const r = await server.request('PUT', `/v1/enterprises/${USCC}/reports/2024-05`, {
        token: own,
        body: { ...report, taxPaid: '2000.00', explanations: { 'tax-exceeds-revenue': explanation } },
      });
      expect(r.status).toBe(201);
      const stored = log.prepare('SELECT type, data, metadata FROM events WHERE position = ?').get(r.body.position) as { type: string; data: string; metadata: string };
      expect(stored.type).toBe('MonthlyReportFiled');
      expect(JSON.parse(stored.data)).toMatchObject({
        explanations: { 'tax-exceeds-revenue': explanation },
        rules: expect.arrayContaining([{ id: 'tax-exceeds-revenue', version: 1, triggered: true }]),
      });
      expect(JSON.parse(stored.metadata)).toMatchObject({ actor: `enterprise:${USCC}`, role: 'enterprise', schemaVersion: 1 });
    });
  });

  it('reads an enterprise with its revision; a foreign enterprise may not', async () => {
    const r = await server.request('GET', `/v1/enterprises/${USCC}`, { token: own });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ uscc: USCC, regionCode: '330106', regionName: '西湖区', segment: 'manufacturing', status: 'active', revision: eventCountOf(USCC) });
    const foreign = await server.request('GET', `/v1/enterprises/${OTHER}`, { token: own });
    expect(foreign.status).toBe(403);
  });

  function eventCountOf(uscc: string): number {
    return (log.prepare('SELECT count(*) AS n FROM events WHERE stream_id = ?').get(`enterprise-${uscc}`) as { n: number }).n;
  }

  it('serves the OpenAPI document with the contract paths', async () => {
    const r = await server.request('GET', '/docs-json');
    expect(r.status).toBe(200);
    expect(Object.keys(r.body.paths)).toEqual(
      expect.arrayContaining(['/v1/enterprises', '/v1/enterprises/{uscc}', '/v1/enterprises/{uscc}/reports/{period}', '/v1/enterprises/{uscc}/relocations', '/v1/enterprises/{uscc}/deregistrations', '/v1/statistics', '/v1/statistics/{indicator}', '/health']),
    );
  });
});
