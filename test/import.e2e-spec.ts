import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatFen, withUsccCheckCharacter } from '../libs/domain/src/index.js';
import { figuresOf, ServerProcess } from './support/server.js';

/**
 * Issue 4 acceptance 4: a 100,000-line NDJSON import beside the running server, through the API's
 * command handlers; bad lines are reported one by one and the good ones stored.
 */
/** A 100,000-line import shares two cores with the other suites: give it room rather than flake. */
const LONG = 600_000;

describe('bulk import', () => {
  let server: ServerProcess;
  const dir = mkdtempSync(join(tmpdir(), 'fuju-import-'));
  const ENTERPRISES = 2000;
  const MONTHS = 49; // 2022-01 .. 2026-01
  const enterprises = Array.from({ length: ENTERPRISES }, (_, i) => withUsccCheckCharacter(`91330106MA${String(2000000 + i).padStart(7, '0')}`));
  const period = (m: number) => `${2022 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
  const revenueFen = (e: number, m: number) => 500_000 + e * 7 + (m % 5) * 3;

  const lines: string[] = [];
  const bad = new Map<number, string>(); // line number → expected code
  for (const [e, uscc] of enterprises.entries()) {
    lines.push(JSON.stringify({ command: 'registerEnterprise', uscc, name: `导入企业${e}`, regionCode: '330106', segment: 'distribution', productClasses: ['12'], registeredOn: '2021-06-01' }));
    for (let m = 0; m < MONTHS; m++)
      lines.push(JSON.stringify({ command: 'fileMonthlyReport', uscc, period: period(m), revenue: formatFen(revenueFen(e, m)), taxPaid: '100.00', employees: 10 }));
  }
  // Replace some lines with bad ones: each must be rejected with its reason, the rest stored.
  // Line index i belongs to enterprise ⌊i / 50⌋; index % 50 = 0 is its registration, else month (index % 50) − 1.
  const spoil = (index: number, make: (uscc: string, period: string) => string, code: string) => {
    const e = Math.floor(index / 50);
    lines[index] = make(enterprises[e], period((index % 50) - 1));
    bad.set(index + 1, code);
  };
  const filing = (over: Record<string, unknown>) => (uscc: string, p: string) =>
    JSON.stringify({ command: 'fileMonthlyReport', uscc, period: p, revenue: '5000.00', taxPaid: '100.00', employees: 10, ...over });
  spoil(5, () => '{"command": "fileMonthlyReport", "uscc": ', 'VALIDATION_FAILED');
  spoil(121, filing({ revenue: '-1.00' }), 'VALIDATION_FAILED');
  spoil(231, filing({ revenue: '1.005' }), 'VALIDATION_FAILED');
  spoil(777, () => JSON.stringify({ command: 'launchRocket' }), 'VALIDATION_FAILED');
  spoil(901, filing({ bonus: 1 }), 'VALIDATION_FAILED');
  spoil(1501, filing({ period: '2099-01' }), 'VALIDATION_FAILED');
  spoil(2222, filing({ taxPaid: '9999.00' }), 'EXPLANATION_REQUIRED');
  spoil(3333, filing({ employees: 1.5 }), 'VALIDATION_FAILED');
  // A registration with a wrong check character: the enterprise never exists, so its 49 filings are refused too.
  spoil(400, () => JSON.stringify({ command: 'registerEnterprise', uscc: '91330106MA00000000', name: 'x', regionCode: '330106', segment: 'other', productClasses: [], registeredOn: '2021-01-01' }), 'VALIDATION_FAILED');
  for (let m = 1; m <= MONTHS; m++) bad.set(400 + m + 1, 'NOT_FOUND');
  const rejectedLines = [...bad.entries()].sort(([a], [b]) => a - b);
  const file = join(dir, 'monthly-2022-2026.ndjson');
  writeFileSync(file, `${lines.join('\n')}\n`);

  beforeAll(async () => {
    server = await ServerProcess.start();
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('imports 100,000 lines with a progress bar and a correct summary, rejecting each bad line with its reason', async () => {
    expect(lines).toHaveLength(100_000);
    const run = await server.cli(['import', file, '--actor', 'import:e2e-test']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/import \|[█░]+\| 100% \| 100000\/100000 lines/);
    const accepted = 100_000 - bad.size;
    expect(bad.size).toBe(9 + MONTHS);
    expect(run.stdout).toContain(`lines 100000: ${accepted} accepted, 0 unchanged, ${bad.size} rejected`);
    const rejects = readFileSync(`${file}.rejects.ndjson`, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(rejects.map((r) => [r.line, r.code])).toEqual(rejectedLines);
    expect(rejects.every((r) => typeof r.reason === 'string' && r.reason.length > 5)).toBe(true);
    const byLine = new Map(rejects.map((r) => [r.line, r]));
    expect(byLine.get(122).errors).toEqual([{ path: 'revenue', message: 'must not be negative' }]);
    expect(byLine.get(2223).errors.map((e: { path: string }) => e.path)).toEqual(['tax-exceeds-revenue']);
    expect(byLine.get(401).errors).toEqual([{ path: 'uscc', message: expect.stringContaining('check character') }]);

    await server.waitForProjection();
    // Figures equal the good lines: the enterprise whose registration was spoiled never existed;
    // spoiled filings are missing from the sums.
    let fen = 0n;
    for (const [e] of enterprises.entries())
      for (let m = 0; m < MONTHS; m++) {
        const line = e * 50 + m + 2;
        if (period(m).startsWith('2024') && !bad.has(line)) fen += BigInt(revenueFen(e, m));
      }
    const stats = await server.request('GET', '/v1/statistics/revenue?period=2024&region=330106', { token: await server.token('regulator') });
    expect(figuresOf(stats.body.rows)[0]).toEqual({ value: formatFen(fen), contributors: ENTERPRISES - 1, yoy: expect.any(Number) });
    const event = await server.request('GET', `/v1/enterprises/${enterprises[0]}/reports/2022-01`, { token: await server.token('regulator') });
    expect(event.body.history[0].actor).toBe('import:e2e-test');
  }, LONG);

  it('appends nothing when the same file is imported again', async () => {
    const head = (await server.request('GET', '/health')).body.eventStore.head;
    const run = await server.cli(['import', file, '--actor', 'import:e2e-test']);
    expect(run.stdout).toContain(`lines 100000: 0 accepted, ${100_000 - bad.size} unchanged, ${bad.size} rejected`);
    expect((await server.request('GET', '/health')).body.eventStore.head).toBe(head);
  }, LONG);

  it('imports monthly reports from CSV with the fixed header, and refuses another header', async () => {
    const csv = join(dir, 'reports.csv');
    writeFileSync(csv, `uscc,period,revenue,taxPaid,employees\n${enterprises[0]},2026-02,5000.01,12.00,11\n${enterprises[1]},2026-02,abc,1.00,2\n`);
    const run = await server.cli(['import', csv]);
    expect([run.code, run.stdout]).toEqual([1, expect.stringContaining('lines 2: 1 accepted, 0 unchanged, 1 rejected')]);
    expect(JSON.parse(readFileSync(`${csv}.rejects.ndjson`, 'utf8')).line).toBe(3);
    const wrong = join(dir, 'wrong.csv');
    writeFileSync(wrong, 'uscc,month,revenue\n');
    const refused = await server.cli(['import', wrong]);
    expect([refused.code, refused.stderr]).toEqual([2, expect.stringContaining('the CSV header must be exactly "uscc,period,revenue,taxPaid,employees"')]);
    expect(existsSync(`${wrong}.rejects.ndjson`)).toBe(false);
  }, LONG);
});
