import Database from 'better-sqlite3';
import type { ClickHouseClient } from '@clickhouse/client';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  countCommunitiesByRegion,
  createAnalyticsClient,
  encodeRows,
  migrate,
  projectedTable,
  projectEvents,
  Projector,
  PROJECTION_TABLES,
  queryReportStatistics,
  queryRows,
  queryServiceStatistics,
  findIndicator,
  parseQuestion,
  ProjectionProgress,
  StatisticsService,
  tableDdl,
  type RawQuestion,
  type InsertFormat,
} from '../../../libs/analytics/src/index.js';
import { monthIndex, monthLabel } from '../../../libs/domain/src/index.js';
import { SqliteEventStore, type RecordedEvent } from '../../../libs/event-store/src/index.js';
import { industryLog, industryLogSize, type Shape } from './data.js';
import { percentile, type Figure } from './report.js';

export interface AnalyticsOptions {
  readonly shape: Shape;
  /** Runs of each query. */
  readonly runs: number;
  /** Runs of the SQLite peer query (slow by nature). */
  readonly peerRuns: number;
  /** Events in the raw chDB insert sample. */
  readonly rawSample: number;
  /** A point of the growth table only: generation, rebuild and the queries (no raw limits, no peer). */
  readonly growthOnly?: boolean;
  readonly log: (message: string) => void;
}

/** The embedded deployment's progress: one projector in log order, nothing to cut. */
const EMBEDDED_PROGRESS = { kafka: undefined, position: Number.MAX_SAFE_INTEGER } as unknown as ProjectionProgress;

const seconds = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e9;

/**
 * The raw limit of SQLite for our rows: the same event rows (serialised beforehand) inserted
 * into a fresh file with the store's schema and pragmas (WAL, `synchronous=FULL`), 1,000 rows
 * per transaction.
 */
function rawSqliteInsert(dir: string, shape: Shape, sample: number): number {
  const file = join(dir, 'raw.sqlite');
  new SqliteEventStore(file).close();
  const rows: unknown[][] = [];
  for (const e of industryLog(shape)) {
    rows.push([e.streamId, e.revision, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata), e.recordedAt]);
    if (rows.length === sample) break;
  }
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  const insert = db.prepare('INSERT INTO events (stream_id, revision, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?)');
  const flush = db.transaction((batch: unknown[][]) => {
    for (const r of batch) insert.run(...r);
  });
  const started = process.hrtime.bigint();
  for (let i = 0; i < rows.length; i += 1000) flush(rows.slice(i, i + 1000));
  const rate = rows.length / seconds(started);
  db.close();
  return rate;
}

/** Writes the industry's log into a fresh SQLite event store, laid out as the store lays it out (setup, not a figure). */
function generateLog(file: string, shape: Shape, log: (m: string) => void): { events: number; seconds: number } {
  new SqliteEventStore(file).close();
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('cache_size = -1000000');
  const insert = db.prepare('INSERT INTO events (stream_id, revision, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?)');
  const total = industryLogSize(shape);
  let batch: unknown[][] = [];
  const flush = db.transaction((rows: unknown[][]) => {
    for (const r of rows) insert.run(...r);
  });
  const started = process.hrtime.bigint();
  let events = 0;
  for (const e of industryLog(shape)) {
    batch.push([e.streamId, e.revision, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata), e.recordedAt]);
    if (batch.length === 10_000) {
      flush(batch);
      events += batch.length;
      batch = [];
      if (events % 1_000_000 === 0) log(`  generated ${events.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} events`);
    }
  }
  flush(batch);
  events += batch.length;
  const took = seconds(started);
  db.close();
  return { events, seconds: took };
}

