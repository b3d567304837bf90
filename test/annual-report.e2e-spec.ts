import { withUsccCheckCharacter } from '../libs/domain/src/index.js';
import { inParallel, ServerProcess } from './support/server.js';

/**
 * Issue 20, point 5 over HTTP: the annual report (年报) — its hard edits (nothing stored), its soft
 * edits (the 5% rule against the year's months at its boundary, year-end employment against
 * December), correction with a reason, asOf before and after; the new indicators (revenue by product
 * class, export revenue, R&D spending, R&D intensity) with response rates; and releases that protect
 * them (FREQ, dominance judged on R&D spending for the intensity). Every expected figure is computed
 * here from the reports the test sends.
 */
const uscc = (n: number) => withUsccCheckCharacter(`91440106MA2W1Q${String(n).padStart(3, '0')}`);
const M = 100; // fen per yuan
const yuan = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

interface Annual {
  classes: Record<string, number>;
  exportFen: number;
  rdFen: number;
  employees: number;
}
interface Unit {
  name: string;
  region: string;
  segment: 'manufacturing' | 'distribution';
  productClasses: string[];
  y2023: Annual;
  /** Absent: the enterprise does not file its 2024 annual report. */
  y2024?: Annual;
}
const total = (a: Annual) => Object.values(a.classes).reduce((s, v) => s + v, 0);
/** 2023 is 90% of 2024 class by class (R: its own). */
const earlier = (a: Annual): Annual => ({
  classes: Object.fromEntries(Object.entries(a.classes).map(([k, v]) => [k, Math.round(v * 0.9)])),
  exportFen: Math.round(a.exportFen * 0.9),
  rdFen: Math.round(a.rdFen * 0.8),
  employees: a.employees,
});
const unit = (name: string, region: string, productClasses: string[], y2024: Annual): Unit => ({ name, region, segment: 'manufacturing', productClasses, y2023: earlier(y2024), y2024 });
const specs: Unit[] = [
  // P files every month of 2024 (Σ 8,000,000.00) and an annual revenue exactly 5% above: no explanation needed.
  unit('P', '440106', ['12 22', '18 12'], { classes: { '12 22': 6_300_000 * M, '18 12': 2_100_000 * M }, exportFen: 1_000_000 * M, rdFen: 420_000 * M, employees: 105 }),
  // Q: months Σ 1,200,000.00, annual 10% above and year-end headcount 20% above December: both explained.
  unit('Q', '440106', ['12 22'], { classes: { '12 22': 1_000_000 * M, other: 320_000 * M }, exportFen: 0, rdFen: 26_400 * M, employees: 60 }),
  // R owes its 2024 annual report and does not file it.
  { name: 'R', region: '440106', segment: 'distribution', productClasses: ['22'], y2023: { classes: { '22': 700_000 * M }, exportFen: 0, rdFen: 0, employees: 8 } },
  // 440104: S's R&D spending dominates (90%), its revenue does not (a third).
  unit('S', '440104', ['12 22'], { classes: { '12 22': 2_000_000 * M }, exportFen: 500_000 * M, rdFen: 900_000 * M, employees: 40 }),
  unit('T', '440104', ['12 22'], { classes: { '12 22': 2_000_000 * M }, exportFen: 0, rdFen: 50_000 * M, employees: 40 }),
  unit('U', '440104', ['12 22'], { classes: { '12 22': 2_000_000 * M }, exportFen: 0, rdFen: 50_000 * M, employees: 40 }),
  // 440105: three alike.
  unit('V', '440105', ['18 12'], { classes: { '18 12': 500_000 * M }, exportFen: 100_000 * M, rdFen: 20_000 * M, employees: 10 }),
  unit('W', '440105', ['18 12'], { classes: { '18 12': 500_000 * M }, exportFen: 100_000 * M, rdFen: 20_000 * M, employees: 10 }),
  unit('X', '440105', ['18 12'], { classes: { '18 12': 500_000 * M }, exportFen: 100_000 * M, rdFen: 20_000 * M, employees: 10 }),
];
const units = specs.map((u, i) => ({ ...u, id: uscc(i + 1) }));
const byName = (name: string) => units.find((u) => u.name === name)!;
const body = (a: Annual, extra: object = {}) => ({
  revenueByClass: Object.fromEntries(Object.entries(a.classes).map(([k, v]) => [k, yuan(v)])),
  exportRevenue: yuan(a.exportFen),
  rdSpending: yuan(a.rdFen),
  employees: a.employees,
  ...extra,
});
/** P's months: 11 × 666,666.67 + 666,666.63 = 8,000,000.00; Q's: 12 × 100,000.00. */
const monthsOf: Record<string, { revenue: number; employees: number }[]> = {
  P: Array.from({ length: 12 }, (_, i) => ({ revenue: i < 11 ? 66_666_667 : 66_666_663, employees: 100 })),
  Q: Array.from({ length: 12 }, () => ({ revenue: 100_000 * M, employees: 50 })),
};
const Q_EXPLANATIONS = {
  'annual-revenue-vs-months': '年末确认了全年售后服务收入三十二万元，月报未计入该部分收入。',
  'annual-employees-vs-december': '十二月底新招聘的十名员工于年末办理入职，月报统计时点在此之前。',
};

