import { withUsccCheckCharacter } from '../libs/domain/src/index.js';
import { ServerProcess } from './support/server.js';

/**
 * Issue 21, point 5 over HTTP: problem+json in Chinese when Accept-Language prefers it (q-values
 * honoured, regional tags counted), English otherwise, and a configurable default — with the same
 * codes, statuses and field paths in either language.
 */
const USCC = withUsccCheckCharacter('91330106MA2E00001');

describe('error messages in Chinese and English (issue 21, point 5)', () => {
  let server: ServerProcess;
  let chinese: ServerProcess;
  let bureau = '';

  beforeAll(async () => {
    [server, chinese] = await Promise.all([ServerProcess.start(), ServerProcess.start({ env: { DEFAULT_LANGUAGE: 'zh' } })]);
    const admin = await server.token('admin');
    bureau = await server.token('bureau', { region: '33' });
    const r = await server.request('POST', '/v1/enterprises', { token: admin, body: { uscc: USCC, name: '杭州语言测试有限公司', regionCode: '330106', segment: 'manufacturing', productClasses: [], registeredOn: '2024-01-01' } });
    expect(r.status).toBe(201);
    for (const [period, revenue] of [['2024-01', '1000.00'], ['2025-01', '900.00']] as const)
      expect((await server.request('PUT', `/v1/enterprises/${USCC}/reports/${period}`, { token: bureau, body: { revenue, taxPaid: '0.00', employees: 10 } })).status).toBe(201);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([server?.stop(), chinese?.stop()]);
  });

  const badFiling = (target: ServerProcess, token: string, language?: string) =>
    target.request('PUT', `/v1/enterprises/${USCC}/reports/2025-02`, {
      token,
      body: { revenue: '-5.00', taxPaid: '1.001', employees: 10 },
      ...(language ? { headers: { 'accept-language': language } } : {}),
    });

  it('answers in Chinese when Accept-Language prefers it, with the same code and paths', async () => {
    const zh = await badFiling(server, bureau, 'zh-CN,zh;q=0.9,en;q=0.8');
    const en = await badFiling(server, bureau, 'en-US,en;q=0.9');
    expect([zh.status, zh.body.code, zh.headers.get('content-language')]).toEqual([400, 'VALIDATION_FAILED', 'zh']);
    expect([en.status, en.body.code, en.headers.get('content-language')]).toEqual([400, 'VALIDATION_FAILED', 'en']);
    expect(zh.body.errors.map((e: { path: string }) => e.path)).toEqual(en.body.errors.map((e: { path: string }) => e.path));
    expect(zh.body).toMatchObject({
      title: '请求有误',
      detail: '请求未通过校验，未保存任何数据：revenue（不得为负数）；taxPaid（最多保留两位小数）。',
      errors: [
        { path: 'revenue', message: '不得为负数' },
        { path: 'taxPaid', message: '最多保留两位小数' },
      ],
    });
    expect(en.body).toMatchObject({ title: 'Bad request', errors: [{ path: 'revenue', message: 'must not be negative' }, { path: 'taxPaid', message: 'must have at most 2 decimals' }] });
    // q-values decide; a language we do not speak falls back to the default (English here).
    expect((await badFiling(server, bureau, 'en;q=0.5, zh;q=0.8')).body.title).toBe('请求有误');
    expect((await badFiling(server, bureau, 'fr-FR')).body.title).toBe('Bad request');
    expect((await badFiling(server, bureau)).body.title).toBe('Bad request');
    expect((await badFiling(server, bureau, '*')).body.title).toBe('Bad request');
  });

  it('translates every kind of problem: soft edits, not found, forbidden, unauthenticated', async () => {
    const zh = { 'accept-language': 'zh' };
    // Revenue 2025-02 ×4 of January: the month-on-month soft edit.
    const soft = await server.request('PUT', `/v1/enterprises/${USCC}/reports/2025-02`, { token: bureau, body: { revenue: '3600.00', taxPaid: '0.00', employees: 10 }, headers: zh });
    expect([soft.status, soft.body.code, soft.body.title, soft.body.errors]).toEqual([
      422,
      'EXPLANATION_REQUIRED',
      '无法处理的请求',
      [{ path: 'revenue-mom', message: '营业收入超过上月的 3 倍或不足上月的三分之一：须附书面说明' }],
    ]);
    const regulator = await server.token('regulator');
    const missing = await server.request('GET', `/v1/enterprises/${withUsccCheckCharacter('91330106MA2E00002')}`, { token: regulator, headers: zh });
    expect([missing.status, missing.body.code, missing.body.title, missing.body.detail]).toEqual([404, 'NOT_FOUND', '未找到', '未找到所请求的资源。']);
    const other = await server.token('bureau', { region: '44' });
    const forbidden = await server.request('GET', '/v1/statistics/revenue?period=2024&region=33', { token: other, headers: zh });
    expect([forbidden.status, forbidden.body.code, forbidden.body.title]).toEqual([403, 'FORBIDDEN', '无权访问']);
    const anonymous = await server.request('GET', '/v1/statistics/revenue?period=2024', { headers: zh });
    expect([anonymous.status, anonymous.body.code, anonymous.body.title]).toEqual([401, 'UNAUTHENTICATED', '未认证']);
    const period = await server.request('GET', '/v1/statistics/revenue?period=2024-13', { token: bureau, headers: zh });
    expect(period.body.errors).toEqual([{ path: 'period', message: '须为 YYYY、YYYY-Qn 或 YYYY-MM 格式的时期（1990–2099 年）' }]);
  });

  it('answers in Chinese by default when so configured, and in English when asked', async () => {
    const token = await chinese.token('bureau', { region: '33' });
    const plain = await chinese.request('GET', '/v1/statistics/revenue?period=2024-13', { token });
    expect([plain.status, plain.body.title, plain.headers.get('content-language')]).toEqual([400, '请求有误', 'zh']);
    const english = await chinese.request('GET', '/v1/statistics/revenue?period=2024-13', { token, headers: { 'accept-language': 'en' } });
    expect([english.status, english.body.title, english.body.code]).toEqual([400, 'Bad request', plain.body.code]);
  });
});
