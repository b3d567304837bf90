import { withUsccCheckCharacter } from '../libs/domain/src/index.js';
import { ServerProcess } from './support/server.js';

/**
 * Issue 18 acceptance 1: obligations, the review of filings (query, answer, return, accept) with
 * every authorisation case, the bureau's queue, reminders, and release cells provisional while a
 * filing in them is not accepted. Expected values come from this test's own inputs and the
 * filing calendar written out here (the 15th of the next month, end of day in China).
 */
const chinaNow = () => new Date(Date.now() + 8 * 3600_000);
const monthIndex = (m: string) => Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7)) - 1;
const monthLabel = (i: number) => `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
const deadlineOf = (month: string) => {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y, m, 16) - 8 * 3600_000).toISOString();
};

describe('filing review, obligations, the review queue and reminders (issue 18)', () => {
  let server: ServerProcess;
  const current = chinaNow().toISOString().slice(0, 7);
  const first = monthLabel(monthIndex(current) - 4);
  const id = (n: number) => withUsccCheckCharacter(`91330106MA0R0000${n}`);
  // Three enterprises in 330106 (西湖区) and three in 330108 (滨江区), all in Zhejiang.
  const [A, B, C] = [1, 2, 3].map(id);
  const [D, E, F] = [4, 5, 6].map((n) => withUsccCheckCharacter(`91330108MA0R0000${n}`));
  const tokens: Record<string, string> = {};
  const Q1 = ['2024-01', '2024-02', '2024-03'];

  const file = async (uscc: string, period: string, body: Record<string, unknown>, token = tokens[uscc]) =>
    server.request('PUT', `/v1/enterprises/${uscc}/reports/${period}`, { token, body: { taxPaid: '10.00', employees: 5, ...body } });
  const review = (uscc: string, period: string, path: string, token: string, body?: unknown) =>
    server.request('POST', `/v1/enterprises/${uscc}/reports/${period}/${path}`, { token, ...(body === undefined ? {} : { body }) });

  beforeAll(async () => {
    server = await ServerProcess.start();
    const admin = await server.token('admin');
    tokens.bureau = await server.token('bureau', { region: '330106' });
    tokens.city = await server.token('bureau', { region: '3301' });
    tokens.otherBureau = await server.token('bureau', { region: '330108' });
    tokens.regulator = await server.token('regulator');
    for (const uscc of [A, B, C, D, E, F]) {
      tokens[uscc] = await server.token('enterprise', { uscc });
      const r = await server.request('POST', '/v1/enterprises', {
        token: admin,
        body: { uscc, name: `审核测试企业${uscc.slice(-3)}`, regionCode: uscc.slice(2, 8), segment: 'manufacturing', productClasses: ['12'], registeredOn: '2023-06-01' },
      });
      expect(r.status).toBe(201);
    }
    // 2024-Q1, long past its deadlines: every filing counts, none is provisional by date.
    for (const [i, uscc] of [A, B, C, D, E, F].entries()) for (const period of Q1) expect((await file(uscc, period, { revenue: `${1000 + 100 * i}.00` })).status).toBe(201);
    await server.waitForProjection();
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('lists an enterprise’s obligations with deadlines and statuses', async () => {
    const uscc = withUsccCheckCharacter('91330106MA0R00009');
    await server.request('POST', '/v1/enterprises', {
      token: await server.token('admin'),
      body: { uscc, name: '义务测试企业', regionCode: '330106', segment: 'rnd', productClasses: [], registeredOn: `${first}-03` },
    });
    const own = await server.token('enterprise', { uscc });
    // Two months filed now: an old one (late) and this month (before its deadline: filed).
    const old = monthLabel(monthIndex(first) + 1);
    expect((await file(uscc, old, { revenue: '10.00' }, own)).status).toBe(201);
    expect((await file(uscc, current, { revenue: '10.00' }, own)).status).toBe(201);
    const now = new Date().toISOString();
    const r = await server.request('GET', `/v1/enterprises/${uscc}/obligations`, { token: own });
    expect(r.status).toBe(200);
    const expected = Array.from({ length: 5 }, (_, k) => monthLabel(monthIndex(first) + k)).map((period) => ({
      period,
      deadline: deadlineOf(period),
      status: period === old ? 'late' : period === current ? 'filed' : now > deadlineOf(period) ? 'missing' : 'due',
      review: period === old || period === current ? 'submitted' : null,
    }));
    expect(r.body.obligations.map((o: any) => ({ period: o.period, deadline: o.deadline, status: o.status, review: o.review }))).toEqual(expected);
    const count = (s: string) => expected.filter((e) => e.status === s).length;
    expect(r.body.summary).toEqual({ filed: count('filed'), late: count('late'), missing: count('missing'), due: count('due'), openQueries: 0, returned: 0, reminders: 0 });
    // Who may read them: the enterprise, its bureau, regulators; not another enterprise or bureau.
    const status = async (token: string) => (await server.request('GET', `/v1/enterprises/${uscc}/obligations`, { token })).status;
    expect([await status(tokens.bureau), await status(tokens.regulator), await status(tokens[A]), await status(tokens.otherBureau)]).toEqual([200, 200, 403, 403]);
    // As known before its registration, the enterprise did not exist.
    expect((await server.request('GET', `/v1/enterprises/${uscc}/obligations?asOf=2020-01-01T00:00:00Z`, { token: own })).status).toBe(404);
  });

  it('queries, answers, accepts, returns and re-opens review, each by whom it may', async () => {
    const period = '2024-02';
    // Who may query: the bureau of the region (a wider bureau too); not another region's, an enterprise, a regulator.
    const question = { question: '二月收入较一月明显变化，请说明原因。' };
    expect((await review(A, period, 'queries', tokens.otherBureau, question)).status).toBe(403);
    expect((await review(A, period, 'queries', tokens[A], question)).status).toBe(403);
    expect((await review(A, period, 'queries', tokens.regulator, question)).status).toBe(403);
    expect((await review(A, '2024-07', 'queries', tokens.bureau, question)).status).toBe(404); // not filed
    expect((await review(A, period, 'queries', tokens.bureau, { question: '?' })).body.errors.map((e: any) => e.path)).toEqual(['question']);
    const asked = await review(A, period, 'queries', tokens.bureau, question);
    expect([asked.status, asked.body.queryId]).toEqual([201, `${period}-q1`]);
    // Open query: acceptance is refused, naming the query.
    const refused = await review(A, period, 'acceptance', tokens.bureau);
    expect([refused.status, refused.body.code, refused.body.errors.map((e: any) => e.path)]).toEqual([422, 'RULE_VIOLATION', [`${period}-q1`]]);
    // Only the enterprise itself answers.
    const answer = { answer: '二月春节停产一周，订单顺延至三月交付。' };
    expect((await review(A, period, `queries/${period}-q1/answer`, tokens[B], answer)).status).toBe(403);
    expect((await review(A, period, `queries/${period}-q1/answer`, tokens.bureau, answer)).status).toBe(403);
    expect((await review(A, period, `queries/${period}-q9/answer`, tokens[A], answer)).status).toBe(404);
    expect((await review(A, period, `queries/${period}-q1/answer`, tokens[A], answer)).status).toBe(201);
    expect((await review(A, period, `queries/${period}-q1/answer`, tokens[A], answer)).status).toBe(200); // the same answer again: nothing appended
    // Accepted by the city bureau (its region contains 330106); accepting again appends nothing.
    expect((await review(A, period, 'acceptance', tokens.city)).status).toBe(201);
    expect((await review(A, period, 'acceptance', tokens.bureau)).status).toBe(200);
    const reviewOf = async (token: string) => (await server.request('GET', `/v1/enterprises/${A}/reports/${period}/review`, { token })).body;
    let reviewed = await reviewOf(tokens[A]);
    expect(reviewed).toMatchObject({ status: 'accepted', reportRevision: 1, returned: null, accepted: { reportRevision: 1 } });
    expect(reviewed.queries.map((q: any) => [q.queryId, q.question, q.answer, q.closedBy])).toEqual([[`${period}-q1`, question.question, answer.answer, 'answer']]);
    // The review is readable by whoever may read the report, and no one else.
    expect((await server.request('GET', `/v1/enterprises/${A}/reports/${period}/review`, { token: tokens.otherBureau })).status).toBe(403);
    // A correction re-opens review.
    expect((await file(A, period, { revenue: '1111.00', reason: '补录一笔二月销售收入' })).status).toBe(200);
    reviewed = await reviewOf(tokens[A]);
    expect([reviewed.reportRevision, reviewed.status]).toEqual([2, 'submitted']);
    // Returned for correction: not acceptable until corrected; a correction closes the open query and says so.
    expect((await review(A, period, 'queries', tokens.bureau, { question: '更正后的收入依据是什么？请附合同。' })).body.queryId).toBe(`${period}-q2`);
    expect((await review(A, period, 'returns', tokens[A], { reason: '口径不一致，请更正。' })).status).toBe(403);
    expect((await review(A, period, 'returns', tokens.bureau, { reason: '税金口径与收入不一致，请更正。' })).status).toBe(201);
    expect((await review(A, period, 'returns', tokens.bureau, { reason: '税金口径与收入不一致，请更正。' })).status).toBe(200); // already returned
    expect((await review(A, period, 'acceptance', tokens.bureau)).status).toBe(422);
    expect((await file(A, period, { revenue: '1111.00', taxPaid: '11.00', reason: '按退回意见更正税金' })).status).toBe(200);
    await server.waitForProjection();
    const audit = await server.request('GET', `/v1/audit/events?streamId=enterprise-${A}&type=MonthlyReportCorrected`, { token: tokens.regulator });
    expect(audit.body.events.at(-1).data.closesQueries).toEqual([`${period}-q2`]);
    reviewed = await reviewOf(tokens.bureau);
    expect([reviewed.reportRevision, reviewed.status, reviewed.returned, reviewed.queries.map((q: any) => q.closedBy)]).toEqual([3, 'submitted', null, ['answer', 'correction']]);
    expect((await review(A, period, 'acceptance', tokens.bureau)).status).toBe(201);
  });

  it('keeps review idempotent under a replayed Idempotency-Key', async () => {
    const headers = { 'idempotency-key': 'query-B-2024-01' };
    const body = { question: '一月员工人数是否含劳务派遣？请说明。' };
    const once = await server.request('POST', `/v1/enterprises/${B}/reports/2024-01/queries`, { token: tokens.bureau, body, headers });
    const twice = await server.request('POST', `/v1/enterprises/${B}/reports/2024-01/queries`, { token: tokens.bureau, body, headers });
    expect([once.status, twice.status, twice.body]).toEqual([201, 201, once.body]);
    expect(once.body.queryId).toBe('2024-01-q1');
    const reviewed = (await server.request('GET', `/v1/enterprises/${B}/reports/2024-01/review`, { token: tokens.bureau })).body;
    expect(reviewed.queries).toHaveLength(1);
  });

  it('serves the bureau’s queue with filters and paging, and review counts on compliance', async () => {
    await server.waitForProjection();
    const queue = await server.request('GET', '/v1/review?period=2024-01', { token: tokens.bureau });
    expect(queue.status).toBe(200);
    // 330106 owes 2024-01 from A, B, C and the obligations test's enterprise (registered later: not due).
    expect(queue.body.items.map((i: any) => [i.uscc, i.filing, i.review])).toEqual(
      // Waiting first (A, C submitted), then B with its open query; by region and USCC within a status.
      [
        [A, 'late', 'submitted'],
        [C, 'late', 'submitted'],
        [B, 'late', 'queried'],
      ],
    );
    expect(queue.body.counts).toMatchObject({ late: 3, submitted: 2, queried: 1, accepted: 0, missing: 0 });
    const queried = await server.request('GET', '/v1/review?period=2024-01&status=queried', { token: tokens.bureau });
    expect(queried.body.items.map((i: any) => [i.uscc, i.openQueries])).toEqual([[B, 1]]);
    const paged = await server.request('GET', '/v1/review?period=2024-01&page=2&pageSize=2', { token: tokens.bureau });
    expect([paged.body.total, paged.body.items.map((i: any) => i.uscc)]).toEqual([3, [B]]);
    // A bureau reads only its region; regulators everything; enterprises nothing.
    expect((await server.request('GET', '/v1/review?period=2024-01&region=330108', { token: tokens.bureau })).status).toBe(403);
    expect((await server.request('GET', '/v1/review?period=2024-01&region=33', { token: tokens.regulator })).body.total).toBe(6);
    expect((await server.request('GET', '/v1/review?period=2024-01', { token: tokens[A] })).status).toBe(403);
    expect((await server.request('GET', '/v1/review?period=2024-13', { token: tokens.bureau })).body.errors.map((e: any) => e.path)).toEqual(['period']);
    // Compliance with review status: 2024-02 in 330106 has A accepted, B and C submitted.
    const compliance = await server.request('GET', '/v1/monitoring/filing-compliance?period=2024-02&reviewStatus=true', { token: tokens.bureau });
    expect(compliance.body.summary.reviewStatus).toEqual({ submitted: 2, queried: 0, returned: 0, accepted: 1 });
    expect(compliance.body.byRegion.map((r: any) => [r.region.code, r.reviewStatus])).toEqual([['330106', { submitted: 2, queried: 0, returned: 0, accepted: 1 }]]);
  });

  it('reminds missing filers once per month and enterprise; the enterprise sees it', async () => {
    // 2024-04: nobody filed; 330106 owes it from A, B and C.
    const sent = await server.request('POST', '/v1/monitoring/reminders', { token: tokens.bureau, body: { period: '2024-04' } });
    expect([sent.status, sent.body]).toEqual([200, { period: '2024-04', region: '330106', missing: 3, sent: 3, alreadyReminded: 0 }]);
    const again = await server.request('POST', '/v1/monitoring/reminders', { token: tokens.bureau, body: { period: '2024-04' } });
    expect(again.body).toEqual({ period: '2024-04', region: '330106', missing: 3, sent: 0, alreadyReminded: 3 });
    expect((await server.request('POST', '/v1/monitoring/reminders', { token: tokens.bureau, body: { period: '2024-04', region: '330108' } })).status).toBe(403);
    expect((await server.request('POST', '/v1/monitoring/reminders', { token: tokens[A], body: { period: '2024-04' } })).status).toBe(403);
    expect((await server.request('POST', '/v1/monitoring/reminders', { token: tokens.regulator, body: { period: '2024-04' } })).status).toBe(403);
    const obligations = (await server.request('GET', `/v1/enterprises/${A}/obligations`, { token: tokens[A] })).body;
    const april = obligations.obligations.find((o: any) => o.period === '2024-04');
    expect([april.status, typeof april.remindedAt]).toEqual(['missing', 'string']);
    expect(obligations.obligations.filter((o: any) => o.remindedAt).map((o: any) => o.period)).toEqual(['2024-04']);
  });

  it('marks release cells provisional while a filing in them is not accepted', async () => {
    // Accept every 2024-Q1 filing of 330108 (D, E, F); 330106 keeps unaccepted ones (B, C).
    for (const uscc of [D, E, F]) for (const period of Q1) expect((await review(uscc, period, 'acceptance', tokens.otherBureau)).status).toBe(201);
    await server.waitForProjection();
    const admin = await server.token('admin');
    const draft = await server.request('POST', '/v1/releases', {
      token: admin,
      body: { title: '2024年一季度杭州两区营业收入', period: '2024-Q1', region: '3301', tables: [{ indicator: 'revenue', groupBy: 'region', regionLevel: 'county' }] },
    });
    expect(draft.status).toBe(201);
    const published = await server.request('POST', `/v1/releases/${draft.body.releaseId}/publication`, { token: admin });
    expect(published.status).toBe(201);
    const flags = Object.fromEntries(published.body.cells.map((c: any) => [c.total ? 'total' : c.key.region, c.flags]));
    // The test's own sums: 330108 holds D, E, F (1300, 1400, 1500 a month, A's correction is elsewhere).
    const byRegion = Object.fromEntries(published.body.cells.filter((c: any) => !c.total).map((c: any) => [c.key.region, c.value]));
    expect(byRegion['330108']).toBe(`${(1300 + 1400 + 1500) * 3}.00`);
    expect(flags).toEqual({ '330106': ['provisional'], '330108': [], total: ['provisional'] });
  });
});
