import { withUsccCheckCharacter } from '../libs/domain/src/index.js';
import { inParallel, ServerProcess } from './support/server.js';

/**
 * Issue 19, point 2, in the API: year to date (累计, cumulative=true) compared with the same months a
 * year earlier, a single month (当月), whether the period has ended in China and what it covers,
 * and the data cut-off of every answer. Expected values are computed here from the filings sent.
 */
const A = withUsccCheckCharacter('91330106MA2W0P001');
const B = withUsccCheckCharacter('91330106MA2W0P002');

/** The month under way in China, by the test's own clock: [year, month 1–12]. */
function chinaMonth(at = new Date()): [number, number] {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit' }).formatToParts(at);
  return [Number(parts.find((p) => p.type === 'year')!.value), Number(parts.find((p) => p.type === 'month')!.value)];
}
const label = (y: number, m: number) => `${y}-${String(m).padStart(2, '0')}`;
/** Revenue in fen of an enterprise for a month (steady, so no soft edit asks for an explanation). */
const revenueFen = (uscc: string, y: number, m: number) => (uscc === A ? 100_000_00 : 50_000_00) + (y - 2025) * 1_000_00 + m * 10_00;
const yuan = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;

describe('periods in the statistics API: year to date, single months, partial periods, cut-off', () => {
  let server: ServerProcess;
  let bureau = '';
  let lastPosition = 0;
  // The last complete month in China, and the year it falls in (this year, or last December in January).
  const [thisYear, thisMonth] = chinaMonth();
  const [year, last] = thisMonth === 1 ? [thisYear - 1, 12] : [thisYear, thisMonth - 1];

  beforeAll(async () => {
    server = await ServerProcess.start();
    const admin = await server.token('admin');
    bureau = await server.token('bureau', { region: '33' });
    for (const uscc of [A, B])
      expect((await server.request('POST', '/v1/enterprises', { token: admin, body: { uscc, name: `期间${uscc.slice(-3)}`, regionCode: '330106', segment: 'manufacturing', productClasses: [], registeredOn: `${year - 2}-01-01` } })).status).toBe(201);
    const filings: [string, number, number][] = [];
    for (const uscc of [A, B]) {
      for (let m = 1; m <= 12; m++) filings.push([uscc, year - 1, m]);
      for (let m = 1; m <= last; m++) filings.push([uscc, year, m]);
    }
    await inParallel(filings, 8, async ([uscc, y, m]) => {
      const fen = revenueFen(uscc, y, m);
      const r = await server.request('PUT', `/v1/enterprises/${uscc}/reports/${label(y, m)}`, { token: bureau, body: { revenue: yuan(fen), taxPaid: yuan(Math.floor(fen / 50)), employees: 10 } });
      expect([r.status, r.body.errors]).toEqual([201, undefined]);
      lastPosition = Math.max(lastPosition, r.body.position);
    });
    await server.waitForProjection();
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
  });

  const sum = (y: number, months: number[]) => months.reduce((total, m) => total + revenueFen(A, y, m) + revenueFen(B, y, m), 0);
  const upTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
  const ratio = (now: number, before: number) => Math.round((now / before - 1) * 1e6) / 1e6;

  it('sums January to the month asked (1–N月累计) and compares it with the same months a year earlier', async () => {
    const started = new Date().toISOString();
    const r = await server.request('GET', `/v1/statistics/revenue?period=${label(year, last)}&cumulative=true`, { token: bureau });
    const finished = new Date().toISOString();
    expect(r.status).toBe(200);
    const now = sum(year, upTo(last));
    const before = sum(year - 1, upTo(last));
    expect([r.body.period, r.body.cumulative, r.body.rows[0].value, r.body.rows[0].contributors, r.body.rows[0].yoy]).toEqual([
      last === 12 ? String(year) : `${year}-01/${label(year, last)}`,
      true,
      yuan(now),
      2,
      ratio(now, before),
    ]);
    // A complete month: not partial, covered to itself; the cut-off holds every filing and is the answer's instant.
    expect([r.body.partial, r.body.coveredTo]).toEqual([false, label(year, last)]);
    expect(r.body.cutoff.position).toBeGreaterThanOrEqual(lastPosition);
    expect(r.body.cutoff.at >= started && r.body.cutoff.at <= finished).toBe(true);
  });

  it('gives a single month (当月) against the same month a year earlier', async () => {
    const r = await server.request('GET', `/v1/statistics/revenue?period=${label(year, last)}`, { token: bureau });
    const now = sum(year, [last]);
    expect([r.body.period, r.body.cumulative, r.body.rows[0].value, r.body.rows[0].yoy]).toEqual([label(year, last), undefined, yuan(now), ratio(now, sum(year - 1, [last]))]);
  });

  it('flags the year under way as partial and says which months it covers', async () => {
    const r = await server.request('GET', `/v1/statistics/revenue?period=${thisYear}`, { token: bureau });
    expect([r.body.partial, r.body.coveredTo]).toEqual([true, label(thisMonth === 1 ? thisYear - 1 : thisYear, thisMonth === 1 ? 12 : thisMonth - 1)]);
    const complete = await server.request('GET', `/v1/statistics/revenue?period=${year - 1}`, { token: bureau });
    expect([complete.body.partial, complete.body.coveredTo, complete.body.rows[0].value]).toEqual([false, `${year - 1}-12`, yuan(sum(year - 1, upTo(12)))]);
  });

  it('reckons partial periods and the cut-off at the instant asked', async () => {
    // As of the end of June of last year in China, that year was under way and covered to May.
    const asOf = `${year - 1}-06-30T15:59:59.999Z`;
    const r = await server.request('GET', `/v1/statistics/revenue?period=${year - 1}&asOf=${encodeURIComponent(asOf)}`, { token: bureau });
    expect([r.status, r.body.partial, r.body.coveredTo, r.body.cutoff.at]).toEqual([200, true, `${year - 1}-05`, asOf]);
  });

  it('refuses a cumulative flag that is not true or false, or one on a series, naming the field', async () => {
    for (const query of ['period=2025-03&cumulative=yes', 'from=2025-01&to=2025-06&cumulative=true']) {
      const r = await server.request('GET', `/v1/statistics/revenue?${query}`, { token: bureau });
      expect([query, r.status, r.body.errors?.map((e: { path: string }) => e.path)]).toEqual([query, 400, ['cumulative']]);
    }
  });
});
