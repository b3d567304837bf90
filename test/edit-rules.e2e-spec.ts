import type { Browser, Page } from 'playwright-core';
import { withUsccCheckCharacter } from '../libs/domain/src/index.js';
import { launchChromium } from './support/browser.js';
import { ServerProcess } from './support/server.js';

/**
 * Issue 18 acceptance 3: the edit rules the browser shows and the server enforces are the same code.
 * One table of cases goes to both: to the module the filing portal loads (/domain/enterprise/
 * report-edits.js, compiled from libs/domain) in real Chromium, and to the server as monthly
 * reports over HTTP. Each case must come out the same: the same hard-edit problems (field and
 * message), the same soft edits triggered, or a clean filing.
 */

interface Case {
  readonly name: string;
  readonly revenue: string;
  readonly taxPaid: string;
  readonly employees: number;
}

/** Every enterprise has filed May 2023 and April 2024 alike; the cases are its May 2024. */
const BASELINE = { revenue: '1000.00', taxPaid: '10.00', employees: 10 };
const CASES: Case[] = [
  { name: 'clean', revenue: '1000.00', taxPaid: '10.00', employees: 10 },
  { name: 'negative revenue', revenue: '-1', taxPaid: '10.00', employees: 10 },
  { name: 'three decimals', revenue: '1.001', taxPaid: '10.00', employees: 10 },
  { name: 'tax not a number', revenue: '1000.00', taxPaid: 'abc', employees: 10 },
  { name: 'fractional headcount', revenue: '1000.00', taxPaid: '10.00', employees: 1.5 },
  { name: 'headcount too large', revenue: '1000.00', taxPaid: '10.00', employees: 2_000_000 },
  { name: 'two bad figures', revenue: 'x', taxPaid: '10.00', employees: -1 },
  { name: 'revenue +60% on last year', revenue: '1600.00', taxPaid: '10.00', employees: 10 },
  { name: 'exactly +50% on last year', revenue: '1500.00', taxPaid: '10.00', employees: 10 },
  { name: 'revenue more than 3 times last month', revenue: '3100.00', taxPaid: '10.00', employees: 10 },
  { name: 'revenue under a third of last month', revenue: '333.00', taxPaid: '1.00', employees: 10 },
  { name: 'headcount +40%', revenue: '1000.00', taxPaid: '10.00', employees: 14 },
  { name: 'tax above revenue', revenue: '1000.00', taxPaid: '2000.00', employees: 10 },
];

type Outcome = { hard: { path: string; message: string }[] } | { soft: string[] } | { clean: true };

describe('edit rules: one code for the browser and the server (issue 18)', () => {
  let server: ServerProcess;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    server = await ServerProcess.start();
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** The browser's verdict: the portal's module, loaded as the portal loads it. */
  const inBrowser = (c: Case): Promise<Outcome> =>
    page.evaluate(
      async ({ c, baseline }) => {
        const rules = await import('/domain/enterprise/report-edits.js' as string);
        const edits = rules.figureEdits(c);
        if (edits.problems.length) return { hard: edits.problems };
        const before = rules.figureEdits(baseline).values;
        const triggered = rules.softEditRuns(edits.values, before, before).filter((r: { triggered: boolean }) => r.triggered).map((r: { id: string }) => r.id);
        return triggered.length ? { soft: triggered } : { clean: true as const };
      },
      { c, baseline: BASELINE },
    );

  /** The server's verdict: the same figures filed over HTTP by an enterprise with the same history. */
  const onServer = async (c: Case, n: number): Promise<Outcome> => {
    const uscc = withUsccCheckCharacter(`91330106MA0E${String(n).padStart(5, '0')}`);
    const admin = await server.token('admin');
    expect((await server.request('POST', '/v1/enterprises', { token: admin, body: { uscc, name: `规则对照企业${n}`, regionCode: '330106', segment: 'other', productClasses: [], registeredOn: '2023-01-01' } })).status).toBe(201);
    const token = await server.token('enterprise', { uscc });
    for (const period of ['2023-05', '2024-04']) expect((await server.request('PUT', `/v1/enterprises/${uscc}/reports/${period}`, { token, body: BASELINE })).status).toBe(201);
    const r = await server.request('PUT', `/v1/enterprises/${uscc}/reports/2024-05`, { token, body: { revenue: c.revenue, taxPaid: c.taxPaid, employees: c.employees } });
    if (r.status === 201) return { clean: true };
    if (r.body.code === 'EXPLANATION_REQUIRED') return { soft: r.body.errors.map((e: { path: string }) => e.path) };
    expect([r.status, r.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    return { hard: r.body.errors };
  };

  it('gives the same verdict in the browser and on the server for every case', async () => {
    const verdicts: [string, Outcome, Outcome][] = [];
    for (const [n, c] of CASES.entries()) verdicts.push([c.name, await inBrowser(c), await onServer(c, n)]);
    for (const [name, browserSays, serverSays] of verdicts) expect([name, browserSays]).toEqual([name, serverSays]);
    // The table covers all three outcomes and every soft-edit rule (a table that cannot disagree proves nothing).
    const kinds = new Set(verdicts.map(([, v]) => Object.keys(v)[0]));
    expect([...kinds].sort()).toEqual(['clean', 'hard', 'soft']);
    const triggered = new Set(verdicts.flatMap(([, v]) => ('soft' in v ? v.soft : [])));
    expect([...triggered].sort()).toEqual(['employees-mom', 'revenue-mom', 'revenue-yoy', 'tax-exceeds-revenue']);
    expect(errors).toEqual([]);
  });
});
