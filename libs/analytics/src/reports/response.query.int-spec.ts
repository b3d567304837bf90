import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyticsEngines, freshAnalyticsDatabase } from '../../../../test/support/chdb.js';
import { formatFen, monthIndex, monthLabel } from '../../../domain/src/index.js';
import { SqliteEventStore } from '../../../event-store/src/index.js';
import { Projector } from '../projector.js';
import { responseRates, unitCells } from '../statistics/imputation.js';
import { queryReportStatistics, reportStatisticsSql, type Bucket, type ReportIndicator } from './report-statistics.query.js';
import { lastDueMonth, queryResponse } from './response.query.js';
import { queryUnitPanel } from './unit-panel.query.js';

/**
 * Differential test of the response rates computed in ClickHouse (`queryResponse`, what statistics
 * without imputation answer) against the unit panel's `unitCells` (the reference implementation of
 * issue 20's definitions), over a generated log with everything that changes what is owed or where
 * it counts: registrations inside the window, deregistrations, relocations (some backdated),
 * changes of segment, months never filed, late filings and corrections.
 */

/** A small deterministic generator (mulberry32), so a failure reproduces. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const COUNTIES = ['330106', '330108', '330212', '110105', '110108'];
const SEGMENTS = ['manufacturing', 'distribution', 'rental_service'];
const FIRST = monthIndex('2023-01');
const LAST = monthIndex('2025-06');

interface Pending {
  at: string;
  streamId: string;
  type: string;
  data: Record<string, unknown>;
}

function generate(seed: number): Pending[] {
  const next = random(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)];
  const out: Pending[] = [];
  const day = (month: number, d: number) => `${monthLabel(month)}-${String(d).padStart(2, '0')}T0${Math.floor(next() * 9)}:00:00.000Z`;
  for (let i = 0; i < 48; i++) {
    const uscc = `9133010${i % 10}MA${String(i).padStart(8, '0')}X`.slice(0, 18);
    const stream = `enterprise-${uscc}`;
    // A quarter register inside the window; the rest before it.
    const registered = i % 4 === 0 ? FIRST + 3 + Math.floor(next() * 20) : FIRST - 6;
    const deregistered = i % 7 === 3 ? registered + 6 + Math.floor(next() * 12) : null;
    out.push({ at: day(registered, 1), streamId: stream, type: 'EnterpriseRegistered', data: { uscc, name: `企业${i}`, regionCode: pick(COUNTIES), segment: pick(SEGMENTS), industryCode: null, productClasses: [], registeredOn: `${monthLabel(registered)}-10` } });
    if (deregistered !== null && deregistered <= LAST)
      out.push({ at: day(deregistered, 20), streamId: stream, type: 'EnterpriseDeregistered', data: { uscc, effectiveFrom: monthLabel(deregistered), reason: '注销', kind: 'other' } });
    if (i % 5 === 1) {
      const when = Math.max(registered + 1, FIRST + 4 + Math.floor(next() * 22));
      // Effective from the month recorded, or backdated up to three months.
      out.push({ at: day(when, 12), streamId: stream, type: 'EnterpriseRelocated', data: { uscc, regionCode: pick(COUNTIES), effectiveFrom: monthLabel(when - Math.floor(next() * 4)) } });
    }
    if (i % 6 === 2) out.push({ at: day(Math.max(registered + 1, FIRST + 8 + Math.floor(next() * 16)), 14), streamId: stream, type: 'EnterpriseDetailsAmended', data: { uscc, segment: pick(SEGMENTS) } });
    for (let m = Math.max(registered, FIRST - 12); m <= LAST; m++) {
      if (deregistered !== null && m >= deregistered) break;
      if (next() < 0.12) continue; // never filed
      const late = next() < 0.1 ? 2 + Math.floor(next() * 3) : 0;
      const revenue = 100_000 + Math.floor(next() * 900_000);
      const employees = 3 + Math.floor(next() * 40);
      const filing = (revision: number, rev: number, emp: number) => ({ uscc, period: monthLabel(m), revenue: formatFen(rev), taxPaid: formatFen(Math.floor(rev / 13)), employees: emp, reportRevision: revision, rules: [], ...(revision > 1 ? { reason: 'corrected' } : {}) });
      out.push({ at: day(m + 1 + late, 5 + Math.floor(next() * 9)), streamId: stream, type: 'MonthlyReportFiled', data: filing(1, revenue, employees) });
      if (next() < 0.08) out.push({ at: day(m + 2 + late, 25), streamId: stream, type: 'MonthlyReportCorrected', data: filing(2, revenue + 5_000, employees + 1) });
    }
  }
  return out.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}

function writeLog(file: string, events: Pending[]): void {
  new SqliteEventStore(file).close();
  const db = new Database(file);
  const insert = db.prepare('INSERT INTO events (stream_id, revision, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?)');
  const revisions = new Map<string, number>();
  db.transaction(() => {
    for (const e of events) {
      const revision = (revisions.get(e.streamId) ?? 0) + 1;
      revisions.set(e.streamId, revision);
      insert.run(e.streamId, revision, e.type, JSON.stringify(e.data), JSON.stringify({ actor: 'test', role: 'admin' }), e.at);
    }
  })();
  db.close();
}

const INDICATORS: ReportIndicator[] = ['revenue', 'tax', 'employment', 'enterprises'];
const BUCKETS: Bucket[] = ['none', 'month', 'quarter', 'year'];
const SCOPES = [
  { region: '', regionLength: 0, bySegment: false },
  { region: '', regionLength: 2, bySegment: true },
  { region: '33', regionLength: 6, bySegment: false },
  { region: '3301', regionLength: 6, bySegment: true },
  { region: '110105', regionLength: 6, bySegment: false },
];
const PERIODS = [
  { fromMonth: monthIndex('2024-01'), toMonth: monthIndex('2024-12') },
  { fromMonth: monthIndex('2024-04'), toMonth: monthIndex('2024-06') },
  { fromMonth: monthIndex('2025-01'), toMonth: monthIndex('2025-06') },
];
/** Now; mid-2024 (late filings and a correction not yet known); a cut-off position too. */
const INSTANTS: { asOf?: string; upTo?: boolean }[] = [{}, { asOf: '2024-08-20T00:00:00.000Z' }, { asOf: '2025-03-10T00:00:00.000Z', upTo: true }];

