import type { Browser, Page } from 'playwright-core';
import { demoInBrowser, launchChromium } from './support/browser.js';
import { ServerProcess } from './support/server.js';

/**
 * Issue 6: the dashboard in a real browser (Debian's chromium through playwright-core) against
 * the embedded stack with the demo data. Screenshots go to test-output/dashboard/.
 */
const SHOTS = 'test-output/dashboard';
const PAGES = ['overview', 'regions', 'rental', 'pilots', 'audit', 'releases'];
const LONG = 300_000;

describe('dashboard in a real browser', () => {
  let server: ServerProcess;
  let browser: Browser;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    ({ server, browser } = await demoInBrowser(SHOTS));
  }, LONG);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function signedIn(role: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(`${role}: ${m.text()}`));
    page.on('pageerror', (e) => consoleErrors.push(`${role}: ${e.message}`));
    await page.goto(server.url);
    await page.click(`[data-role="${role}"]`);
    await page.waitForSelector('.card .value');
    return page;
  }

  const tokenOf = (page: Page) => page.evaluate(() => localStorage.getItem('fuju.token')!);
  const apiAs = async (page: Page, path: string) => (await server.request('GET', path, { token: await tokenOf(page) })).body;
  /** Every chart on the page has a canvas and at least one non-empty series. */
  const chartsRendered = (page: Page) =>
    page.evaluate(() =>
      [...document.querySelectorAll('[data-chart]')].map((el) => {
        const chart = (window as any).echarts.getInstanceByDom(el);
        const series = chart?.getOption().series ?? [];
        return { chart: (el as HTMLElement).dataset.chart, canvas: !!el.querySelector('canvas'), points: Math.max(0, ...series.map((s: any) => (s.data ?? []).filter((d: any) => d !== null && d !== undefined).length)) };
      }),
    );

  async function visit(page: Page, hash: string, ready: string) {
    await page.goto(`${server.url}/${hash}`);
    await page.waitForSelector(ready);
    await page.waitForFunction(() => !document.querySelector('.loading'));
    if (await page.$('[data-testid="error"]')) throw new Error(`${hash}: ${await page.textContent('[data-testid="error"]')}`);
  }

  it('shows every page to a regulator with rendered charts and the API\'s numbers; the asOf slider redraws', async () => {
    const page = await signedIn('regulator');
    const ready: Record<string, string> = {
      overview: '#trend canvas',
      regions: '#region-map canvas',
      rental: '#coverage canvas',
      pilots: '.pilot',
      audit: '#as-of-chart canvas',
      releases: '.release-pivot',
    };
    for (const name of PAGES) {
      await visit(page, `#/${name}`, ready[name]);
      for (const c of await chartsRendered(page)) expect({ name, ...c, ok: c.canvas && c.points > 0 }).toEqual({ name, ...c, ok: true });
      await page.screenshot({ path: `${SHOTS}/regulator-${name}.png`, fullPage: true });
    }
    await visit(page, '#/overview?year=2024', '.card .value');
    const onScreen = await page.getAttribute('[data-indicator="revenue"] .value', 'data-value');
    expect(onScreen).toBe((await apiAs(page, '/v1/statistics/revenue?period=2024')).rows[0].value);

    await visit(page, '#/audit', '#as-of-value');
    const now = await page.getAttribute('#as-of-value', 'data-value');
    expect(now).toBe((await apiAs(page, '/v1/statistics/revenue?period=2024')).rows[0].value);
    await page.$eval('#as-of', (el) => {
      const input = el as HTMLInputElement;
      input.value = '160'; // 2024-06-09: months after May not yet filed then
      input.dispatchEvent(new Event('change'));
    });
    await page.waitForFunction((before) => document.querySelector('#as-of-value')?.getAttribute('data-value') !== before, now);
    const then = await page.getAttribute('#as-of-value', 'data-value');
    expect(Number(then)).toBeLessThan(Number(now));
    expect(then).toBe((await apiAs(page, '/v1/statistics/revenue?period=2024&asOf=2024-06-09T23:59:59.000Z')).rows[0].value);
    await page.screenshot({ path: `${SHOTS}/regulator-audit-asof.png`, fullPage: true });

    await visit(page, '#/releases', '.release-pivot');
    const releases = await apiAs(page, '/v1/releases');
    const release = await apiAs(page, `/v1/releases/${releases[0].releaseId}`);
    const suppressed = release.cells.filter((c: { value: unknown }) => c.value === null).length;
    expect(suppressed).toBeGreaterThan(0);
    expect(await page.$$eval('#cells tr.confidential', (rows) => rows.length)).toBe(suppressed);
    expect(await page.$$eval('#cells td.num', (cells) => cells.map((c) => (c as HTMLElement).dataset.value))).toEqual(
      release.cells.map((c: { value: unknown }) => (c.value === null ? '' : String(c.value))),
    );
    expect(await page.getAttribute('#csv', 'href')).toMatch(/\?format=csv$/);
    await page.close();
  }, LONG);

  it('drills down from the national map to a county by clicking', async () => {
    const page = await signedIn('regulator');
    await visit(page, '#/regions', '#region-table tr.drill');
    for (const expected of ['33', '3301']) {
      await page.click(`#region-table tr.drill[data-code="${expected}"]`);
      await page.waitForSelector(`.breadcrumb[data-region="${expected}"]`);
      await page.waitForSelector('#region-table tbody tr');
    }
    const counties = await page.$$eval('#region-table tbody tr', (rows) => rows.map((r) => (r as HTMLElement).dataset.code));
    expect(counties.length).toBeGreaterThan(0);
    expect(counties.every((c) => c!.length === 6 && c!.startsWith('3301'))).toBe(true);
    await page.screenshot({ path: `${SHOTS}/drilldown-3301.png`, fullPage: true });
    await page.close();
  }, LONG);

  it('shows a bureau its own region and switches every label to English', async () => {
    const page = await signedIn('bureau');
    const card = await page.getAttribute('[data-indicator="employment"] .value', 'data-value');
    expect(Number(card)).toBe((await apiAs(page, '/v1/statistics/employment?period=2025&region=33')).rows[0].value);
    for (const name of ['regions', 'rental', 'pilots']) {
      await visit(page, `#/${name}`, name === 'pilots' ? '.pilot' : 'canvas');
      await page.screenshot({ path: `${SHOTS}/bureau-${name}.png`, fullPage: true });
    }
    expect(await page.$$eval('.pilot', (els) => els.map((e) => (e as HTMLElement).dataset.region))).toEqual(['3304', '3301']);
    const zh = await page.$$eval('#nav a', (links) => links.map((a) => a.textContent));
    await page.click('#lang');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    const en = await page.$$eval('#nav a', (links) => links.map((a) => a.textContent));
    // The audit trail is the regulators' alone: no link for a bureau (issue 14 A.15); review (审核) is the bureau's (issue 18).
    expect(zh).toEqual(['总览', '地区', '分类查询', '社区租赁', '试点', '发布', '审核']);
    expect(en).toEqual(['Overview', 'Regions', 'By dimension', 'Community rental', 'Pilots', 'Releases', 'Review']);
    expect(await page.textContent('h1')).toBe('Assistive Device Industry Statistics');
    expect(await page.textContent('.pilot th')).toBe('Indicator');
    await page.screenshot({ path: `${SHOTS}/bureau-english.png`, fullPage: true });
    await page.goto(`${server.url}/#/audit`);
    await page.waitForSelector('[data-testid="not-for-role"]');
    expect(await page.$('#as-of')).toBeNull();
    await page.close();
    expect(consoleErrors).toEqual([]);
  }, LONG);

  it('sends an expired or refused token back to sign-in, keeping the page for after (issue 14 A.15)', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    const expired = await server.token('regulator', {}, '-1m');
    await page.evaluate((token) => localStorage.setItem('fuju.token', token), expired);
    await page.goto(`${server.url}/#/regions?indicator=tax&region=33`);
    await page.reload(); // a fresh load that starts with the stored (expired) token
    await page.waitForSelector('[data-testid="signin-notice"]');
    expect(await page.evaluate(() => localStorage.getItem('fuju.token'))).toBeNull();
    expect(await page.$('[data-testid="error"]')).toBeNull();
    // Signing in again lands on the deep link, not on the overview.
    await page.click('[data-role="regulator"]');
    await page.waitForSelector('#region-table tbody tr');
    expect(new URL(page.url()).hash).toBe('#/regions?indicator=tax&region=33');
    expect(await page.$eval('#indicator', (el) => (el as HTMLSelectElement).value)).toBe('tax');
    expect(await page.getAttribute('.breadcrumb', 'data-region')).toBe('33');
    expect(errors).toEqual([]);
    await page.close();
  }, LONG);

  it('keeps a deep link through sign-in by token', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(`${server.url}/#/releases`);
    await page.fill('#token', await server.token('regulator'));
    await page.click('#use-token');
    await page.waitForSelector('.release-pivot');
    expect(new URL(page.url()).hash).toBe('#/releases');
    await page.close();
  }, LONG);

  it('opens a permalink of a whole view (indicator, year, span, region, table only) signed out, and lands on that view after sign-in (issue 19)', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const view = '#/regions?indicator=tax&year=2024&span=c6&region=13&show=table';
    await page.goto(`${server.url}/${view}`);
    await page.waitForSelector('#token');
    await page.fill('#token', await server.token('regulator'));
    await page.click('#use-token');
    await page.waitForSelector('#region-table tbody tr');
    expect([new URL(page.url()).hash, await page.textContent('#region-table caption'), await page.inputValue('#show'), await page.getAttribute('.breadcrumb', 'data-region')]).toEqual([view, '2024年 1–6月累计', 'table', '13']);
    await page.close();
  }, LONG);
});

describe('dashboard sign-in on a store without the demo data set', () => {
  it('shows token sign-in only, with no failed request in the console (issue 14 A.15)', async () => {
    const server = await ServerProcess.start({ env: { DEMO: 'off' } });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(server.url);
      await page.waitForSelector('#use-token');
      await page.waitForLoadState('networkidle');
      expect(await page.$$('[data-role]')).toHaveLength(0);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
      await server.stop();
    }
  }, LONG);
});
