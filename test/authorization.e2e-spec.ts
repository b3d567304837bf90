import { withUsccCheckCharacter } from '../libs/domain/src/index.js';
import { ServerProcess } from './support/server.js';
import { villagesUnder } from './support/villages.js';

/**
 * Issue 9: the authorisation matrix. Every route the app registers (read from its OpenAPI
 * document, so a new route without a row fails this test) × every kind of caller.
 * "allow" means neither 401 nor 403 (nor a 5xx); "deny" means 403; no token means 401 unless public.
 */
type Caller = 'none' | 'enterpriseOwn' | 'enterpriseForeign' | 'bureauInside' | 'bureauOutside' | 'regulator' | 'admin';
const CALLERS: Caller[] = ['none', 'enterpriseOwn', 'enterpriseForeign', 'bureauInside', 'bureauOutside', 'regulator', 'admin'];

const OWN = withUsccCheckCharacter('91330106MA2W00001');
const FOREIGN = withUsccCheckCharacter('91330106MA2W00002');
const LEAVING = withUsccCheckCharacter('91330106MA2W00003');
let serial = 0;
const next = () => `${Date.now().toString(36)}-${++serial}`;

interface Row {
  readonly request: (caller: Caller) => { method: string; path: string; body?: unknown };
  /** Callers allowed; 'public' = everyone including no token; 'any' = every authenticated caller. */
  readonly allow: Caller[] | 'public' | 'any';
}

