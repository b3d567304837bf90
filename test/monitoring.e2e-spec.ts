import { withUsccCheckCharacter } from '../libs/domain/src/index.js';
import { ServerProcess } from './support/server.js';

/**
 * Issue 4 acceptance 3: filing compliance lists exactly the enterprises left unfiled or filed late.
 * Periods are this month and last month in China, so the deadline rule meets the real clock.
 */
const chinaNow = () => new Date(Date.now() + 8 * 3600_000);
const monthOf = (d: Date) => d.toISOString().slice(0, 7);
const previousMonth = (month: string) => {
  const [y, m] = month.split('-').map(Number);
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
};
/** The 15th of the following month, end of day in China. */
const deadlineOf = (month: string) => {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y, m, 16) - 8 * 3600_000).toISOString();
};

describe('filing compliance and soft-edit flags', () => {
  let server: ServerProcess;
  const current = monthOf(chinaNow());
  const last = previousMonth(current);
  const today = chinaNow().toISOString().slice(0, 10);
  const id = (n: number) => withUsccCheckCharacter(`91330106MA0C0000${n}`);
  const [A, B, C, D, E, F] = [1, 2, 3, 4, 5, 6].map(id);
  const filings: { uscc: string; period: string; recordedAt: string }[] = [];

  beforeAll(async () => {
    server = await ServerProcess.start();
    const admin = await server.token('admin');
    const register = async (uscc: string, registeredOn: string) => {
      const r = await server.request('POST', '/v1/enterprises', {
        token: admin,
        body: { uscc, name: `西湖辅具${uscc.slice(-2)}`, regionCode: '330106', segment: 'distribution', productClasses: ['12'], registeredOn },
      });
      expect(r.status).toBe(201);
    };
    for (const uscc of [A, B, C, D, F]) await register(uscc, '2024-01-01');
    await register(E, today); // registered this month: due for this month only
    expect((await server.request('POST', `/v1/enterprises/${D}/deregistrations`, { token: admin, body: { effectiveFrom: last, reason: '注销' } })).status).toBe(201);
    expect((await server.request('POST', `/v1/enterprises/${F}/relocations`, { token: admin, body: { regionCode: '330108', effectiveFrom: last } })).status).toBe(201);
    const file = async (uscc: string, period: string, body: Record<string, unknown> = {}) => {
      const r = await server.request('PUT', `/v1/enterprises/${uscc}/reports/${period}`, {
        token: await server.token('enterprise', { uscc }),
        body: { revenue: '1000.00', taxPaid: '10.00', employees: 4, ...body },
      });
      expect(r.status).toBe(201);
      filings.push({ uscc, period, recordedAt: r.body.recordedAt });
    };
    // A month long past: filing it now is late whatever today's date is (the late path no longer
    // depends on running after the 15th).
    await file(A, '2024-03');
    await file(A, last);
    await file(F, last);
    await file(A, current);
    await new Promise((r) => setTimeout(r, 10));
    await file(E, current, { taxPaid: '2000.00', explanations: { 'tax-exceeds-revenue': '本月补缴以前年度企业所得税，税金高于收入。' } });
    await server.waitForProjection();
  });

  afterAll(async () => {
    await server?.stop();
  });

  /** Due = registered by the period and not deregistered by it; the rest follows from the test's filings. */
  const expected = (period: string, due: string[], region: (uscc: string) => string, asOf?: string) => {
    const deadline = deadlineOf(period);
    const first = (uscc: string) => filings.filter((f) => f.uscc === uscc && f.period === period && (!asOf || f.recordedAt <= asOf)).map((f) => f.recordedAt).sort()[0];
    const missing = due.filter((u) => !first(u)).sort();
    const late = due.filter((u) => first(u) && first(u)! > deadline).sort();
    return {
      summary: { due: due.length, filed: due.length - missing.length, onTime: due.length - missing.length - late.length, late: late.length, missing: missing.length },
      missing: missing.map((uscc) => ({ uscc, name: `西湖辅具${uscc.slice(-2)}`, regionCode: region(uscc) })),
      late: late.map((uscc) => ({ uscc, name: `西湖辅具${uscc.slice(-2)}`, regionCode: region(uscc), firstFiledAt: first(uscc) })),
      deadline,
    };
  };
  const regionOf = (uscc: string) => (uscc === F ? '330108' : '330106');
  const compliance = async (query: string) => {
    const r = await server.request('GET', `/v1/monitoring/filing-compliance?${query}`, { token: await server.token('bureau', { region: '3301' }) });
    expect(r.status).toBe(200);
    return r.body;
  };

  it('lists last month\'s missing and late filers, without the deregistered enterprise or the one registered since', async () => {
    const body = await compliance(`period=${last}&region=3301`);
    const want = expected(last, [A, B, C, F], regionOf);
    expect({ summary: body.summary, missing: body.missing, late: body.late, deadline: body.deadline }).toEqual(want);
    expect(body.byRegion).toEqual([
      { region: { code: '330106', name: '西湖区' }, due: 3, filed: 1, late: want.late.filter((l) => l.regionCode === '330106').length, missing: 2 },
      { region: { code: '330108', name: '滨江区' }, due: 1, filed: 1, late: want.late.filter((l) => l.regionCode === '330108').length, missing: 0 },
    ]);
    const relocatedOnly = await compliance(`period=${last}&region=330108`);
    expect(relocatedOnly.summary.due).toBe(1);
  });

  it('counts a filing made after its deadline as late, on any day of the month', async () => {
    const body = await compliance('period=2024-03&region=3301');
    // Due in 2024-03: everyone registered by then (D deregistered and F relocated only last month); E registered today.
    const want = expected('2024-03', [A, B, C, D, F], () => '330106');
    expect({ summary: body.summary, missing: body.missing, late: body.late, deadline: body.deadline }).toEqual(want);
    expect([want.summary.late, want.summary.onTime, want.late[0].uscc, body.deadlinePassed]).toEqual([1, 0, A, true]);
  });

  it('lists this month\'s missing filers, and as of an earlier instant counts later filings as missing', async () => {
    const body = await compliance(`period=${current}&region=3301`);
    expect({ summary: body.summary, missing: body.missing, late: body.late, deadline: body.deadline }).toEqual(expected(current, [A, B, C, E, F], regionOf));
    const asOf = filings.find((f) => f.uscc === A && f.period === current)!.recordedAt;
    const earlier = await compliance(`period=${current}&region=3301&asOf=${asOf}`);
    expect(earlier.missing.map((m: { uscc: string }) => m.uscc)).toEqual(expected(current, [A, B, C, E, F], regionOf, asOf).missing.map((m) => m.uscc));
    expect(earlier.missing.map((m: { uscc: string }) => m.uscc)).toContain(E);
  });

  it('lists filings accepted with soft-edit explanations for review', async () => {
    const r = await server.request('GET', `/v1/monitoring/flags?period=${current}&region=3301`, { token: await server.token('regulator') });
    expect([r.status, r.body.flags]).toEqual([200, [
      {
        uscc: E,
        name: `西湖辅具${E.slice(-2)}`,
        regionCode: '330106',
        reportRevision: 1,
        ruleId: 'tax-exceeds-revenue',
        ruleVersion: 1,
        explanation: '本月补缴以前年度企业所得税，税金高于收入。',
        actor: `enterprise:${E}`,
        recordedAt: filings.find((f) => f.uscc === E)!.recordedAt,
      },
    ]]);
  });

  it('refuses a bureau outside the region and a malformed period', async () => {
    const outside = await server.request('GET', `/v1/monitoring/filing-compliance?period=${last}&region=11`, { token: await server.token('bureau', { region: '3301' }) });
    expect([outside.status, outside.body.code]).toEqual([403, 'FORBIDDEN']);
    const bad = await server.request('GET', '/v1/monitoring/filing-compliance?period=2024-13', { token: await server.token('regulator') });
    expect([bad.status, bad.body.errors[0].path]).toEqual([400, 'period']);
  });
});