describe('lastDueMonth', () => {
  it('is the last month whose deadline (the 15th of the next month, China time) has passed', () => {
    // 2024-03's deadline is 2024-04-15 24:00 China time = 2024-04-15T16:00Z.
    expect(monthLabel(lastDueMonth('2024-04-15T15:59:59.999Z'))).toBe('2024-02');
    expect(monthLabel(lastDueMonth('2024-04-15T16:00:00.001Z'))).toBe('2024-03');
    expect(monthLabel(lastDueMonth('2024-01-01T00:00:00.000Z'))).toBe('2023-11');
  });
});

describe.each(analyticsEngines())('response rates in ClickHouse against the unit panel, on %s', (engine) => {
  it('gives every cell the same response as unitCells, for each indicator, bucket, scope, period and instant', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fuju-response-'));
    const file = join(dir, 'events.sqlite');
    const events = generate(20);
    writeLog(file, events);
    const store = new SqliteEventStore(file);
    const { client, db } = await freshAnalyticsDatabase(engine);
    const projector = new Projector(store, client, db, { log: () => undefined, error: () => undefined }, 97);
    try {
      await projector.rebuild();
    } finally {
      await projector.stop();
      await store.close();
    }
    const now = new Date().toISOString();
    let compared = 0;
    let cells = 0;
    let incomplete = 0;
    let weighted = 0;
    let k = 0;
    for (const indicator of INDICATORS)
      for (const bucket of BUCKETS)
        for (const instant of INSTANTS) {
          const scope = SCOPES[k % SCOPES.length];
          const period = PERIODS[Math.floor(k / SCOPES.length) % PERIODS.length];
          k++;
          const upToPosition = instant.upTo ? Math.floor(events.length * 0.8) : undefined;
          const at = instant.asOf ?? now;
          const q = { indicator, bucket, ...scope, ...period, at, asOf: instant.asOf, upToPosition };
          const panel = await queryUnitPanel(client, db, { scope: scope.region.slice(0, 2), fromMonth: period.fromMonth - 12, toMonth: period.toMonth, asOf: instant.asOf, upToPosition });
          const expected = unitCells(panel, q).map((c) => ({ key: `${c.bucket}|${c.region}|${c.segment}`, response: c.response }));
          const actual = (await queryResponse(client, db, q)).map((c) => ({ key: `${c.bucket}|${c.region}|${c.segment}`, response: responseRates(c) }));
          const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
          expect({ q, cells: actual.sort(byKey) }).toEqual({ q, cells: expected.sort(byKey) });
          compared++;
          cells += expected.length;
          incomplete += expected.filter((c) => c.response.filed < c.response.expected).length;
          weighted += expected.filter((c) => c.response.weightedRate !== null && c.response.weightedRate < 1).length;
        }
    // Current stocks over whole years come from stock_latest (kept by the projector through the same moves and
    // changes of segment): the same cells as the stock over the deltas.
    for (const scope of SCOPES)
      for (const bucket of ['none', 'year'] as const)
        for (const years of [PERIODS[0], { fromMonth: monthIndex('2023-01'), toMonth: monthIndex('2025-12') }]) {
          const question = { indicator: 'employment' as const, bucket, ...scope, ...years };
          expect(reportStatisticsSql(question)).toContain('stock_latest');
          const stocks = await queryReportStatistics(client, db, question);
          expect({ question, stocks }).toEqual({ question, stocks: await queryReportStatistics(client, db, { ...question, asOf: '2299-01-01T00:00:00.000Z' }) });
          cells += stocks.length;
        }
    expect(compared).toBe(INDICATORS.length * BUCKETS.length * INSTANTS.length);
    // The log really exercises the definitions (a guard on the generated input, not a figure): cells of every
    // comparison, and among the response cells both complete and incomplete ones, and weighted rates below 1.
    expect(cells).toBeGreaterThan(compared);
    expect(incomplete).toBeGreaterThan(0);
    expect(incomplete).toBeLessThan(cells);
    expect(weighted).toBeGreaterThan(0);
  }, 180_000);
});
