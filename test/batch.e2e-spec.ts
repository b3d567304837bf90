import { withUsccCheckCharacter } from '../libs/domain/src/index.js';
import { ServerProcess } from './support/server.js';

/**
 * POST /v1/batch (issue 19, point 10): several reads in one request, each answered exactly as its
 * own GET — body, status, problem+json and ETag — with the caller's rights, never more.
 */
const USCC = withUsccCheckCharacter('91330106MA2W0B001');

describe('batch reads over HTTP', () => {
  let server: ServerProcess;
  let admin = '';
  let bureau = '';

  beforeAll(async () => {
    server = await ServerProcess.start();
    admin = await server.token('admin');
    bureau = await server.token('bureau', { region: '33' });
    expect((await server.request('POST', '/v1/enterprises', { token: admin, body: { uscc: USCC, name: '批量读取', regionCode: '330106', segment: 'manufacturing', productClasses: [], registeredOn: '2022-01-01' } })).status).toBe(201);
    for (const [month, revenue] of [['2024-01', '1200.50'], ['2024-02', '800.25']])
      expect((await server.request('PUT', `/v1/enterprises/${USCC}/reports/${month}`, { token: bureau, body: { revenue, taxPaid: '10.00', employees: 7 } })).status).toBe(201);
    await server.waitForProjection();
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
  });

  it('answers each path as its own GET would, in the order asked', async () => {
    const paths = [
      '/v1/statistics/revenue?period=2024&region=33',
      `/v1/enterprises/${USCC}/reports/2024-02`,
      '/v1/statistics/revenue?period=2024&region=11',
      '/v1/statistics/no-such-indicator?period=2024',
      '/v1/statistics/revenue?period=2024-13',
      '/v1/regions/3301',
    ];
    const batch = await server.request('POST', '/v1/batch', { token: bureau, body: { requests: paths } });
    expect(batch.status).toBe(200);
    const alone = await Promise.all(paths.map((path) => server.request('GET', path, { token: bureau })));
    // A statistics answer states the instant it was computed at (its cut-off): the batch's came first.
    const timeless = (body: any) => (body?.cutoff ? { ...body, cutoff: { ...body.cutoff, at: 'the instant of the answer' } } : body);
    expect(batch.body.responses.map((r: { path: string; status: number; body: unknown }) => [r.path, r.status, timeless(r.body)])).toEqual(paths.map((path, i) => [path, alone[i].status, timeless(alone[i].body)]));
    expect(batch.body.responses[0].body.cutoff.at <= alone[0].body.cutoff.at).toBe(true);
    // What the comparison stands on: a figure (1200.50 + 800.25 yuan), a report with its ETag, the bureau's
    // region refused outside it (403), an unknown indicator (404) and a bad period (400) as problem+json.
    expect(batch.body.responses.map((r: { status: number }) => r.status)).toEqual([200, 200, 403, 404, 400, 200]);
    expect(batch.body.responses[0].body.rows[0].value).toBe('2000.75');
    expect(batch.body.responses[1].etag).toBe(alone[1].headers.get('etag'));
    expect(batch.body.responses[2].body.code).toBe('FORBIDDEN');
  });

  it('refuses what is not a batch of reads, naming the field, and asks for a token', async () => {
    const refused = async (requests: unknown) => {
      const r = await server.request('POST', '/v1/batch', { token: admin, body: { requests } });
      return [r.status, r.body.errors?.[0]?.path];
    };
    expect(await refused([])).toEqual([400, 'requests']);
    expect(await refused(['/v1/batch'])).toEqual([400, 'requests']);
    expect(await refused(['/health'])).toEqual([400, 'requests']);
    expect(await refused(['https://elsewhere.example/v1/statistics'])).toEqual([400, 'requests']);
    expect(await refused(Array.from({ length: 51 }, () => '/v1/statistics'))).toEqual([400, 'requests']);
    expect(await refused('/v1/statistics')).toEqual([400, 'requests']);
    expect((await server.request('POST', '/v1/batch', { body: { requests: ['/v1/statistics'] } })).status).toBe(401);
  });
});