describe('authorisation matrix', () => {
  let server: ServerProcess;
  let community = '';
  const tokens = new Map<Caller, string | undefined>();
  const ids: Record<string, string> = {};

  const call = (caller: Caller, method: string, path: string, body?: unknown) => server.request(method, path, { token: tokens.get(caller), body });

  beforeAll(async () => {
    server = await ServerProcess.start();
    tokens.set('none', undefined);
    tokens.set('enterpriseOwn', await server.token('enterprise', { uscc: OWN }, '2h'));
    tokens.set('enterpriseForeign', await server.token('enterprise', { uscc: FOREIGN }, '2h'));
    tokens.set('bureauInside', await server.token('bureau', { region: '33' }, '2h'));
    tokens.set('bureauOutside', await server.token('bureau', { region: '11' }, '2h'));
    tokens.set('regulator', await server.token('regulator', {}, '2h'));
    tokens.set('admin', await server.token('admin', {}, '2h'));
    community = villagesUnder('330106')[0];
    for (const uscc of [OWN, FOREIGN, LEAVING])
      expect((await call('admin', 'POST', '/v1/enterprises', { uscc, name: `矩阵${uscc.slice(-2)}`, regionCode: '330106', segment: 'rental_service', productClasses: [], registeredOn: '2022-01-01' })).status).toBe(201);
    expect((await call('enterpriseOwn', 'PUT', `/v1/enterprises/${OWN}/reports/2024-01`, { revenue: '100.00', taxPaid: '1.00', employees: 3 })).status).toBe(201);
    for (const id of ['M-O1', 'M-O2'])
      expect((await call('enterpriseOwn', 'POST', '/v1/outlets', { outletId: id, uscc: OWN, kind: 'rental_point', communityCode: community, name: id, openedOn: '2023-01-01' })).status).toBe(201);
    for (const id of ['M-R1', 'M-R2'])
      expect((await call('enterpriseOwn', 'POST', '/v1/rentals', { rentalId: id, outletId: 'M-O1', productClass: '12 22', traceCode: `T-${id}`, beneficiary: 'elderly', startedOn: '2024-01-01', monthlyFee: '10.00', monthlySubsidy: '5.00' })).status).toBe(201);
    expect((await call('admin', 'POST', '/v1/pilots', { regionCode: '3301', name: '浙江省杭州市', batch: 2, startYear: 2021, endYear: 2023, targets: [] })).status).toBe(201);
    await server.waitForProjection();
    const draft = await call('admin', 'POST', '/v1/releases', { title: '矩阵', period: '2024', region: '33', tables: [{ indicator: 'revenue' }] });
    ids.release = draft.body.releaseId;
    expect((await call('admin', 'POST', `/v1/releases/${ids.release}/publication`)).status).toBe(201);
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
  });

  const ENTERPRISE_READERS: Caller[] = ['enterpriseOwn', 'bureauInside', 'regulator', 'admin'];
  const ENTERPRISE_WRITERS: Caller[] = ['enterpriseOwn', 'bureauInside'];
  const FIGURE_READERS: Caller[] = ['bureauInside', 'regulator', 'admin'];
  const REVIEWERS: Caller[] = ['bureauInside', 'admin'];

  const MATRIX: Record<string, Row> = {
    'POST /v1/enterprises': { allow: ['bureauInside', 'admin'], request: () => ({ method: 'POST', path: '/v1/enterprises', body: { uscc: withUsccCheckCharacter(`91330106MA2Y${String(++serial).padStart(5, '0')}`), name: '新企业', regionCode: '330106', segment: 'other', productClasses: [], registeredOn: '2022-01-01' } }) },
    'PUT /v1/enterprises/{uscc}/reports/{period}': { allow: ENTERPRISE_WRITERS, request: () => ({ method: 'PUT', path: `/v1/enterprises/${OWN}/reports/2024-01`, body: { revenue: '100.00', taxPaid: '1.00', employees: 3 } }) },
    'GET /v1/enterprises/{uscc}/reports/{period}': { allow: ENTERPRISE_READERS, request: () => ({ method: 'GET', path: `/v1/enterprises/${OWN}/reports/2024-01` }) },
    'PUT /v1/enterprises/{uscc}/annual-reports/{year}': {
      allow: ENTERPRISE_WRITERS,
      request: () => ({ method: 'PUT', path: `/v1/enterprises/${OWN}/annual-reports/2024`, body: { revenueByClass: { other: '100.00' }, exportRevenue: '0.00', rdSpending: '0.00', employees: 3 } }),
    },
    'GET /v1/enterprises/{uscc}/annual-reports/{year}': { allow: ENTERPRISE_READERS, request: () => ({ method: 'GET', path: `/v1/enterprises/${OWN}/annual-reports/2024` }) },
    // Lists (issue 21): the directory for figure readers; outlets and rentals also for enterprises, each its own.
    'GET /v1/enterprises': { allow: FIGURE_READERS, request: () => ({ method: 'GET', path: '/v1/enterprises?region=33&q=矩阵' }) },
    'GET /v1/outlets': { allow: ['enterpriseOwn', 'enterpriseForeign', ...FIGURE_READERS], request: () => ({ method: 'GET', path: '/v1/outlets?region=33' }) },
    'GET /v1/rentals': { allow: ['enterpriseOwn', 'enterpriseForeign', ...FIGURE_READERS], request: () => ({ method: 'GET', path: '/v1/rentals?region=33' }) },
    'GET /v1/enterprises/{uscc}/obligations': { allow: ENTERPRISE_READERS, request: () => ({ method: 'GET', path: `/v1/enterprises/${OWN}/obligations` }) },
    'GET /v1/enterprises/{uscc}/reports/{period}/review': { allow: ENTERPRISE_READERS, request: () => ({ method: 'GET', path: `/v1/enterprises/${OWN}/reports/2024-01/review` }) },
    // Review (issue 18): the bureau of the region (and admins) query, return and accept; only the enterprise answers.
    'POST /v1/enterprises/{uscc}/reports/{period}/queries': { allow: REVIEWERS, request: () => ({ method: 'POST', path: `/v1/enterprises/${OWN}/reports/2024-01/queries`, body: { question: '收入口径请说明，是否含税？' } }) },
    'POST /v1/enterprises/{uscc}/reports/{period}/queries/{queryId}/answer': {
      allow: ['enterpriseOwn', 'admin'],
      request: () => ({ method: 'POST', path: `/v1/enterprises/${OWN}/reports/2024-01/queries/2024-01-q1/answer`, body: { answer: '收入为不含税销售额，已核对。' } }),
    },
    'POST /v1/enterprises/{uscc}/reports/{period}/returns': { allow: REVIEWERS, request: () => ({ method: 'POST', path: `/v1/enterprises/${OWN}/reports/2024-01/returns`, body: { reason: '税金口径有误，请更正。' } }) },
    'POST /v1/enterprises/{uscc}/reports/{period}/acceptance': { allow: REVIEWERS, request: () => ({ method: 'POST', path: `/v1/enterprises/${OWN}/reports/2024-01/acceptance` }) },
    'GET /v1/review': { allow: FIGURE_READERS, request: () => ({ method: 'GET', path: '/v1/review?period=2024-01&region=33' }) },
    'POST /v1/monitoring/reminders': { allow: REVIEWERS, request: () => ({ method: 'POST', path: '/v1/monitoring/reminders', body: { period: '2024-01', region: '33' } }) },
    'POST /v1/enterprises/{uscc}/relocations': { allow: ['bureauInside', 'admin'], request: () => ({ method: 'POST', path: `/v1/enterprises/${OWN}/relocations`, body: { regionCode: '330106', effectiveFrom: '2024-01' } }) },
    'POST /v1/enterprises/{uscc}/deregistrations': { allow: ['bureauInside', 'admin'], request: () => ({ method: 'POST', path: `/v1/enterprises/${LEAVING}/deregistrations`, body: { effectiveFrom: '2025-01', reason: '注销' } }) },
    'PATCH /v1/enterprises/{uscc}': { allow: ['bureauInside', 'admin'], request: () => ({ method: 'PATCH', path: `/v1/enterprises/${OWN}`, body: { industryCode: '3586' } }) },
    'GET /v1/enterprises/{uscc}': { allow: ENTERPRISE_READERS, request: () => ({ method: 'GET', path: `/v1/enterprises/${OWN}` }) },
    'POST /v1/outlets': { allow: ENTERPRISE_WRITERS, request: () => ({ method: 'POST', path: '/v1/outlets', body: { outletId: `M-${next()}`, uscc: OWN, kind: 'experience_center', communityCode: community, name: '体验馆', openedOn: '2023-02-01' } }) },
    'POST /v1/outlets/{outletId}/closure': { allow: ENTERPRISE_WRITERS, request: () => ({ method: 'POST', path: '/v1/outlets/M-O2/closure', body: { closedOn: '2024-06-30', reason: '撤点' } }) },
    'GET /v1/outlets/{outletId}': { allow: ENTERPRISE_READERS, request: () => ({ method: 'GET', path: '/v1/outlets/M-O1' }) },
    'POST /v1/rentals': { allow: ENTERPRISE_WRITERS, request: () => ({ method: 'POST', path: '/v1/rentals', body: { rentalId: `M-${next()}`, outletId: 'M-O1', productClass: '18 12', traceCode: `T-${next()}`, beneficiary: 'disabled', startedOn: '2024-02-01', monthlyFee: '20.00', monthlySubsidy: '0.00' } }) },
    'POST /v1/rentals/{rentalId}/return': { allow: ENTERPRISE_WRITERS, request: () => ({ method: 'POST', path: '/v1/rentals/M-R2/return', body: { endedOn: '2024-03-01', disinfectedOn: '2024-03-02' } }) },
    'GET /v1/rentals/{rentalId}': { allow: ENTERPRISE_READERS, request: () => ({ method: 'GET', path: '/v1/rentals/M-R1' }) },
    'GET /v1/devices/{traceCode}/history': { allow: ENTERPRISE_READERS, request: () => ({ method: 'GET', path: '/v1/devices/T-M-R1/history' }) },
    'GET /v1/regions/{code}': { allow: 'any', request: () => ({ method: 'GET', path: '/v1/regions/3301' }) },
    'GET /v1/regions': { allow: 'any', request: () => ({ method: 'GET', path: '/v1/regions' }) },
    'GET /v1/product-classes': { allow: 'any', request: () => ({ method: 'GET', path: '/v1/product-classes' }) },
    'POST /v1/pilots': { allow: ['admin'], request: () => ({ method: 'POST', path: '/v1/pilots', body: { regionCode: '3301', name: '浙江省杭州市', batch: 2, startYear: 2021, endYear: 2023, targets: [] } }) },
    'GET /v1/pilots': { allow: ['bureauInside', 'bureauOutside', 'regulator', 'admin'], request: () => ({ method: 'GET', path: '/v1/pilots' }) },
    'POST /v1/pilots/{regionCode}/investments': { allow: ['admin'], request: () => ({ method: 'POST', path: '/v1/pilots/3301/investments', body: { year: 2021, amount: '1.00', source: '矩阵测试' } }) },
    'GET /v1/pilots/{regionCode}': { allow: ['bureauInside', 'bureauOutside', 'regulator', 'admin'], request: () => ({ method: 'GET', path: '/v1/pilots/3301' }) },
    'GET /v1/pilots/{regionCode}/progress': { allow: FIGURE_READERS, request: () => ({ method: 'GET', path: '/v1/pilots/3301/progress' }) },
    'GET /v1/monitoring/filing-compliance': { allow: FIGURE_READERS, request: () => ({ method: 'GET', path: '/v1/monitoring/filing-compliance?period=2024-01&region=33' }) },
    'GET /v1/monitoring/consistency': { allow: FIGURE_READERS, request: () => ({ method: 'GET', path: '/v1/monitoring/consistency?period=2024&region=33' }) },
    'GET /v1/monitoring/flags': { allow: FIGURE_READERS, request: () => ({ method: 'GET', path: '/v1/monitoring/flags?period=2024-01&region=33' }) },
    'POST /v1/releases': { allow: ['bureauInside', 'admin'], request: () => ({ method: 'POST', path: '/v1/releases', body: { title: '矩阵', period: '2024', region: '33', tables: [{ indicator: 'revenue' }] } }) },
    'GET /v1/releases': { allow: 'public', request: () => ({ method: 'GET', path: '/v1/releases' }) },
    'POST /v1/releases/{id}/publication': { allow: ['bureauInside', 'admin'], request: () => ({ method: 'POST', path: `/v1/releases/${ids.release}/publication` }) },
    'GET /v1/releases/{id}/disclosure-audit': { allow: ['regulator'], request: () => ({ method: 'GET', path: `/v1/releases/${ids.release}/disclosure-audit` }) },
    'POST /v1/releases/{id}/discard': { allow: ['bureauInside', 'admin'], request: () => ({ method: 'POST', path: `/v1/releases/${ids.release}/discard`, body: { reason: '矩阵测试撤销' } }) },
    'POST /v1/releases/{id}/revisions': { allow: ['bureauInside', 'admin'], request: () => ({ method: 'POST', path: `/v1/releases/${ids.release}/revisions` }) },
    'GET /v1/releases/{id}': { allow: 'public', request: () => ({ method: 'GET', path: `/v1/releases/${ids.release}` }) },
    'GET /v1/releases/{id}/diff/{otherId}': { allow: 'public', request: () => ({ method: 'GET', path: `/v1/releases/${ids.release}/diff/${ids.release}` }) },
    'GET /v1/releases/{id}/verification': { allow: ['regulator', 'admin'], request: () => ({ method: 'GET', path: `/v1/releases/${ids.release}/verification` }) },
    'GET /v1/audit/events': { allow: ['regulator'], request: () => ({ method: 'GET', path: '/v1/audit/events?limit=5' }) },
    'GET /v1/audit/log': { allow: ['regulator'], request: () => ({ method: 'GET', path: '/v1/audit/log?after=0' }) },
    'GET /v1/audit/vintages': { allow: ['regulator'], request: () => ({ method: 'GET', path: '/v1/audit/vintages?indicator=revenue&period=2024' }) },
    'GET /v1/demo/roles': { allow: 'public', request: () => ({ method: 'GET', path: '/v1/demo/roles' }) },
    'POST /v1/demo/tokens': { allow: 'public', request: () => ({ method: 'POST', path: '/v1/demo/tokens', body: { role: 'admin' } }) },
    // The batch itself is any signed-in caller's; each read inside answers as alone (test/batch.e2e-spec.ts).
    'POST /v1/batch': { allow: 'any', request: () => ({ method: 'POST', path: '/v1/batch', body: { requests: ['/v1/statistics'] } }) },
    'GET /v1/statistics': { allow: ['bureauInside', 'bureauOutside', 'regulator', 'admin'], request: () => ({ method: 'GET', path: '/v1/statistics' }) },
    'GET /v1/statistics/{indicator}': { allow: FIGURE_READERS, request: () => ({ method: 'GET', path: '/v1/statistics/revenue?period=2024&region=33&groupBy=region' }) },
    // Imports (issue 21): any bureau (each line is then checked against its region) and admins; a job's owner reads it.
    'POST /v1/imports': { allow: ['bureauInside', 'bureauOutside', 'admin'], request: () => ({ method: 'POST', path: '/v1/imports', body: {} }) },
    'GET /v1/imports/{id}': { allow: ['bureauInside', 'bureauOutside', 'admin'], request: () => ({ method: 'GET', path: '/v1/imports/no-such-job' }) },
    'GET /v1/imports/{id}/rejects': { allow: ['bureauInside', 'bureauOutside', 'admin'], request: () => ({ method: 'GET', path: '/v1/imports/no-such-job/rejects' }) },
    'GET /v1/sdmx/structure': { allow: 'public', request: () => ({ method: 'GET', path: '/v1/sdmx/structure' }) },
    'GET /health': { allow: 'public', request: () => ({ method: 'GET', path: '/health' }) },
    'POST /v1/admin/rebuilds': { allow: ['admin'], request: () => ({ method: 'POST', path: '/v1/admin/rebuilds' }) },
    'GET /v1/admin/rebuilds/{id}': { allow: ['admin'], request: () => ({ method: 'GET', path: '/v1/admin/rebuilds/no-such-job' }) },
  };

  it('lists every registered route', async () => {
    const doc = (await server.request('GET', '/docs-json')).body;
    const routes = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(routes.sort()).toEqual(Object.keys(MATRIX).sort());
  });

  it.each(Object.keys(MATRIX))('%s answers each caller as the matrix says', async (route) => {
    const row = MATRIX[route];
    const outcomes: Record<string, string> = {};
    const expected: Record<string, string> = {};
    for (const caller of CALLERS) {
      const { method, path, body } = row.request(caller);
      const r = await call(caller, method, path, body);
      const allowed = row.allow === 'public' || (row.allow === 'any' && caller !== 'none') || (Array.isArray(row.allow) && row.allow.includes(caller));
      expected[caller] = allowed ? 'allowed' : caller === 'none' ? '401' : '403';
      outcomes[caller] = r.status >= 500 ? `5xx ${JSON.stringify(r.body)}` : r.status === 401 || r.status === 403 ? String(r.status) : 'allowed';
      if (!allowed) expect(r.body.code).toBe(caller === 'none' ? 'UNAUTHENTICATED' : 'FORBIDDEN');
    }
    expect(outcomes).toEqual(expected);
  });

  it('rejects forged, expired, unsigned and wrong-audience tokens with 401', async () => {
    const { SignJWT } = await import('jose');
    const good = tokens.get('admin')!;
    const [header, payload] = good.split('.');
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
    const forged = `${header}.${payload}.${Buffer.from('not the signature').toString('base64url')}`;
    const expired = await server.token('admin', {}, '-1m');
    const wrongAudience = await new SignJWT({ role: 'admin' }).setProtectedHeader({ alg: 'HS256' }).setIssuer('fuju-ledger').setAudience('someone-else').setExpirationTime('1h').sign(new TextEncoder().encode('x'.repeat(48)));
    for (const token of [unsigned, forged, expired, wrongAudience]) {
      const r = await server.request('GET', '/v1/statistics', { token });
      expect([r.status, r.body.code]).toEqual([401, 'UNAUTHENTICATED']);
    }
  });
});
