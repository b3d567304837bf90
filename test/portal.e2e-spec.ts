import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { withUsccCheckCharacter } from '../libs/domain/src/index.js';
import { launchChromium, signedInPage } from './support/browser.js';
import { ServerProcess } from './support/server.js';

/**
 * Issue 18 acceptance 2, in real Chromium: an enterprise files a month whose revenue trips a soft
 * edit, sees the rule while typing, explains, submits twice in quick succession (one event), gets a
 * receipt; the bureau queries the filing; the enterprise corrects it; the bureau accepts; the queue
 * and the compliance figures follow. No console error; screenshots under test-output/portal/.
 */
const SHOTS = 'test-output/portal';
const UNDER_REVIEW = withUsccCheckCharacter('91330106MA0P00001');
const PERIOD = '2024-05';

describe('filing portal and bureau review in a real browser (issue 18)', () => {
  let server: ServerProcess;
  let browser: Browser;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = await ServerProcess.start();
    const admin = await server.token('admin');
    expect(
      (await server.request('POST', '/v1/enterprises', { token: admin, body: { uscc: UNDER_REVIEW, name: '杭州康复辅具测试有限公司', regionCode: '330106', segment: 'manufacturing', productClasses: ['12'], registeredOn: '2024-01-01' } }))
        .status,
    ).toBe(201);
    const own = await server.token('enterprise', { uscc: UNDER_REVIEW });
    // April: 1,000 yuan. May's 5,000 is more than 3 times that: the revenue-mom soft edit.
    expect((await server.request('PUT', `/v1/enterprises/${UNDER_REVIEW}/reports/2024-04`, { token: own, body: { revenue: '1000.00', taxPaid: '10.00', employees: 10 } })).status).toBe(201);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function as(role: 'enterprise' | 'bureau', hash: string): Promise<Page> {
    const token = role === 'enterprise' ? await server.token('enterprise', { uscc: UNDER_REVIEW }) : await server.token('bureau', { region: '330106' });
    return signedInPage(browser, server, token, hash, { errors: consoleErrors, label: role });
  }
  const report = async () => (await server.request('GET', `/v1/enterprises/${UNDER_REVIEW}/reports/${PERIOD}`, { token: await server.token('bureau', { region: '330106' }) })).body;
  const review = async () => (await server.request('GET', `/v1/enterprises/${UNDER_REVIEW}/reports/${PERIOD}/review`, { token: await server.token('bureau', { region: '330106' }) })).body;

  it('files, queries, corrects and accepts, through the pages', async () => {
    // The enterprise: the form shows the soft edit before anything is sent.
    const enterprise = await as('enterprise', `#/filing?period=${PERIOD}`);
    await enterprise.waitForSelector('#report-form');
    expect(await enterprise.textContent('[data-testid="obligation-summary"]')).toContain('未报');
    await enterprise.fill('input[name="revenue"]', '5000.00');
    await enterprise.fill('input[name="taxPaid"]', '50.00');
    await enterprise.fill('input[name="employees"]', '10');
    await enterprise.waitForSelector('.soft-edit[data-rule="revenue-mom"]');
    expect(await enterprise.$$eval('.soft-edit', (els) => els.map((e) => (e as HTMLElement).dataset.rule))).toEqual(['revenue-mom']);
    await enterprise.fill('input[name="revenue"]', '5000.005');
    await enterprise.waitForFunction(() => document.querySelector('[data-problem="revenue"]')!.textContent!.includes('2 decimals'));
    await enterprise.fill('input[name="revenue"]', '5000.00');
    await enterprise.fill('textarea[data-rule="revenue-mom"]', '五月新签政府采购大单，集中交付轮椅五百台。');
    await enterprise.screenshot({ path: `${SHOTS}/1-enterprise-soft-edit.png`, fullPage: true });
    // Two submissions in quick succession (a double click that gets through): one event.
    await enterprise.evaluate(() => {
      const form = document.getElementById('report-form') as HTMLFormElement;
      form.requestSubmit();
      form.requestSubmit();
    });
    await enterprise.waitForSelector('[data-testid="receipt"]');
    expect(await enterprise.textContent('[data-receipt="revision"]')).toBe('1');
    await enterprise.screenshot({ path: `${SHOTS}/2-enterprise-receipt.png`, fullPage: true });
    let filed = await report();
    expect([filed.revision, filed.history.length, filed.history[0].explanations]).toEqual([1, 1, { 'revenue-mom': '五月新签政府采购大单，集中交付轮椅五百台。' }]);
    await server.waitForProjection();

    // The bureau: the filing waits in its queue, with its soft edit; it asks a question.
    const bureau = await as('bureau', `#/review?period=${PERIOD}`);
    await bureau.waitForSelector(`#queue tr[data-uscc="${UNDER_REVIEW}"]`);
    expect(await bureau.getAttribute(`#queue tr[data-uscc="${UNDER_REVIEW}"]`, 'data-review')).toBe('submitted');
    expect(await bureau.textContent(`#queue tr[data-uscc="${UNDER_REVIEW}"]`)).toContain('主营业务收入超过上月3倍');
    await bureau.click(`#queue tr[data-uscc="${UNDER_REVIEW}"]`);
    await bureau.waitForSelector('.soft-edit[data-rule="revenue-mom"]');
    await bureau.fill('#review-text', '五月收入为四月五倍，请提供采购合同编号。');
    await bureau.click('#do-query');
    await bureau.waitForFunction(() => document.getElementById('review-notice')?.textContent === '已完成。');
    await bureau.screenshot({ path: `${SHOTS}/3-bureau-query.png`, fullPage: true });
    expect((await review()).status).toBe('queried');

    // The enterprise sees the query and corrects the report (the correction closes it).
    await enterprise.goto(`${server.url}/#/filing?period=${PERIOD}`);
    await enterprise.reload();
    await enterprise.waitForSelector('.query[data-query="2024-05-q1"]');
    await enterprise.fill('input[name="revenue"]', '2900.00');
    await enterprise.fill('textarea[name="reason"]', '核对合同后更正：部分货款属六月');
    await enterprise.click('#submit-report');
    await enterprise.waitForSelector('[data-testid="receipt"]');
    expect(await enterprise.textContent('[data-receipt="revision"]')).toBe('2');
    await enterprise.screenshot({ path: `${SHOTS}/4-enterprise-correction.png`, fullPage: true });
    const reviewed = await review();
    expect([reviewed.reportRevision, reviewed.status, reviewed.queries.map((q: any) => q.closedBy)]).toEqual([2, 'submitted', ['correction']]);
    await server.waitForProjection();

    // The bureau accepts; the queue and the compliance figures follow.
    await bureau.reload();
    await bureau.waitForSelector(`#queue tr[data-uscc="${UNDER_REVIEW}"]`);
    await bureau.click(`#queue tr[data-uscc="${UNDER_REVIEW}"]`);
    await bureau.waitForSelector('#do-accept');
    await bureau.click('#do-accept');
    await bureau.waitForFunction(() => document.getElementById('review-notice')?.textContent === '已完成。');
    await server.waitForProjection();
    await bureau.reload();
    await bureau.waitForSelector(`#queue tr[data-uscc="${UNDER_REVIEW}"][data-review="accepted"]`);
    expect(await bureau.textContent('[data-count="accepted"]')).toBe('审核通过 1');
    await bureau.screenshot({ path: `${SHOTS}/5-bureau-accepted.png`, fullPage: true });
    const compliance = await server.request('GET', `/v1/monitoring/filing-compliance?period=${PERIOD}&reviewStatus=true`, { token: await server.token('bureau', { region: '330106' }) });
    expect(compliance.body.summary.reviewStatus).toEqual({ submitted: 0, queried: 0, returned: 0, accepted: 1 });
    // Exactly the events the story made: filed once (two submissions), queried, corrected, accepted.
    const events = await server.request('GET', `/v1/audit/events?streamId=enterprise-${UNDER_REVIEW}`, { token: await server.token('regulator') });
    expect(events.body.events.map((e: any) => e.type)).toEqual(['EnterpriseRegistered', 'MonthlyReportFiled', 'MonthlyReportFiled', 'FilingQueried', 'MonthlyReportCorrected', 'FilingAccepted']);
    expect(consoleErrors).toEqual([]);
  });

  it('uploads months from a CSV with a result per line; the bureau accepts clean filings in bulk and reminds missing filers', async () => {
    const enterprise = await as('enterprise', '#/filing');
    await enterprise.waitForSelector('#csv-file');
    const csv = '\uFEFFperiod,revenue,taxPaid,employees\n2024-06,2800.00,10.00,10\n2024-07,2700.00,10.00,10\n2024-08,abc,1.00,10\n';
    await enterprise.setInputFiles('#csv-file', { name: '我的月报.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await enterprise.waitForSelector('#csv-lines');
    expect(await enterprise.$$eval('#csv-lines tr[data-line]', (rows) => rows.map((r) => [(r as HTMLElement).dataset.line, (r as HTMLElement).dataset.status]))).toEqual([
      ['2', '201'],
      ['3', '201'],
      ['4', '400'],
    ]);
    // The server's reason comes in the page's language (Chinese here).
    expect(await enterprise.textContent('#csv-lines tr[data-line="4"] td:nth-child(3)')).toBe('请求未通过校验，未保存任何数据：revenue（须为十进制金额字符串，如 "1234.50"）。');
    // The same file again files nothing twice.
    await enterprise.setInputFiles('#csv-file', { name: '我的月报.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await enterprise.waitForFunction(() => document.querySelectorAll('#csv-lines tr[data-status="201"]').length === 2);
    await enterprise.screenshot({ path: `${SHOTS}/6-enterprise-csv.png`, fullPage: true });
    await server.waitForProjection();
    const bureau = await as('bureau', '#/review?period=2024-06');
    await bureau.waitForSelector(`#queue tr[data-uscc="${UNDER_REVIEW}"][data-review="submitted"]`);
    await bureau.click('#bulk-accept');
    await bureau.waitForFunction(() => document.getElementById('review-notice')?.textContent === '已审核通过：1');
    await server.waitForProjection();
    await bureau.waitForSelector(`#queue tr[data-uscc="${UNDER_REVIEW}"][data-review="accepted"]`);
    const june = (await server.request('GET', `/v1/enterprises/${UNDER_REVIEW}/reports/2024-06/review`, { token: await server.token('regulator') })).body;
    expect([june.status, june.accepted.reportRevision]).toEqual(['accepted', 1]);
    await bureau.goto(`${server.url}/#/review?period=2024-08`);
    await bureau.waitForSelector(`#queue tr[data-uscc="${UNDER_REVIEW}"][data-filing="missing"]`);
    await bureau.click('#remind');
    await bureau.waitForFunction(() => document.getElementById('review-notice')?.textContent?.startsWith('已催报：1'));
    await bureau.screenshot({ path: `${SHOTS}/7-bureau-reminders.png`, fullPage: true });
    // The enterprise sees the reminder.
    const obligations = (await server.request('GET', `/v1/enterprises/${UNDER_REVIEW}/obligations`, { token: await server.token('enterprise', { uscc: UNDER_REVIEW }) })).body;
    expect(obligations.obligations.filter((o: any) => o.remindedAt).map((o: any) => o.period)).toEqual(['2024-08']);
    expect(consoleErrors.filter((e) => !e.includes('status of 400'))).toEqual([]);
  });
});