describe('the annual report and its indicators (issue 20, point 5)', () => {
  let server: ServerProcess;
  let regulator = '';
  let bureau = '';
  let admin = '';
  const get = async (path: string) => {
    const r = await server.request('GET', path, { token: regulator });
    expect([r.status, r.body.errors]).toEqual([200, undefined]);
    return r.body;
  };
  const fileAnnual = (u: { id: string }, year: number | string, payload: object) => server.request('PUT', `/v1/enterprises/${u.id}/annual-reports/${year}`, { token: bureau, body: payload });

  beforeAll(async () => {
    server = await ServerProcess.start();
    admin = await server.token('admin');
    regulator = await server.token('regulator');
    bureau = await server.token('bureau', { region: '44' });
    for (const u of units) {
      const r = await server.request('POST', '/v1/enterprises', {
        token: admin,
        body: { uscc: u.id, name: `年报${u.name}企业`, regionCode: u.region, segment: u.segment, productClasses: u.productClasses, registeredOn: '2023-01-01' },
      });
      expect(r.status).toBe(201);
    }
    const months = Object.entries(monthsOf).flatMap(([name, list]) => list.map((m, i) => [byName(name), i + 1, m] as const));
    await inParallel(months, 8, async ([u, m, f]) => {
      const r = await server.request('PUT', `/v1/enterprises/${u.id}/reports/2024-${String(m).padStart(2, '0')}`, { token: bureau, body: { revenue: yuan(f.revenue), taxPaid: '0.00', employees: f.employees } });
      expect([r.status, r.body.errors]).toEqual([201, undefined]);
    });
    await inParallel(units, 4, async (u) => expect((await fileAnnual(u, 2023, body(u.y2023))).status).toBe(201));
  }, 240_000);

  afterAll(async () => {
    await server?.stop();
  });

  it('rejects bad annual reports naming each field, and stores nothing', async () => {
    const p = byName('P');
    const revision = (await get(`/v1/enterprises/${p.id}`)).revision;
    const good = body(p.y2024!);
    const cases: [string | number, object, string[]][] = [
      [2026, good, ['year']], // the year has not ended (China time, 2026-12)
      ['20x4', good, ['year']],
      [2022, good, ['year']], // before the registration year
      [2024, { ...good, exportRevenue: '0.00', revenueByClass: { '12 22': '100.00', '15': '5.00' } }, ['revenueByClass.15']], // not declared
      [2024, { ...good, exportRevenue: '0.00', revenueByClass: { abc: '1.00' } }, ['revenueByClass.abc']],
      [2024, { ...good, revenueByClass: {} }, ['revenueByClass']],
      [2024, { ...good, exportRevenue: yuan(total(p.y2024!) + 1) }, ['exportRevenue']],
      [2024, { ...good, rdSpending: '-1.00' }, ['rdSpending']],
      [2024, { ...good, employees: 1.5 }, ['employees']],
      [2024, { ...good, exportRevenue: '0.00', revenueByClass: { '12 22': '1.001' } }, ['revenueByClass.12 22']],
    ];
    for (const [year, payload, paths] of cases) {
      const r = await fileAnnual(p, year, payload);
      expect([year, r.status, r.headers.get('content-type')]).toEqual([year, 400, expect.stringContaining('application/problem+json')]);
      expect([year, (r.body.errors as { path: string }[]).map((e) => e.path).sort()]).toEqual([year, paths]);
    }
    expect((await server.request('GET', `/v1/enterprises/${p.id}/annual-reports/2024`, { token: regulator })).status).toBe(404);
    expect((await get(`/v1/enterprises/${p.id}`)).revision).toBe(revision);
  });

  it('applies the soft edits: exactly 5% passes, more needs an explanation, as does year-end employment off December', async () => {
    const p = byName('P');
    const q = byName('Q');
    const sumP = monthsOf.P.reduce((s, m) => s + m.revenue, 0);
    expect(total(p.y2024!) * 100).toBe(sumP * 105); // the boundary: 5% exactly
    expect((await fileAnnual(p, 2024, body(p.y2024!))).status).toBe(201);
    const refused = await fileAnnual(q, 2024, body(q.y2024!));
    expect(refused.status).toBe(422);
    expect(refused.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['annual-employees-vs-december', 'annual-revenue-vs-months']);
    expect((await fileAnnual(q, 2024, body(q.y2024!, { explanations: { ...Q_EXPLANATIONS, 'annual-revenue-vs-months': '核实无误' } }))).status).toBe(422);
    expect((await fileAnnual(q, 2024, body(q.y2024!, { explanations: Q_EXPLANATIONS }))).status).toBe(201);
    await inParallel(
      units.filter((u) => u.y2024 && u.name !== 'P' && u.name !== 'Q'),
      4,
      async (u) => expect((await fileAnnual(u, 2024, body(u.y2024!))).status).toBe(201),
    );
    const view = await get(`/v1/enterprises/${q.id}/annual-reports/2024`);
    expect(view).toMatchObject({
      year: 2024,
      deadline: '2025-03-31T16:00:00.000Z',
      revision: 1,
      revenue: yuan(total(q.y2024!)),
      revenueByClass: { '12 22': '1000000.00', other: '320000.00' },
      exportRevenue: '0.00',
      rdSpending: '26400.00',
      employees: 60,
      explanations: Q_EXPLANATIONS,
      flags: ['explained', 'late'],
      months: { filed: 12, revenue: '1200000.00' },
    });
    // The obligations list the annual reports owed, each year from registration that has ended in China (2023–2025 now).
    const owed = await get(`/v1/enterprises/${q.id}/obligations`);
    const lastEnded = Number(new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 4)) - 1;
    const later = Array.from({ length: lastEnded - 2024 }, (_, i) => 2025 + i);
    expect(owed.annual.map((a: { year: number; deadline: string; status: string; revision: number }) => [a.year, a.deadline, a.status, a.revision])).toEqual([
      [2023, '2024-03-31T16:00:00.000Z', 'late', 1],
      [2024, '2025-03-31T16:00:00.000Z', 'late', 1],
      ...later.map((y) => [y, `${y + 1}-03-31T16:00:00.000Z`, `${y + 1}-03-31T16:00:00.000Z` < new Date().toISOString() ? 'missing' : 'due', 0]),
    ]);
    expect((await get(`/v1/enterprises/${byName('R').id}/obligations`)).annual.map((a: { year: number; status: string }) => [a.year, a.status])).toEqual([
      [2023, 'late'],
      [2024, 'missing'],
      ...later.map((y) => [y, `${y + 1}-03-31T16:00:00.000Z` < new Date().toISOString() ? 'missing' : 'due']),
    ]);
    // An identical resubmission appends nothing.
    const again = await fileAnnual(q, 2024, body(q.y2024!, { explanations: Q_EXPLANATIONS }));
    expect(again.status).toBe(200);
    expect((await get(`/v1/enterprises/${q.id}/annual-reports/2024`)).history).toHaveLength(1);
    await server.waitForProjection();
  });

  /** The test's own sums over the 2024 (or 2023) annual reports of a list of units. */
  const sum = (list: typeof units, year: 2023 | 2024, f: (a: Annual) => number) => list.reduce((s, u) => s + (u[`y${year}`] ? f(u[`y${year}`]!) : 0), 0);
  const inRegion = (prefix: string) => units.filter((u) => u.region.startsWith(prefix));
  const filers = (list: typeof units) => list.filter((u) => u.y2024);

  it('answers revenue by product class, export revenue, R&D spending and intensity, with response rates', async () => {
    const all = inRegion('4401');
    const classes = await get('/v1/statistics/revenue-by-class?period=2024&region=4401&groupBy=productClass');
    expect(classes.imputation).toEqual({ mode: 'none', method: null });
    const classOf = (a: Annual, c: string) => a.classes[c] ?? 0;
    const response = (list: typeof units) => {
      const weight = (u: Unit) => total(u.y2023);
      const expected = list.length;
      const filed = filers(list);
      const all2023 = list.reduce((s, u) => s + weight(u), 0);
      return { expected, filed: filed.length, rate: round6(filed.length / expected), weightedRate: round6(filed.reduce((s, u) => s + weight(u), 0) / all2023), reportsExpected: expected, reportsFiled: filed.length };
    };
    expect(classes.rows).toEqual(
      ['12 22', '18 12', 'other'].map((c) => ({
        productClass: c,
        value: yuan(sum(all, 2024, (a) => classOf(a, c))),
        contributors: filers(all).filter((u) => c in u.y2024!.classes).length,
        yoy: round6(sum(all, 2024, (a) => classOf(a, c)) / sum(all, 2023, (a) => classOf(a, c)) - 1),
        response: response(all),
      })),
    );
    const exports = await get('/v1/statistics/export-revenue?period=2024&region=44&groupBy=region&regionLevel=county');
    expect(exports.rows.map((r: any) => [r.region.code, r.value, r.contributors, r.response.expected, r.response.filed])).toEqual(
      ['440104', '440105', '440106'].map((code) => [code, yuan(sum(inRegion(code), 2024, (a) => a.exportFen)), filers(inRegion(code)).length, inRegion(code).length, filers(inRegion(code)).length]),
    );
    // 440106's weighted response: P and Q's 2023 export over that of P, Q and R (R exported nothing: the same).
    const rd = await get('/v1/statistics/rd-spending?period=2024&region=4401');
    expect(rd.rows).toEqual([
      { value: yuan(sum(all, 2024, (a) => a.rdFen)), contributors: 8, yoy: round6(sum(all, 2024, (a) => a.rdFen) / sum(all, 2023, (a) => a.rdFen) - 1), response: { ...response(all), weightedRate: round6(sum(filers(all), 2023, (a) => a.rdFen) / sum(all, 2023, (a) => a.rdFen)) } },
    ]);
    const intensity = await get('/v1/statistics/rd-intensity?period=2024&region=4401&groupBy=region&regionLevel=county');
    expect(intensity.rows).toEqual(
      ['440104', '440105', '440106'].map((code) => {
        const list = inRegion(code);
        const [rdNow, revNow] = [sum(list, 2024, (a) => a.rdFen), sum(list, 2024, total)];
        // A year earlier every enterprise of the county filed, R included.
        const [rdAll, revAll] = [sum(list, 2023, (a) => a.rdFen), sum(list, 2023, total)];
        return {
          region: { code, name: expect.any(String) },
          value: round6(rdNow / revNow),
          numerator: rdNow / 100,
          denominator: revNow / 100,
          contributors: filers(list).length,
          yoy: round6(round6(rdNow / revNow) / round6(rdAll / revAll) - 1),
          response: response(list),
        };
      }),
    );
  });

  it('asks annual indicators for whole years only and never estimates them', async () => {
    for (const [query, path] of [
      ['period=2024-06', 'period'],
      ['period=2024-Q2', 'period'],
      ['from=2023&to=2024&granularity=month', 'granularity'],
      ['period=2024&imputation=include', 'imputation'],
    ]) {
      const r = await server.request('GET', `/v1/statistics/export-revenue?${query}`, { token: regulator });
      expect([query, r.status, r.body.errors?.map((e: { path: string }) => e.path)]).toEqual([query, 400, [path]]);
    }
    const series = await get('/v1/statistics/export-revenue?from=2023&to=2024&region=4401');
    expect(series.rows.map((r: { period: string; value: string }) => [r.period, r.value])).toEqual([
      ['2023', yuan(sum(inRegion('4401'), 2023, (a) => a.exportFen))],
      ['2024', yuan(sum(inRegion('4401'), 2024, (a) => a.exportFen))],
    ]);
  });

  it('publishes annual tables under disclosure control: FREQ, dominance of R&D spending, secondary suppression, response rates', async () => {
    const draft = await server.request('POST', '/v1/releases', {
      token: admin,
      body: {
        title: '2024年广州市康复辅具企业年报主要指标',
        period: '2024',
        region: '4401',
        tables: [
          { indicator: 'revenue-by-class', groupBy: 'productClass' },
          { indicator: 'rd-intensity', groupBy: 'region', regionLevel: 'county' },
        ],
      },
    });
    expect([draft.status, draft.body.errors]).toEqual([201, undefined]);
    const published = await server.request('POST', `/v1/releases/${draft.body.releaseId}/publication`, { token: admin });
    expect([published.status, published.body.errors]).toEqual([201, undefined]);
    const cell = (table: number, k: string) => published.body.cells.find((c: any) => c.table === table && (k === 'total' ? c.total : c.key.productClass === k || c.key.region === k));
    const all = inRegion('4401');
    // Revenue by class: "other" is Q's alone (FREQ); the smaller class cell goes with it (secondary).
    expect(cell(0, 'other')).toMatchObject({ value: null, flags: ['confidential'] });
    const [c1222, c1812] = [sum(all, 2024, (a) => a.classes['12 22'] ?? 0), sum(all, 2024, (a) => a.classes['18 12'] ?? 0)];
    expect(c1812).toBeLessThan(c1222);
    expect(cell(0, '18 12')).toMatchObject({ value: null, flags: ['confidential'] });
    expect(cell(0, '12 22')).toMatchObject({ value: yuan(c1222), flags: [] });
    expect(cell(0, 'total')).toMatchObject({ value: yuan(sum(all, 2024, total)), flags: [], response: { expected: 9, filed: 8, rate: round6(8 / 9), weightedRate: null } });
    // R&D intensity: 440106 has two reporting enterprises (FREQ); in 440104 S's R&D is 90% of the county's although its revenue is a third.
    const s = byName('S').y2024!;
    expect(s.rdFen / sum(inRegion('440104'), 2024, (a) => a.rdFen)).toBeGreaterThan(0.85);
    expect(total(s) / sum(inRegion('440104'), 2024, total)).toBeLessThan(0.85);
    expect(cell(1, '440106')).toMatchObject({ value: null, flags: ['confidential'], response: { expected: 3, filed: 2, rate: round6(2 / 3), weightedRate: null } });
    expect(cell(1, '440104')).toMatchObject({ value: null, flags: ['confidential'] });
    const v = inRegion('440105');
    expect(cell(1, '440105')).toMatchObject({ value: round6(sum(v, 2024, (a) => a.rdFen) / sum(v, 2024, total)), flags: [], response: { expected: 3, filed: 3, rate: 1, weightedRate: 1 } });
    expect(cell(1, 'total')).toMatchObject({ value: round6(sum(all, 2024, (a) => a.rdFen) / sum(all, 2024, total)), flags: [] });
    // The download carries the same response rates.
    const csv = (await (await fetch(`${server.url}/v1/releases/${draft.body.releaseId}?format=csv`)).text()).trim().split('\n').map((l) => l.split(','));
    const col = (name: string) => csv[0].indexOf(name);
    const row440105 = csv.find((r) => r[col('indicator')] === 'rd-intensity' && r[col('region_code')] === '440105')!;
    expect([col('response_expected'), col('response_filed'), col('response_rate'), col('response_weighted_rate')].map((i) => row440105[i])).toEqual(['3', '3', '1', '1']);
  });

  it('corrects an annual report with a reason; asOf before the correction keeps the figure then known', async () => {
    const p = byName('P');
    const before = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 20));
    const corrected = { ...p.y2024!, exportFen: 1_200_000 * M };
    expect((await fileAnnual(p, 2024, body(corrected))).body.errors.map((e: { path: string }) => e.path)).toEqual(['reason']);
    const r = await fileAnnual(p, 2024, body(corrected, { reason: '审计调整后出口交货值增加二十万元' }));
    expect(r.status).toBe(200);
    await server.waitForProjection();
    const all = inRegion('4401');
    const exportsNow = sum(all, 2024, (a) => a.exportFen) + 200_000 * M;
    expect((await get('/v1/statistics/export-revenue?period=2024&region=4401')).rows[0].value).toBe(yuan(exportsNow));
    expect((await get(`/v1/statistics/export-revenue?period=2024&region=4401&asOf=${before}`)).rows[0].value).toBe(yuan(exportsNow - 200_000 * M));
    const view = await get(`/v1/enterprises/${p.id}/annual-reports/2024`);
    expect([view.revision, view.exportRevenue, view.flags, view.history.map((h: { revision: number; reason?: string }) => [h.revision, h.reason ?? null])]).toEqual([
      2,
      '1200000.00',
      ['revised', 'late'],
      [
        [1, null],
        [2, '审计调整后出口交货值增加二十万元'],
      ],
    ]);
    expect((await get(`/v1/enterprises/${p.id}/annual-reports/2024?asOf=${before}`)).exportRevenue).toBe('1000000.00');
  });
});