/** Inserts the rows the projector would write for a window of events, in one format, the way the projector batches them. */
async function rawInsert(client: ClickHouseClient, db: string, events: RecordedEvent[], format: InsertFormat): Promise<number> {
  await client.command({ query: `DROP DATABASE IF EXISTS ${db}` });
  await client.command({ query: `CREATE DATABASE ${db}` });
  for (const t of PROJECTION_TABLES) await client.command({ query: tableDdl(projectedTable(t), db) });
  const batches: Record<string, unknown[]>[] = [];
  for (let i = 0; i < events.length; i += 20_000) {
    const slice = events.slice(i, i + 20_000);
    const rows: Record<string, unknown[]> = { ...projectEvents(slice) };
    // The deltas of these filings, as the delta projection would write them (one row per filing or correction).
    rows.report_deltas = (rows.report_revisions as { uscc: string; month: number; revenue_fen: string; tax_fen: string; employees: number; position: number; recorded_at: string }[]).map((r) => ({
      month: r.month,
      uscc: r.uscc,
      region_code: r.uscc.slice(2, 8),
      segment: 'manufacturing',
      revenue_fen: Number(r.revenue_fen),
      tax_fen: Number(r.tax_fen),
      employees: r.employees,
      reports: 1,
      position: r.position,
      recorded_at: r.recorded_at,
    }));
    // And their stock rows (one per filing or correction), as the projector writes them since issue 22.
    rows.stock_latest = (rows.report_deltas as { month: number; uscc: string; region_code: string; segment: string; employees: number; position: number; recorded_at: string }[]).map((d) => ({
      year: Math.floor(d.month / 12),
      uscc: d.uscc,
      month: d.month,
      region_code: d.region_code,
      segment: d.segment,
      employees: d.employees,
      position: d.position,
      recorded_at: d.recorded_at,
    }));
    batches.push(rows);
  }
  const started = process.hrtime.bigint();
  for (const rows of batches)
    await Promise.all(
      PROJECTION_TABLES.filter((t) => rows[t]?.length).map((t) => client.insert({ table: `${db}.${t}`, ...encodeRows(t, rows[t] as Record<string, unknown>[], format) })),
    );
  return events.length / seconds(started);
}

async function timed(runs: number, work: () => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  await work();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    await work();
    times.push(seconds(started) * 1000);
  }
  return { p50: percentile(times, 50), p95: percentile(times, 95) };
}

