import { formatFen, monthIndex, monthLabel, parsePeriod, periodLabelOf, withUsccCheckCharacter, type PeriodKind } from '../libs/domain/src/index.js';
import { figuresOf, inParallel, ServerProcess, topologies } from './support/server.js';

/**
 * Acceptance 2 of the foundation: every figure the statistics API answers for a generated data
 * set equals the figure this test computes itself from its own input, to the fen.
 */

const COUNTIES = ['330106', '330108', '330402', '330411', '131102', '131121', '130102', '130104', '510104', '510115', '510703', '510704'];
const SEGMENTS = ['manufacturing', 'distribution', 'configuration_service', 'rental_service', 'rnd', 'other'];
const FIRST = monthIndex('2023-01');
const LAST = monthIndex('2024-12');

let seed = 42;
const random = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};

interface Enterprise {
  uscc: string;
  county: string;
  segment: string;
  relocation?: { county: string; from: number; recordedAt?: string };
}
interface Write {
  uscc: string;
  month: number;
  revenue: number;
  tax: number;
  employees: number;
  recordedAt: string;
}

const enterprises: Enterprise[] = Array.from({ length: 210 }, (_, i) => ({
  uscc: withUsccCheckCharacter(`91${COUNTIES[i % COUNTIES.length]}MA${String(700000 + i).padStart(7, '0')}`.slice(0, 17)),
  county: COUNTIES[i % COUNTIES.length],
  segment: SEGMENTS[Math.floor(random() * SEGMENTS.length)],
}));
const writes: Write[] = [];
// Each topology gets the same input: the generator restarts from here.
const SEED_AFTER_ENTERPRISES = seed;

function regionOf(e: Enterprise, month: number, asOf?: string): string {
  const r = e.relocation;
  const known = r && r.recordedAt !== undefined && (asOf === undefined || r.recordedAt <= asOf);
  return known && month >= r.from ? r.county : e.county;
}

/** The latest write per enterprise and month known at asOf. */
function reportsAsOf(asOf?: string): Map<string, Write> {
  const latest = new Map<string, Write>();
  for (const w of writes) if (asOf === undefined || w.recordedAt <= asOf) latest.set(`${w.uscc}|${w.month}`, w);
  return latest;
}

type Cell = { value: bigint; contributors: Set<string> };

/** The figure per group key, computed from the test's own input by DESIGN.md's semantics. */
function expected(indicator: string, from: number, to: number, prefix: string, key: (e: Enterprise, month: number, region: string) => string, asOf?: string): Map<string, Cell> {
  const reports = reportsAsOf(asOf);
  const cells = new Map<string, Cell>();
  const add = (k: string, uscc: string, v: bigint) => {
    const cell = cells.get(k) ?? { value: 0n, contributors: new Set<string>() };
    cell.value += v;
    cell.contributors.add(uscc);
    cells.set(k, cell);
  };
  for (const e of enterprises) {
    if (indicator === 'employment') {
      let latest: Write | undefined;
      for (let m = from; m <= to; m++) latest = reports.get(`${e.uscc}|${m}`) ?? latest;
      if (!latest) continue;
      const region = regionOf(e, latest.month, asOf);
      if (region.startsWith(prefix)) add(key(e, latest.month, region), e.uscc, BigInt(latest.employees));
      continue;
    }
    for (let m = from; m <= to; m++) {
      const w = reports.get(`${e.uscc}|${m}`);
      if (!w) continue;
      const region = regionOf(e, m, asOf);
      if (!region.startsWith(prefix)) continue;
      const v = indicator === 'revenue' ? BigInt(w.revenue) : indicator === 'tax' ? BigInt(w.tax) : 0n;
      add(key(e, m, region), e.uscc, v);
    }
  }
  if (indicator === 'enterprises') for (const cell of cells.values()) cell.value = BigInt(cell.contributors.size);
  return cells;
}

const show = (indicator: string, v: bigint) => (indicator === 'revenue' || indicator === 'tax' ? formatFen(v) : Number(v));
const yoyOf = (now: bigint, before: Cell | undefined) =>
  !before || before.value === 0n ? null : Math.round((Number(now) / Number(before.value) - 1) * 1e6) / 1e6;

/**
 * Run once per topology: embedded (the store feeds the projector) and, with a broker at hand
 * (KAFKA_BROKERS, as in CI), Kafka (the relay feeds a six-partition topic the projector follows
 * as a consumer group). The same input must give the same figures, to the fen.
 */
