import { withUsccCheckCharacter } from '../libs/domain/src/index.js';
import { inParallel, ServerProcess } from './support/server.js';

/**
 * Issue 20, points 1–3 over HTTP: response rates of every cell, the estimate of each owed month not
 * filed (ratio imputation, its province fallback, carry-forward for flows and for a stock, nothing
 * without history, nothing after deregistration), a late filing superseding its estimate with asOf
 * honest on both sides, and releases flagging estimated cells with response rates and with the
 * estimated enterprises protected by disclosure control. Every expected figure is computed here from
 * the filings the test sends, by the test's own reading of the documented methods.
 */
const uscc = (n: number) => withUsccCheckCharacter(`91330106MA2W1P${String(n).padStart(3, '0')}`);
type Seg = 'manufacturing' | 'distribution';
interface Unit {
  id: string;
  region: string;
  segment: Seg;
  registeredOn: string;
  /** Revenue of 2023 months in fen is base + 100 yuan × month; 2024 is 10% up. */
  base: number;
  employees: number;
  /** Months filed, as [year, month]. */
  files: (y: number, m: number) => boolean;
  deregisteredFrom?: string;
}
const all = () => true;
const specs: Unit[] = [
  { id: 'A', region: '330106', segment: 'manufacturing', registeredOn: '2023-01-01', base: 100_000_00, employees: 50, files: all },
  { id: 'B', region: '330106', segment: 'manufacturing', registeredOn: '2023-01-01', base: 80_000_00, employees: 40, files: all },
  // Misses October to December 2024: ratio imputation from its own 2023 months.
  { id: 'C', region: '330106', segment: 'manufacturing', registeredOn: '2023-01-01', base: 60_000_00, employees: 30, files: (y, m) => y === 2023 || m <= 9 },
  // Registered 2024, misses July to December: no year-earlier value, its June is carried forward.
  { id: 'D', region: '330106', segment: 'manufacturing', registeredOn: '2024-01-01', base: 40_000_00, employees: 20, files: (y, m) => y === 2024 && m <= 6 },
  // Never files: owed, counted as not filing, not estimated (no history).
  { id: 'E', region: '330106', segment: 'manufacturing', registeredOn: '2023-01-01', base: 0, employees: 0, files: () => false },
  // Deregistered from July 2024: nothing owed after June, nothing estimated.
  { id: 'F', region: '330106', segment: 'manufacturing', registeredOn: '2023-01-01', base: 30_000_00, employees: 15, files: (y, m) => y === 2023 || m <= 6, deregisteredFrom: '2024-07' },
  // The only distribution enterprise misses March 2024: no one of its segment filed both Marches, so the province's ratio.
  { id: 'G', region: '330106', segment: 'distribution', registeredOn: '2023-01-01', base: 50_000_00, employees: 25, files: (y, m) => !(y === 2024 && m === 3) },
  // 330108: a large enterprise missing all of 2024 beside three small ones that file everything.
  { id: 'H', region: '330108', segment: 'manufacturing', registeredOn: '2023-01-01', base: 900_000_00, employees: 300, files: (y) => y === 2023 },
  { id: 'I', region: '330108', segment: 'manufacturing', registeredOn: '2023-01-01', base: 10_000_00, employees: 10, files: all },
  { id: 'J', region: '330108', segment: 'manufacturing', registeredOn: '2023-01-01', base: 11_000_00, employees: 11, files: all },
  { id: 'K', region: '330108', segment: 'manufacturing', registeredOn: '2023-01-01', base: 12_000_00, employees: 12, files: all },
];
/** The units with real USCCs; `name` keeps the letter the comments use. */
const units: (Unit & { name: string })[] = specs.map((u, i) => ({ ...u, id: uscc(i + 1), name: u.id }));
const byName = (name: string) => units.find((u) => u.name === name)!;

const revenue = (u: Unit, y: number, m: number) => (y === 2023 ? u.base + m * 100_00 : Math.round(u.base * 1.1) + m * 100_00);
const tax = (u: Unit, y: number, m: number) => Math.floor(revenue(u, y, m) / 20);
const yuan = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
const months = Array.from({ length: 12 }, (_, i) => i + 1);
/** Whether the unit owes the month (registered, not deregistered; 2023–2024 deadlines are long past). */
const owes = (u: Unit, y: number, m: number) => {
  const month = y * 12 + m - 1;
  const [ry, rm] = u.registeredOn.split('-').map(Number);
  const dereg = u.deregisteredFrom ? Number(u.deregisteredFrom.slice(0, 4)) * 12 + Number(u.deregisteredFrom.slice(5)) - 1 : Infinity;
  return month >= ry * 12 + rm - 1 && month < dereg;
};
const filed = (u: Unit, y: number, m: number, late: Set<string>) => owes(u, y, m) && (u.files(y, m) || late.has(`${u.id}|${y}-${m}`));

