import { withUsccCheckCharacter } from '../libs/domain/src/index.js';
import { inParallel, ServerProcess } from './support/server.js';
import { villagesUnder } from './support/villages.js';

/**
 * Issue 20, point 4 over HTTP: GET /v1/monitoring/consistency. Inputs are made so that every
 * finding occurs — a stock–flow identity of rentals broken by a late return (−1) and two backdated
 * starts (+1 each), one of outlets by a backdated opening, a backdated rental started and returned
 * before the period (no effect), revenue per employee above its cell's usual range and revenue
 * with no employees, an annual report 20% above its months — beside cells where everything holds.
 * Every expected figure is computed here, by the test's own reading of each documented check.
 */
const uscc = (county: string, n: number) => withUsccCheckCharacter(`91${county}MA3C${String(n).padStart(5, '0')}`.slice(0, 17));
const yuan = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
const round2 = (x: number) => Math.round(x * 100) / 100;

const renters = { '440303': uscc('440303', 1), '440304': uscc('440304', 2) } as const;
type County = keyof typeof renters;
const community = (county: County) => villagesUnder(county)[0];

interface Dated {
  id: string;
  county: County;
  from: string;
  to?: string;
  /** Recorded before the opening instant (phase 1) or after it (phase 2); the end's phase. */
  fromLate: boolean;
  toLate?: boolean;
}
const outletsSpec: Dated[] = [
  { id: 'C-O1', county: '440303', from: '2024-01-10', fromLate: false },
  { id: 'C-O2', county: '440304', from: '2024-03-01', fromLate: false },
  // Opened in 2024 but entered after the opening stock was published: +1 on 440304's opening.
  { id: 'C-O3', county: '440304', from: '2024-08-01', fromLate: true },
];
const outletOf = (county: County) => (county === '440303' ? 'C-O1' : 'C-O2');
const rentalsSpec: Dated[] = [
  { id: 'C-R1', county: '440303', from: '2024-05-01', fromLate: false },
  // Known active at the opening instant; its return dated 2024-12-20 is entered later: −1.
  { id: 'C-R2', county: '440303', from: '2024-06-01', fromLate: false, to: '2024-12-20', toLate: true },
  { id: 'C-R3', county: '440303', from: '2025-02-01', fromLate: false },
  { id: 'C-R4', county: '440303', from: '2025-03-01', fromLate: false, to: '2025-04-01', toLate: false },
  { id: 'C-R5', county: '440304', from: '2025-05-01', fromLate: false },
  // Backdated starts entered later: +1 each.
  { id: 'C-R6', county: '440303', from: '2024-11-01', fromLate: true },
  { id: 'C-R8', county: '440303', from: '2024-09-01', fromLate: true },
  // Started and returned before the period, both entered later: no effect on any stock of 2025.
  { id: 'C-R7', county: '440304', from: '2024-10-01', fromLate: true, to: '2024-11-30', toLate: true },
];

/** The test's own reading of the stock–flow check for 2025 with the opening known at the instant between the phases. */
function stockFlow(units: Dated[]) {
  const [start, end] = ['2025-01-01', '2025-12-31'];
  const cells = new Map<string, { opening: number; added: number; removed: number; closing: number; records: { id: string; effect: number }[] }>();
  for (const u of units) {
    const c = cells.get(u.county) ?? { opening: 0, added: 0, removed: 0, closing: 0, records: [] };
    cells.set(u.county, c);
    const endedBefore = (knownOnly: boolean) => u.to !== undefined && u.to < start && (!knownOnly || !u.toLate);
    const openingNow = u.from < start && !endedBefore(false);
    const openingThen = !u.fromLate && u.from < start && !endedBefore(true);
    if (openingThen) c.opening++;
    if (u.from >= start && u.from <= end) c.added++;
    if (u.to !== undefined && u.to >= start && u.to <= end) c.removed++;
    if (u.from <= end && !(u.to !== undefined && u.to <= end)) c.closing++;
    if (openingNow !== openingThen) c.records.push({ id: u.id, effect: Number(openingNow) - Number(openingThen) });
  }
  return [...cells.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([county, c]) => ({ county, ...c, difference: c.closing - (c.opening + c.added - c.removed) }));
}