/** Generation, raw limits, rebuild, queries and the SQLite peer, in one process with its own chDB engine. */
export async function runAnalytics(options: AnalyticsOptions): Promise<{ figures: Figure[]; sizes: Record<string, number> }> {
  const { shape, log } = options;
  const dir = mkdtempSync(join(tmpdir(), 'fuju-bench-analytics-'));
  const file = join(dir, 'events.sqlite');
  const figures: Figure[] = [];

  log(`generating ${industryLogSize(shape).toLocaleString('en-US')} events (${shape.enterprises} enterprises × ${shape.months} months) into SQLite…`);
  const generated = generateLog(file, shape, log);
  log(`  ${generated.events} events in ${generated.seconds.toFixed(1)} s`);
  if (!options.growthOnly) {
    const sqliteRaw = rawSqliteInsert(dir, shape, Math.min(options.rawSample, generated.events));
    log(`  raw SQLite insert: ${Math.round(sqliteRaw)} rows/s`);
    figures.push({ workload: 'Raw limit', figure: `better-sqlite3 insert of the same event rows, 1,000 per transaction, synchronous=FULL (${Math.min(options.rawSample, generated.events).toLocaleString('en-US')} rows)`, value: sqliteRaw, unit: 'rows/s' });
  }

  const store = new SqliteEventStore(file);
  const client = createAnalyticsClient({ database: 'fuju', chdbPath: join(dir, 'clickhouse') });
  try {
    // Raw chDB insert of the projected rows of a window of filings, in each format the client can feed it.
    const window = options.growthOnly ? [] : await store.readAll({ after: shape.enterprises, limit: options.rawSample });
    const rates: Record<InsertFormat, number> = { JSONEachRow: 0, JSONCompactEachRow: 0 };
    for (const format of options.growthOnly ? [] : (Object.keys(rates) as InsertFormat[])) {
      rates[format] = await rawInsert(client, 'raw_insert', window, format);
      log(`  raw chDB insert (${format}): ${Math.round(rates[format])} events/s`);
    }
    await client.command({ query: 'DROP DATABASE IF EXISTS raw_insert' });
    const best = (Object.keys(rates) as InsertFormat[]).reduce((a, b) => (rates[a] >= rates[b] ? a : b));
    for (const format of options.growthOnly ? [] : (Object.keys(rates) as InsertFormat[]))
      figures.push({ workload: 'Raw limit', figure: `chDB insert of the projected rows (${format})`, value: rates[format], unit: 'events/s', note: `${window.length.toLocaleString('en-US')} events' rows` });

    // Rebuild: the whole log into ClickHouse through the product's projector.
    await migrate(client, 'fuju');
    const projector = new Projector(store, client, 'fuju', { log: () => undefined, error: (m) => log(m) }, 5000);
    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
    log('rebuilding the read model from the whole log…');
    const started = process.hrtime.bigint();
    let shown = 0;
    const done = await projector.rebuild(({ processed, total }) => {
      if (processed - shown >= 1_000_000) {
        shown = processed;
        log(`  rebuild ${processed.toLocaleString('en-US')} / ${total.toLocaleString('en-US')}`);
      }
    });
    const rebuildSeconds = seconds(started);
    clearInterval(sampler);
    await projector.stop();
    const rebuildRate = done.total / rebuildSeconds;
    log(`  rebuilt ${done.total} events in ${rebuildSeconds.toFixed(1)} s (${Math.round(rebuildRate)} events/s), peak RSS ${Math.round(peak / 2 ** 20)} MiB`);
    const events = done.total;
    const grows = (series: string, value: number, unit: string) => ({ growth: { series, events, value, unit } });
    if (options.growthOnly) figures.push({ workload: 'Growth', figure: `rebuild of ${events.toLocaleString('en-US')} events`, value: rebuildRate, unit: 'events/s', ...grows('rebuild, whole log', rebuildSeconds, 's') });
    else {
      figures.push({
        workload: 'Rebuild',
        figure: `${events.toLocaleString('en-US')} events from the store into ClickHouse`,
        value: rebuildRate,
        unit: 'events/s',
        raw: { what: `chDB insert, ${best}`, value: rates[best], unit: 'events/s' },
        ratio: rebuildRate / rates[best],
        target: { op: '>=', value: 150_000 },
        ...grows('rebuild, whole log', rebuildSeconds, 's'),
      });
      figures.push({ workload: 'Rebuild', figure: 'peak RSS (process incl. the chDB engine)', value: peak / 2 ** 30, unit: 'GiB', target: { op: '<=', value: 2 } });
    }

    // Queries over that data.
    const lastYear = monthIndex(shape.firstMonth) + shape.months - 12;
    const year = { fromMonth: lastYear, toMonth: lastYear + 11 };
    const base = { indicator: 'revenue' as const, ...year, region: '', regionLength: 2, bySegment: false, bucket: 'none' as const };
    // An instant in the middle of the last year's filings: half of its months known.
    const asOf = `${monthLabel(lastYear + 7)}-01T00:00:00.000Z`;
    const queries: [string, () => Promise<unknown>, number][] = [
      ['revenue, one year by province (current)', () => queryReportStatistics(client, 'fuju', base), 50],
      ['revenue, one year by province (asOf)', () => queryReportStatistics(client, 'fuju', { ...base, asOf }), 300],
      ['employment, one year by county', () => queryReportStatistics(client, 'fuju', { ...base, indicator: 'employment', regionLength: 6 }), 100],
      [
        'community-coverage, one year by city',
        async () => {
          const rows = await queryServiceStatistics(client, 'fuju', {
            indicator: 'community-coverage',
            buckets: [{ label: monthLabel(lastYear).slice(0, 4), start: `${monthLabel(lastYear)}-01`, end: `${monthLabel(lastYear + 11)}-31` }],
            region: '',
            regionLength: 4,
            byKind: false,
            byProductClass: false,
            byBeneficiary: false,
            kind: '',
          });
          await countCommunitiesByRegion(client, 'fuju', '', 4);
          return rows;
        },
        100,
      ],
      ['revenue, 36-month series (national)', () => queryReportStatistics(client, 'fuju', { ...base, fromMonth: lastYear - 24, toMonth: lastYear + 11, regionLength: 0, bucket: 'month' }), 100],
    ];
    // Raw limit: the same province-by-year sum over a plain, pre-deduplicated table of the same reports.
    let plain = { p50: Number.NaN, p95: Number.NaN };
    if (!options.growthOnly) {
      await client.command({
        query: `CREATE TABLE fuju.bench_plain ENGINE = MergeTree ORDER BY (month, region_code, uscc) AS
                SELECT month, region_code, uscc, sum(revenue_fen) AS revenue_fen FROM fuju.report_deltas GROUP BY month, region_code, uscc`,
      });
      plain = await timed(options.runs, () =>
        queryRows(client, `SELECT substring(region_code, 1, 2) AS p, sum(revenue_fen) AS v FROM fuju.bench_plain WHERE month BETWEEN {a:UInt32} AND {b:UInt32} GROUP BY p`, {
          a: year.fromMonth,
          b: year.toMonth,
        }),
      );
      figures.push({ workload: 'Raw limit', figure: 'chDB GROUP BY scan: revenue by province for a year over a plain pre-deduplicated table', value: plain.p50, unit: 'ms p50' });
    }
    let current = { p50: Number.NaN, p95: Number.NaN };
    for (const [name, work, target] of queries) {
      const t = await timed(options.runs, work);
      if (name.endsWith('(current)')) current = t;
      log(`  ${name}: p50 ${t.p50.toFixed(1)} ms, p95 ${t.p95.toFixed(1)} ms`);
      figures.push({
        workload: options.growthOnly ? 'Growth' : 'Queries (statement)',
        figure: `${name}: the figures' statement alone, p95 of ${options.runs}`,
        value: t.p95,
        unit: 'ms',
        ...(name.startsWith('revenue, one year by province') && !options.growthOnly ? { raw: { what: 'plain-table scan p50', value: plain.p50, unit: 'ms' }, ratio: plain.p50 / t.p50 } : {}),
        ...(options.growthOnly ? {} : { target: { op: '<=' as const, value: target } }),
        note: `p50 ${t.p50.toFixed(1)} ms`,
        ...grows(`statement: ${name}, p50`, t.p50, 'ms'),
      });
    }

    // The same questions as the API answers them: StatisticsService (both years' statements for the
    // year-on-year figure, and the response rates of every cell).
    const statistics = new StatisticsService(client, { database: 'fuju' } as never, EMBEDDED_PROGRESS);
    const ask = (indicator: string, raw: RawQuestion) => () => statistics.figures(parseQuestion(raw, findIndicator(indicator)!));
    const yearLabel = monthLabel(lastYear).slice(0, 4);
    const apiQueries: [string, () => Promise<unknown>, number][] = [
      ['revenue, one year by province (current)', ask('revenue', { period: yearLabel, groupBy: 'region', regionLevel: 'province' }), 50],
      ['revenue, one year by province (asOf)', ask('revenue', { period: yearLabel, groupBy: 'region', regionLevel: 'province', asOf }), 300],
      ['employment, one year by county', ask('employment', { period: yearLabel, groupBy: 'region', regionLevel: 'county' }), 100],
      ['employment, one year by county (asOf)', ask('employment', { period: yearLabel, groupBy: 'region', regionLevel: 'county', asOf }), 300],
      ['revenue, 36-month series (national)', ask('revenue', { from: monthLabel(lastYear - 24), to: monthLabel(lastYear + 11) }), 100],
      ['revenue, 36-month series (national, asOf)', ask('revenue', { from: monthLabel(lastYear - 24), to: monthLabel(lastYear + 11), asOf }), 300],
    ];
    for (const [name, work, target] of apiQueries) {
      const t = await timed(options.runs, work);
      log(`  API ${name}: p50 ${t.p50.toFixed(1)} ms, p95 ${t.p95.toFixed(1)} ms`);
      figures.push({
        workload: options.growthOnly ? 'Growth' : 'Queries (API)',
        figure: `${name}: as the API answers it (both years, response rates), p95 of ${options.runs}`,
        value: t.p95,
        unit: 'ms',
        ...(options.growthOnly ? {} : { target: { op: '<=' as const, value: target } }),
        note: `p50 ${t.p50.toFixed(1)} ms`,
        ...grows(`API: ${name}, p50`, t.p50, 'ms'),
      });
    }
    const sizes = { events: generated.events, enterprises: shape.enterprises, months: shape.months };
    if (options.growthOnly) return { figures, sizes };

    // The peer: the same figure by SQL directly over the SQLite event log.
    const peer = sqlitePeer(file, year.fromMonth, year.toMonth);
    const ours = await queryReportStatistics(client, 'fuju', base);
    const agrees = ours.every((r) => peer.result.get(r.region) === r.value) && ours.length === peer.result.size;
    const peerTimes: number[] = [peer.ms];
    for (let i = 1; i < options.peerRuns; i++) peerTimes.push(sqlitePeer(file, year.fromMonth, year.toMonth).ms);
    const peerP50 = percentile(peerTimes, 50);
    log(`  SQLite peer: p50 ${peerP50.toFixed(0)} ms (${agrees ? 'same figures' : 'DIFFERENT figures'})`);
    figures.push({
      workload: 'Peer',
      figure: `revenue by province for a year by SQL over the SQLite event log (json_extract + GROUP BY), ${agrees ? 'same figures as ClickHouse' : 'figures DIFFER'}`,
      value: peerP50 / current.p50,
      unit: '× slower than ours',
      raw: { what: 'SQLite peer p50', value: peerP50, unit: 'ms' },
      target: { op: '>=', value: 100 },
    });
    return { figures, sizes };
  } finally {
    await store.close();
    await client.close();
  }
}