/** The test's own reading of ratio-yoy v1 for revenue in 2024: province 33 and segment, then province, then 1. */
function revenueEstimate(u: Unit, m: number, late: Set<string>): number | undefined {
  if (filed(u, 2023, m, late)) {
    const pairs = (segment?: Seg) => units.filter((o) => (segment ? o.segment === segment : true) && filed(o, 2024, m, late) && filed(o, 2023, m, late));
    const ratio = (list: Unit[]) => {
      const before = list.reduce((s, o) => s + revenue(o, 2023, m), 0);
      return before > 0 ? list.reduce((s, o) => s + revenue(o, 2024, m), 0) / before : undefined;
    };
    return Math.round(revenue(u, 2023, m) * (ratio(pairs(u.segment)) ?? ratio(pairs()) ?? 1));
  }
  for (let k = 2024 * 12 + m - 2; k >= 2023 * 12; k--) {
    const [y, mm] = [Math.floor(k / 12), (k % 12) + 1];
    if (filed(u, y, mm, late)) return revenue(u, y, mm);
  }
  return undefined;
}

/** Revenue of 2024 with estimates, for units in a region: value, estimated part, contributors, estimated contributors. */
function revenue2024(list: Unit[], late: Set<string>) {
  let value = 0;
  let imputed = 0;
  const contributors = new Set<string>();
  const estimated = new Set<string>();
  for (const u of list)
    for (const m of months) {
      if (!owes(u, 2024, m)) continue;
      if (filed(u, 2024, m, late)) {
        value += revenue(u, 2024, m);
        contributors.add(u.id);
        continue;
      }
      const e = revenueEstimate(u, m, late);
      if (e === undefined) continue;
      value += e;
      imputed += e;
      contributors.add(u.id);
      estimated.add(u.id);
    }
  return { value, imputed, contributors: contributors.size, estimated: estimated.size };
}

/** Response of 2024 for revenue: expected, complete filers, reports, weighted by own 2023 revenue of owed months. */
function response2024(list: Unit[], late: Set<string>) {
  let expected = 0;
  let complete = 0;
  let owed = 0;
  let reports = 0;
  let weightAll = 0;
  let weightFiled = 0;
  for (const u of list) {
    const own = months.filter((m) => owes(u, 2024, m));
    if (!own.length) continue;
    const got = own.filter((m) => filed(u, 2024, m, late));
    const weight = own.reduce((s, m) => s + (filed(u, 2023, m, late) ? revenue(u, 2023, m) : 0), 0);
    expected++;
    owed += own.length;
    reports += got.length;
    weightAll += weight;
    if (got.length === own.length) {
      complete++;
      weightFiled += weight;
    }
  }
  return { expected, filed: complete, rate: round6(complete / expected), weightedRate: weightAll ? round6(weightFiled / weightAll) : null, reportsExpected: owed, reportsFiled: reports };
}