/** Manufacturers of 440305 with their Jan–Mar 2025 months: revenue per month (fen) and headcount. */
const makers = [
  { n: 1, revenue: 100_000_00, employees: 10 },
  { n: 2, revenue: 120_000_00, employees: 12 },
  { n: 3, revenue: 90_000_00, employees: 8 },
  { n: 4, revenue: 100_000_00, employees: 11 },
  { n: 5, revenue: 95_000_00, employees: 9 },
  // Far above the cell's usual range.
  { n: 6, revenue: 400_000_00, employees: 2 },
  // Revenue with no employees at all.
  { n: 7, revenue: 50_000_00, employees: 0 },
].map((m) => ({ ...m, uscc: uscc('440305', 10 + m.n) }));
const MONTHS = ['2025-01', '2025-02', '2025-03'];

/** Quantile by linear interpolation between order statistics, h = (n − 1)p. */
function quantile(sorted: number[], p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

describe('consistency checks before publishing (issue 20, point 4)', () => {
  let server: ServerProcess;
  let regulator = '';
  let opening = '';
  const check = async (query: string) => {
    const r = await server.request('GET', `/v1/monitoring/consistency?${query}`, { token: regulator });
    expect([r.status, r.body.errors]).toEqual([200, undefined]);
    return r.body;
  };

  beforeAll(async () => {
    server = await ServerProcess.start();
    const admin = await server.token('admin');
    regulator = await server.token('regulator');
    const bureau = await server.token('bureau', { region: '44' });
    for (const [county, id] of Object.entries(renters))
      expect((await server.request('POST', '/v1/enterprises', { token: admin, body: { uscc: id, name: `租赁${county}`, regionCode: county, segment: 'rental_service', productClasses: [], registeredOn: '2023-06-01' } })).status).toBe(201);
    for (const m of makers)
      expect((await server.request('POST', '/v1/enterprises', { token: admin, body: { uscc: m.uscc, name: `制造${m.n}`, regionCode: '440305', segment: 'manufacturing', productClasses: ['12'], registeredOn: '2024-01-01' } })).status).toBe(201);
    const tokens = new Map<string, string>();
    for (const id of Object.values(renters)) tokens.set(id, await server.token('enterprise', { uscc: id }));
    const openOutlet = async (o: Dated) =>
      expect((await server.request('POST', '/v1/outlets', { token: tokens.get(renters[o.county]), body: { outletId: o.id, uscc: renters[o.county], kind: 'rental_point', communityCode: community(o.county), name: `网点${o.id}`, openedOn: o.from } })).status).toBe(201);
    const startRental = async (r: Dated) =>
      expect(
        (
          await server.request('POST', '/v1/rentals', {
            token: tokens.get(renters[r.county]),
            body: { rentalId: r.id, outletId: outletOf(r.county), productClass: '12 22', traceCode: `T-${r.id}`, beneficiary: 'elderly', startedOn: r.from, monthlyFee: '100.00', monthlySubsidy: '50.00' },
          })
        ).status,
      ).toBe(201);
    const giveBack = async (r: Dated) =>
      expect((await server.request('POST', `/v1/rentals/${r.id}/return`, { token: tokens.get(renters[r.county]), body: { endedOn: r.to, disinfectedOn: r.to } })).status).toBe(201);
    // Phase 1: what was known when the opening stock was published.
    for (const o of outletsSpec.filter((x) => !x.fromLate)) await openOutlet(o);
    for (const r of rentalsSpec.filter((x) => !x.fromLate)) await startRental(r);
    for (const r of rentalsSpec.filter((x) => x.to && !x.toLate)) await giveBack(r);
    await new Promise((r) => setTimeout(r, 20));
    opening = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 20));
    // Phase 2: entered afterwards, dated before the period.
    for (const o of outletsSpec.filter((x) => x.fromLate)) await openOutlet(o);
    for (const r of rentalsSpec.filter((x) => x.fromLate)) await startRental(r);
    for (const r of rentalsSpec.filter((x) => x.to && x.toLate)) await giveBack(r);
    // Monthly reports, and two annual reports of 2025.
    const months = makers.flatMap((m) => MONTHS.map((p) => [m, p] as const));
    await inParallel(months, 8, async ([m, p]) => {
      const r = await server.request('PUT', `/v1/enterprises/${m.uscc}/reports/${p}`, { token: bureau, body: { revenue: yuan(m.revenue), taxPaid: '0.00', employees: m.employees } });
      expect([r.status, r.body.errors]).toEqual([201, undefined]);
    });
    const annual = (fen: number, extra: object = {}) => ({ revenueByClass: { '12': yuan(fen) }, exportRevenue: '0.00', rdSpending: '0.00', employees: 10, ...extra });
    expect((await server.request('PUT', `/v1/enterprises/${makers[0].uscc}/annual-reports/2025`, { token: bureau, body: annual(makers[0].revenue * 3 * 1.2, { explanations: { 'annual-revenue-vs-months': '第四季度未报月报，全年收入包含该季度的销售收入。' } }) })).status).toBe(201);
    expect((await server.request('PUT', `/v1/enterprises/${makers[1].uscc}/annual-reports/2025`, { token: bureau, body: annual(makers[1].revenue * 3) })).status).toBe(201);
    // Exactly 5% above its months: at the boundary, no finding (and no explanation needed).
    expect((await server.request('PUT', `/v1/enterprises/${makers[2].uscc}/annual-reports/2025`, { token: bureau, body: annual((makers[2].revenue * 3 * 105) / 100) })).status).toBe(201);
    await server.waitForProjection();
  }, 240_000);

  afterAll(async () => {
    await server?.stop();
  });

  it('checks the stock–flow identities of rentals and outlets per county, naming the records and enterprises behind each difference', async () => {
    const body = await check(`period=2025&region=4403&openingAsOf=${opening}`);
    expect([body.period, body.region, body.openingKnownAt]).toEqual(['2025', '4403', opening]);
    const [rentals, outlets] = body.checks;
    expect([rentals.id, rentals.version, outlets.id, outlets.version]).toEqual(['rentals-stock-flow', 1, 'outlets-stock-flow', 1]);
    const expectCheck = (got: any, units: Dated[], recordOf: (u: Dated) => object) => {
      const mine = stockFlow(units);
      expect(got.cells).toEqual(mine.map((c) => ({ region: { code: c.county, name: expect.any(String) }, opening: c.opening, added: c.added, removed: c.removed, closing: c.closing, difference: c.difference })));
      expect(got.findings).toEqual(
        mine
          .filter((c) => c.difference !== 0)
          .map((c) => ({
            region: { code: c.county, name: expect.any(String) },
            difference: c.difference,
            enterprises: [renters[c.county as County]],
            records: c.records.sort((a, b) => a.id.localeCompare(b.id)).map((r) => ({ ...recordOf(units.find((u) => u.id === r.id)!), effect: r.effect, recordedAt: expect.any(String) })),
          })),
      );
    };
    const recordOf = (u: Dated) => ({ id: u.id, uscc: renters[u.county], from: u.from, to: u.to ?? null });
    expectCheck(rentals, rentalsSpec, recordOf);
    expectCheck(outlets, outletsSpec, recordOf);
    // The scenario is what the comments say: 440303's rentals are off by +1 (−1 + 1 + 1), 440304's outlets by +1; the rest holds.
    expect(stockFlow(rentalsSpec).map((c) => [c.county, c.difference, c.records.length])).toEqual([
      ['440303', 1, 3],
      ['440304', 0, 0],
    ]);
    expect(stockFlow(outletsSpec).map((c) => [c.county, c.difference])).toEqual([
      ['440303', 0],
      ['440304', 1],
    ]);
    // The late entries were recorded after the opening instant.
    for (const f of [...rentals.findings, ...outlets.findings]) for (const r of f.records) expect(r.recordedAt > opening).toBe(true);
    // With the opening as known now, every identity holds.
    const now = await check(`period=2025&region=4403&openingAsOf=${new Date().toISOString()}`);
    expect([now.checks[0].findings, now.checks[1].findings]).toEqual([[], []]);
    // By default the opening is as known when December 2024 was due (2025-01-15, end of day in China).
    expect((await check('period=2025&region=4403')).openingKnownAt).toBe('2025-01-15T16:00:00.000Z');
  });

  it('finds revenue per employee outside its cell’s usual range, and revenue with no employees', async () => {
    const body = await check('period=2025-Q1&region=440305');
    const range = body.checks[2];
    expect([range.id, range.version]).toEqual(['revenue-per-employee', 1]);
    const ratios = makers.filter((m) => m.employees > 0).map((m) => (m.revenue * 3) / 100 / m.employees).sort((a, b) => a - b);
    const [q1, q3] = [quantile(ratios, 0.25), quantile(ratios, 0.75)];
    const [low, high] = [round2(q1 - 1.5 * (q3 - q1)), round2(q3 + 1.5 * (q3 - q1))];
    expect(range.cells).toEqual([{ province: '44', segment: 'manufacturing', peers: 6, q1: round2(q1), q3: round2(q3), low, high }]);
    const outside = makers.filter((m) => m.employees === 0 || (m.revenue * 3) / 100 / m.employees > high || (m.revenue * 3) / 100 / m.employees < low);
    expect(outside.map((m) => m.n)).toEqual([6, 7]);
    expect(range.findings).toEqual(
      outside
        .sort((a, b) => a.uscc.localeCompare(b.uscc))
        .map((m) => ({
          uscc: m.uscc,
          region: '440305',
          segment: 'manufacturing',
          revenue: (m.revenue * 3) / 100,
          employees: m.employees,
          revenuePerEmployee: m.employees ? round2((m.revenue * 3) / 100 / m.employees) : null,
          low,
          high,
        })),
    );
    // The annual check needs a whole year.
    expect([body.checks[3].applies, body.checks[3].findings]).toEqual([false, []]);
  });

  it('finds annual reports that differ from the sum of their months by more than 5%', async () => {
    const body = await check(`period=2025&region=44&openingAsOf=${opening}`);
    const annual = body.checks[3];
    expect([annual.id, annual.version, annual.applies]).toEqual(['annual-vs-months', 1, true]);
    const m1 = makers[0];
    expect(annual.findings).toEqual([{ uscc: m1.uscc, region: '440305', year: 2025, annualRevenue: (m1.revenue * 3 * 1.2) / 100, monthsRevenue: (m1.revenue * 3) / 100, monthsFiled: 3, difference: 0.2 }]);
    expect(body.summary).toEqual({ checks: 4, findings: body.checks.reduce((n: number, c: { findings: unknown[] }) => n + c.findings.length, 0) });
    // One county off per stock–flow identity, two enterprises out of range, one annual report.
    expect(body.summary.findings).toBe(1 + 1 + 2 + 1);
  });

  it('names bad parameters and keeps a bureau to its region', async () => {
    for (const [query, path] of [
      ['', 'period'],
      ['period=2025-13', 'period'],
      ['period=2025&region=4499', 'region'],
      ['period=2025&openingAsOf=yesterday', 'openingAsOf'],
    ]) {
      const r = await server.request('GET', `/v1/monitoring/consistency?${query}`, { token: regulator });
      expect([query, r.status, r.body.errors?.map((e: { path: string }) => e.path)]).toEqual([query, 400, [path]]);
    }
    const zhejiang = await server.token('bureau', { region: '33' });
    expect((await server.request('GET', '/v1/monitoring/consistency?period=2025&region=44', { token: zhejiang })).status).toBe(403);
    // A bureau naming no region checks its own.
    const own = await server.request('GET', '/v1/monitoring/consistency?period=2025', { token: zhejiang });
    expect([own.status, own.body.region, own.body.summary.findings]).toEqual([200, '33', 0]);
  });
});