describe.each(topologies())('statistics over HTTP equal figures computed from the input ($name)', ({ env }) => {
  let server: ServerProcess;
  let filingsDoneAt = '';

  beforeAll(async () => {
    seed = SEED_AFTER_ENTERPRISES;
    writes.length = 0;
    for (const e of enterprises) delete e.relocation;
    server = await ServerProcess.start({ env });
    const admin = await server.token('admin');
    const bureaus = new Map<string, string>();
    for (const p of ['33', '13', '51']) bureaus.set(p, await server.token('bureau', { region: p }));

    await inParallel(enterprises, 8, async (e) => {
      const r = await server.request('POST', '/v1/enterprises', {
        token: admin,
        body: { uscc: e.uscc, name: `企业${e.uscc.slice(-6)}`, regionCode: e.county, segment: e.segment, productClasses: ['12 22'], registeredOn: '2022-06-01' },
      });
      expect(r.status).toBe(201);
    });

    const filings: { e: Enterprise; month: number; revenue: number; tax: number; employees: number }[] = [];
    for (const e of enterprises) {
      const baseRevenue = 5_000_000 + Math.floor(random() * 500_000_000);
      const baseEmployees = 5 + Math.floor(random() * 400);
      for (let m = FIRST; m <= LAST; m++) {
        if (random() < 0.08) continue; // some months are never filed
        const revenue = Math.floor(baseRevenue * (0.9 + random() * 0.2));
        filings.push({ e, month: m, revenue, tax: Math.floor(revenue * (0.03 + random() * 0.02)), employees: Math.floor(baseEmployees * (0.97 + random() * 0.06)) });
      }
    }
    const file = async (f: (typeof filings)[number], reason?: string) => {
      const r = await server.request('PUT', `/v1/enterprises/${f.e.uscc}/reports/${monthLabel(f.month)}`, {
        token: bureaus.get(f.e.county.slice(0, 2)),
        body: { revenue: formatFen(f.revenue), taxPaid: formatFen(f.tax), employees: f.employees, ...(reason ? { reason } : {}) },
      });
      expect([200, 201]).toContain(r.status);
      writes.push({ uscc: f.e.uscc, month: f.month, revenue: f.revenue, tax: f.tax, employees: f.employees, recordedAt: r.body.recordedAt });
    };
    await inParallel(filings, 16, (f) => file(f));
    filingsDoneAt = writes.reduce((max, w) => (w.recordedAt > max ? w.recordedAt : max), '');
    await new Promise((r) => setTimeout(r, 20));

    const corrections = filings.filter(() => random() < 0.05).map((f) => ({ ...f, revenue: Math.floor(f.revenue * (0.8 + random() * 0.15)) + 1, tax: f.tax + 101 }));
    await inParallel(corrections, 16, (f) => file(f, '财务复核后更正'));

    for (const [i, target] of [
      [3, '330108'],
      [17, '510115'],
      [40, '131121'],
    ] as const) {
      const e = enterprises[i];
      const r = await server.request('POST', `/v1/enterprises/${e.uscc}/relocations`, { token: admin, body: { regionCode: target, effectiveFrom: '2024-01' } });
      expect(r.status).toBe(201);
      e.relocation = { county: target, from: monthIndex('2024-01'), recordedAt: r.body.recordedAt };
    }
    await server.waitForProjection();
  });

  afterAll(async () => {
    await server?.stop();
  });

  const regulatorQuery = async (path: string) => {
    const r = await server.request('GET', path, { token: await server.token('regulator') });
    if (r.status !== 200) throw new Error(`${path} → ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };

  const INDICATORS = ['revenue', 'tax', 'employment', 'enterprises'];
  const REGIONS = ['', '33', '13', '51', '3301', '1311', '5107', '330106', '131102', '510104'];
  const PERIODS = ['2024', '2023-Q2', '2024-Q4', '2024-06', '2023-01'];

  it('answers every indicator × region × period type without grouping, with yoy', async () => {
    let checked = 0;
    for (const indicator of INDICATORS)
      for (const region of REGIONS)
        for (const label of PERIODS) {
          const p = parsePeriod(label)!;
          const body = await regulatorQuery(`/v1/statistics/${indicator}?period=${label}${region ? `&region=${region}` : ''}`);
          const cell = expected(indicator, p.fromMonth, p.toMonth, region, () => '').get('') ?? { value: 0n, contributors: new Set() };
          const before = expected(indicator, p.fromMonth - 12, p.toMonth - 12, region, () => '').get('');
          expect({ q: `${indicator} ${region} ${label}`, rows: figuresOf(body.rows) }).toEqual({
            q: `${indicator} ${region} ${label}`,
            rows: [{ value: show(indicator, cell.value), contributors: cell.contributors.size, yoy: yoyOf(cell.value, before) }],
          });
          checked++;
        }
    expect(checked).toBe(200);
  });

  it('groups by region at each level, by segment and by period', async () => {
    const cases: { indicator: string; region: string; period: string; groupBy: string; level?: string; prefixLength?: number; granularity?: PeriodKind }[] = [];
    for (const indicator of INDICATORS) {
      cases.push({ indicator, region: '', period: '2024', groupBy: 'region', prefixLength: 2 });
      cases.push({ indicator, region: '33', period: '2024-Q1', groupBy: 'region', prefixLength: 4 });
      cases.push({ indicator, region: '', period: '2023', groupBy: 'region', level: 'county', prefixLength: 6 });
      cases.push({ indicator, region: '1311', period: '2024-03', groupBy: 'region', prefixLength: 6 });
      cases.push({ indicator, region: '', period: '2024', groupBy: 'segment' });
      cases.push({ indicator, region: '51', period: '2023-Q4', groupBy: 'segment' });
      cases.push({ indicator, region: '', period: '2024', groupBy: 'period', granularity: 'month' });
      cases.push({ indicator, region: '3304', period: '2024', groupBy: 'period', granularity: 'quarter' });
    }
    for (const c of cases) {
      const p = parsePeriod(c.period)!;
      const query = `/v1/statistics/${c.indicator}?period=${c.period}&groupBy=${c.groupBy}${c.region ? `&region=${c.region}` : ''}${c.level ? `&regionLevel=${c.level}` : ''}${c.granularity ? `&granularity=${c.granularity}` : ''}`;
      const body = await regulatorQuery(query);
      let expectedRows: unknown[];
      if (c.groupBy === 'period') {
        const kind = c.granularity!;
        const labels = [...new Set(Array.from({ length: p.toMonth - p.fromMonth + 1 }, (_, i) => periodLabelOf(p.fromMonth + i, kind)))];
        expectedRows = labels.map((label) => {
          const sub = parsePeriod(label)!;
          const cell = expected(c.indicator, sub.fromMonth, sub.toMonth, c.region, () => '').get('') ?? { value: 0n, contributors: new Set() };
          const before = expected(c.indicator, sub.fromMonth - 12, sub.toMonth - 12, c.region, () => '').get('');
          return { period: label, value: show(c.indicator, cell.value), contributors: cell.contributors.size, yoy: yoyOf(cell.value, before) };
        });
      } else {
        const key = c.groupBy === 'region' ? (_e: Enterprise, _m: number, region: string) => region.slice(0, c.prefixLength) : (e: Enterprise) => e.segment;
        const cells = expected(c.indicator, p.fromMonth, p.toMonth, c.region, key);
        const before = expected(c.indicator, p.fromMonth - 12, p.toMonth - 12, c.region, key);
        expectedRows = [...cells.entries()]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([k, cell]) => ({
            ...(c.groupBy === 'region' ? { region: { code: k, name: expect.any(String) } } : { segment: k }),
            value: show(c.indicator, cell.value),
            contributors: cell.contributors.size,
            yoy: yoyOf(cell.value, before.get(k)),
          }));
      }
      expect({ query, rows: figuresOf(body.rows) }).toEqual({ query, rows: expectedRows });
    }
  });

  it('answers as of an instant between filings and their corrections with the pre-correction figures', async () => {
    for (const indicator of ['revenue', 'tax']) {
      const now = expected(indicator, FIRST, LAST, '', () => '').get('')!;
      const then = expected(indicator, FIRST, LAST, '', () => '', filingsDoneAt).get('')!;
      expect(now.value).not.toBe(then.value);
      const body = await regulatorQuery(`/v1/statistics/${indicator}?from=2023-01&to=2024-12&granularity=year&asOf=${filingsDoneAt}`);
      const byYear = ['2023', '2024'].map((y) => {
        const p = parsePeriod(y)!;
        const cell = expected(indicator, p.fromMonth, p.toMonth, '', () => '', filingsDoneAt).get('')!;
        return show(indicator, cell.value);
      });
      expect(body.rows.map((r: { value: string }) => r.value)).toEqual(byYear);
      expect(body.asOf).toBe(filingsDoneAt);
    }
    // The same for one corrected report through the report endpoint.
    const corrected = writes.find((w) => w.recordedAt > filingsDoneAt)!;
    const original = writes.find((w) => w.uscc === corrected.uscc && w.month === corrected.month && w.recordedAt <= filingsDoneAt)!;
    const path = `/v1/enterprises/${corrected.uscc}/reports/${monthLabel(corrected.month)}`;
    const past = await regulatorQuery(`${path}?asOf=${filingsDoneAt}`);
    expect([past.revenue, past.revision, past.history.length]).toEqual([formatFen(original.revenue), 1, 1]);
    const current = await regulatorQuery(path);
    expect([current.revenue, current.revision, current.flags]).toEqual([formatFen(corrected.revenue), 2, ['revised', 'late']]); // filed years after the 15th of the next month
    expect(current.history.map((h: { revenue: string; reason?: string }) => [h.revenue, h.reason])).toEqual([
      [formatFen(original.revenue), undefined],
      [formatFen(corrected.revenue), '财务复核后更正'],
    ]);
  });

  it('counts a relocated enterprise in its new region from the effective month only', async () => {
    const e = enterprises[17];
    const body = await regulatorQuery(`/v1/statistics/revenue?from=2023-12&to=2024-01&granularity=month&region=510115`);
    const dec = expected('revenue', monthIndex('2023-12'), monthIndex('2023-12'), '510115', () => '').get('');
    const jan = expected('revenue', monthIndex('2024-01'), monthIndex('2024-01'), '510115', () => '').get('')!;
    expect(jan.contributors.has(e.uscc)).toBe(true);
    expect(dec?.contributors.has(e.uscc) ?? false).toBe(false);
    expect(body.rows.map((r: { value: string }) => r.value)).toEqual([formatFen(dec?.value ?? 0n), formatFen(jan.value)]);
  });
});