describe('non-response, imputation and response rates (issue 20)', () => {
  let server: ServerProcess;
  let regulator = '';
  let bureau = '';
  const noLate = new Set<string>();
  const get = async (path: string) => {
    const r = await server.request('GET', path, { token: regulator });
    expect([r.status, r.body.errors]).toEqual([200, undefined]);
    return r.body;
  };
  const in330106 = units.filter((u) => u.region === '330106');

  beforeAll(async () => {
    server = await ServerProcess.start();
    const admin = await server.token('admin');
    regulator = await server.token('regulator');
    bureau = await server.token('bureau', { region: '33' });
    for (const u of units)
      expect((await server.request('POST', '/v1/enterprises', { token: admin, body: { uscc: u.id, name: `推算${u.id.slice(-4)}`, regionCode: u.region, segment: u.segment, productClasses: [], registeredOn: u.registeredOn } })).status).toBe(201);
    const filings: [Unit, number, number][] = [];
    for (const u of units) for (const y of [2023, 2024]) for (const m of months) if (filed(u, y, m, noLate)) filings.push([u, y, m]);
    await inParallel(filings, 8, async ([u, y, m]) => {
      const body = { revenue: yuan(revenue(u, y, m)), taxPaid: yuan(tax(u, y, m)), employees: u.employees };
      const r = await server.request('PUT', `/v1/enterprises/${u.id}/reports/${y}-${String(m).padStart(2, '0')}`, { token: bureau, body });
      expect([r.status, r.body.errors]).toEqual([201, undefined]);
    });
    const f = byName('F');
    expect((await server.request('POST', `/v1/enterprises/${f.id}/deregistrations`, { token: admin, body: { effectiveFrom: f.deregisteredFrom, reason: '企业已注销，停止经营' } })).status).toBe(201);
    await server.waitForProjection();
  }, 240_000);

  afterAll(async () => {
    await server?.stop();
  });

  /** Filed revenue of a year in a list of units. */
  const filedRevenue = (list: Unit[], y: number, late = noLate) => list.reduce((s, u) => s + months.reduce((t, m) => t + (filed(u, y, m, late) ? revenue(u, y, m) : 0), 0), 0);
  const filers = (list: Unit[], y: number, late = noLate) => list.filter((u) => months.some((m) => filed(u, y, m, late))).length;

  it('answers filed figures by default, with each cell’s response rates', async () => {
    const body = await get('/v1/statistics/revenue?period=2024&region=330106');
    expect(body.imputation).toEqual({ mode: 'none', method: null });
    expect(body.rows).toEqual([
      {
        value: yuan(filedRevenue(in330106, 2024)),
        contributors: filers(in330106, 2024),
        yoy: round6(filedRevenue(in330106, 2024) / filedRevenue(in330106, 2023) - 1),
        response: response2024(in330106, noLate),
      },
    ]);
  });

  it('estimates each owed month not filed: ratio, the province’s ratio, carry-forward, nothing without history or after deregistration', async () => {
    const body = await get('/v1/statistics/revenue?period=2024&region=330106&imputation=include');
    expect(body.imputation.mode).toBe('include');
    expect([body.imputation.method.id, body.imputation.method.version]).toEqual(['ratio-yoy', 1]);
    const now = revenue2024(in330106, noLate);
    // 2023 with estimates: E owed every month but has no history, so nothing is estimated; the rest filed.
    expect(body.rows).toEqual([
      {
        value: yuan(now.value),
        imputed: yuan(now.imputed),
        contributors: now.contributors,
        imputedContributors: now.estimated,
        yoy: round6(now.value / filedRevenue(in330106, 2023) - 1),
        response: response2024(in330106, noLate),
      },
    ]);
    // Each path on its own: C (ratio within its segment), D (carry-forward of June), G (the province's ratio).
    const bySegment = await get('/v1/statistics/revenue?period=2024&region=330106&imputation=include&groupBy=segment');
    const cell = (segment: Seg) => bySegment.rows.find((r: { segment: string }) => r.segment === segment);
    const g = revenue2024([byName('G')], noLate);
    expect([cell('distribution').value, cell('distribution').imputed]).toEqual([yuan(g.value), yuan(g.imputed)]);
    const gMarch = Math.round(revenue(byName('G'), 2023, 3) * (['A', 'B', 'C', 'F', 'I', 'J', 'K'].reduce((s, n) => s + revenue(byName(n), 2024, 3), 0) / ['A', 'B', 'C', 'F', 'I', 'J', 'K'].reduce((s, n) => s + revenue(byName(n), 2023, 3), 0)));
    expect(g.imputed).toBe(gMarch); // the test's two readings agree: F (deregistered later) filed March too
    const monthly = await get(`/v1/statistics/revenue?from=2024-10&to=2024-12&granularity=month&region=330106&groupBy=segment&imputation=include`);
    const c = byName('C');
    const d = byName('D');
    // Province 33, manufacturing, both Octobers (…Decembers) filed: A, B and 330108's I, J, K (H missed 2024).
    const ratio = (m: number) => ['A', 'B', 'I', 'J', 'K'].reduce((s, n) => s + revenue(byName(n), 2024, m), 0) / ['A', 'B', 'I', 'J', 'K'].reduce((s, n) => s + revenue(byName(n), 2023, m), 0);
    const manufacturing = monthly.rows.filter((r: { segment: string }) => r.segment === 'manufacturing');
    expect(manufacturing.map((r: { period: string; imputed: string }) => [r.period, r.imputed])).toEqual(
      [10, 11, 12].map((m) => [`2024-${m}`, yuan(Math.round(revenue(c, 2023, m) * ratio(m)) + revenue(d, 2024, 6))]),
    );
  });

  it('carries a stock forward from the last filed month', async () => {
    const body = await get('/v1/statistics/employment?period=2024&region=330106&imputation=include');
    expect(body.imputation.method).toMatchObject({ id: 'carry-forward', version: 1 });
    // At December (June for F, deregistered from July): C's September and D's June are carried forward; E has none.
    const headcount = (names: string[]) => names.reduce((s, n) => s + byName(n).employees, 0);
    expect([body.rows[0].value, body.rows[0].imputed, body.rows[0].contributors, body.rows[0].imputedContributors]).toEqual([
      headcount(['A', 'B', 'C', 'D', 'F', 'G']),
      headcount(['C', 'D']),
      6,
      2,
    ]);
  });

  it('lets a late filing supersede its estimate, and keeps asOf honest before it', async () => {
    const before = await get('/v1/statistics/revenue?period=2024-12&region=330106&imputation=include');
    const beforeLate = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 20));
    const c = byName('C');
    const late = new Set([`${c.id}|2024-12`]);
    const r = await server.request('PUT', `/v1/enterprises/${c.id}/reports/2024-12`, { token: bureau, body: { revenue: yuan(revenue(c, 2024, 12)), taxPaid: yuan(tax(c, 2024, 12)), employees: c.employees } });
    expect(r.status).toBe(201);
    await server.waitForProjection();
    const month = (list: Unit[], l: Set<string>) => {
      let value = 0;
      let imputed = 0;
      for (const u of list) {
        if (!owes(u, 2024, 12)) continue;
        if (filed(u, 2024, 12, l)) value += revenue(u, 2024, 12);
        else {
          const e = revenueEstimate(u, 12, l);
          if (e !== undefined) (value += e), (imputed += e);
        }
      }
      return [yuan(value), yuan(imputed)];
    };
    const then = await get(`/v1/statistics/revenue?period=2024-12&region=330106&imputation=include&asOf=${beforeLate}`);
    const after = await get('/v1/statistics/revenue?period=2024-12&region=330106&imputation=include');
    expect([before.rows[0].value, before.rows[0].imputed]).toEqual(month(in330106, noLate));
    expect([then.rows[0].value, then.rows[0].imputed]).toEqual(month(in330106, noLate));
    expect([after.rows[0].value, after.rows[0].imputed]).toEqual(month(in330106, late));
    // C's own December: estimated before, filed after; D's carried June stays estimated.
    expect(month(in330106, late)[1]).toBe(yuan(revenue(byName('D'), 2024, 6)));
    expect([then.rows[0].response.reportsFiled + 1, then.rows[0].response.reportsExpected]).toEqual([after.rows[0].response.reportsFiled, after.rows[0].response.reportsExpected]);
  });

  it('flags estimated release cells, publishes response rates, and protects the estimated enterprises', async () => {
    const admin = await server.token('admin');
    const draft = await server.request('POST', '/v1/releases', {
      token: admin,
      body: { title: '2023年度推算示例（两区营业收入）', period: '2024', region: '3301', tables: [{ indicator: 'revenue', groupBy: 'region', regionLevel: 'county' }] },
    });
    expect(draft.status).toBe(201);
    const published = await server.request('POST', `/v1/releases/${draft.body.releaseId}/publication`, { token: admin });
    expect(published.status).toBe(201);
    const cells = Object.fromEntries(published.body.cells.map((x: any) => [x.total ? 'total' : x.key.region, x]));
    const late = new Set([`${byName('C').id}|2024-12`]);
    const in330108 = units.filter((u) => u.region === '330108');
    // 330108: H's estimate dominates I, J and K (three filers, none above 85% on its own): confidential only because estimates count.
    const h = revenue2024([byName('H')], late);
    const all330108 = revenue2024(in330108, late);
    expect(h.value / all330108.value).toBeGreaterThan(0.85);
    expect(cells['330108'].value).toBeNull();
    expect(cells['330108'].flags).toEqual(expect.arrayContaining(['confidential', 'estimated']));
    // Its response: 4 expected, 3 filed everything; one non-filer would be singled out by a weighted rate.
    expect(cells['330108'].response).toEqual({ expected: 4, filed: 3, rate: 0.75, weightedRate: null });
    // Secondary suppression hides 330106 too (two cells under a published total); its response is public, its weighted rate not (hidden cell).
    const r106 = response2024(in330106, late);
    expect(cells['330106'].response).toEqual({ expected: r106.expected, filed: r106.filed, rate: r106.rate, weightedRate: null });
    const total = revenue2024([...in330106, ...in330108], late);
    const rTotal = response2024([...in330106, ...in330108], late);
    expect(cells.total.value).toBe(yuan(total.value));
    expect(cells.total.flags).toEqual(expect.arrayContaining(['estimated']));
    expect(cells.total.response).toEqual({ expected: rTotal.expected, filed: rTotal.filed, rate: rTotal.rate, weightedRate: rTotal.weightedRate });
  });
});