/** Revenue by province for months [from, to], latest revision of each report, computed by SQLite alone. */
function sqlitePeer(file: string, from: number, to: number): { ms: number; result: Map<string, string> } {
  const db = new Database(file, { readonly: true });
  const started = process.hrtime.bigint();
  const rows = db
    .prepare(
      `WITH reports AS (
         SELECT json_extract(data, '$.uscc') AS uscc, json_extract(data, '$.period') AS period,
                json_extract(data, '$.reportRevision') AS rev, json_extract(data, '$.revenue') AS revenue
         FROM events WHERE type IN ('MonthlyReportFiled', 'MonthlyReportCorrected')
           AND json_extract(data, '$.period') BETWEEN ? AND ?
       ),
       latest AS (
         SELECT uscc, revenue, row_number() OVER (PARTITION BY uscc, period ORDER BY rev DESC) AS n FROM reports
       ),
       regions AS (
         SELECT json_extract(data, '$.uscc') AS uscc, substr(json_extract(data, '$.regionCode'), 1, 2) AS province
         FROM events WHERE type = 'EnterpriseRegistered'
       )
       SELECT province, sum(CAST(replace(revenue, '.', '') AS INTEGER)) AS fen
       FROM latest JOIN regions USING (uscc) WHERE n = 1 GROUP BY province`,
    )
    .all(monthLabel(from), monthLabel(to)) as { province: string; fen: number }[];
  const ms = seconds(started) * 1000;
  db.close();
  return { ms, result: new Map(rows.map((r) => [r.province, String(r.fen)])) };
}
