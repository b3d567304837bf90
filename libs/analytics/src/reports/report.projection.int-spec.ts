import type { RecordedEvent } from '../../../event-store/src/index.js';
import { analyticsEngines, freshAnalyticsDatabase } from '../../../../test/support/chdb.js';
import { queryRows } from '../clickhouse.client.js';
import { projectEnterpriseEvents } from './report.projection.js';
import { ReportDeltaProjection } from './report-deltas.js';
import { Projector } from '../projector.js';
import { SqliteEventStore } from '../../../event-store/src/index.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { queryReportStatistics, reportStatisticsSql, type ReportStatisticsQuery } from './report-statistics.query.js';
import { monthIndex } from '../../../domain/src/index.js';

let position = 0;
const at = (recordedAt: string, streamId: string, type: string, data: Record<string, unknown>): RecordedEvent => ({
  streamId,
  revision: 1,
  position: ++position,
  type,
  data,
  metadata: { actor: 'test', role: 'admin' },
  recordedAt,
});

const A = '91330100MA0000001X';
const B = '91110107MA0000002X';
const registered = (uscc: string, regionCode: string, segment: string, t: string) =>
  at(t, `enterprise-${uscc}`, 'EnterpriseRegistered', { uscc, name: uscc, regionCode, segment, industryCode: null, productClasses: [], registeredOn: '2022-01-01' });
const filed = (uscc: string, period: string, revenue: string, employees: number, t: string, reportRevision = 1, type = 'MonthlyReportFiled') =>
  at(t, `enterprise-${uscc}`, type, { uscc, period, revenue, taxPaid: '1.00', employees, reportRevision, rules: [] });

const events = [
  registered(A, '330106', 'manufacturing', '2023-01-01T00:00:00.000Z'),
  registered(B, '110107', 'rental_service', '2023-01-01T00:00:00.000Z'),
  filed(A, '2023-01', '100.10', 10, '2023-02-05T00:00:00.000Z'),
  filed(A, '2023-02', '200.20', 12, '2023-03-05T00:00:00.000Z'),
  filed(B, '2023-02', '50.05', 7, '2023-03-06T00:00:00.000Z'),
  filed(A, '2023-02', '300.30', 14, '2023-04-01T00:00:00.000Z', 2, 'MonthlyReportCorrected'),
  at('2023-04-02T00:00:00.000Z', `enterprise-${A}`, 'EnterpriseRelocated', { uscc: A, regionCode: '110108', effectiveFrom: '2023-02' }),
];

const base: ReportStatisticsQuery = {
  indicator: 'revenue',
  fromMonth: monthIndex('2023-01'),
  toMonth: monthIndex('2023-03'),
  region: '',
  regionLength: 0,
  bySegment: false,
  bucket: 'none',
};

describe.each(analyticsEngines())('report projection against %s', (engine) => {
  it('projects events to rows and deltas and answers flows, stocks and as-of questions', async () => {
    const { client, db } = await freshAnalyticsDatabase(engine);
    const deltas = new ReportDeltaProjection(client, db);
    // Two batches: the correction's previous revision and A's directory entry come from ClickHouse.
    for (const batch of [events.slice(0, 5), events.slice(5)]) {
      const projected = await deltas.projectWithStocks(batch);
      const rows = { ...projectEnterpriseEvents(batch), report_deltas: projected.deltas, stock_latest: projected.stocks };
      for (const table of ['report_revisions', 'enterprise_locations', 'enterprise_attributes', 'report_deltas', 'stock_latest'] as const)
        if (rows[table].length) await client.insert({ table: `${db}.${table}`, values: rows[table] as unknown[], format: 'JSONEachRow' });
    }
    expect(await queryRows(client, `SELECT count() AS n FROM ${db}.report_revisions`)).toEqual([{ n: '4' }]);
    // Filings add their values, the correction its difference (300.30 − 200.20), the relocation moves A's February (30030) from 330106 to 110108.
    expect(
      await queryRows(client, `SELECT month, region_code, revenue_fen, employees, reports, position FROM ${db}.report_deltas WHERE uscc = {a:String} ORDER BY position, revenue_fen`, { a: A }),
    ).toEqual([
      { month: monthIndex('2023-01'), region_code: '330106', revenue_fen: '10010', employees: '10', reports: 1, position: '3' },
      { month: monthIndex('2023-02'), region_code: '330106', revenue_fen: '20020', employees: '12', reports: 1, position: '4' },
      { month: monthIndex('2023-02'), region_code: '330106', revenue_fen: '10010', employees: '2', reports: 0, position: '6' },
      { month: monthIndex('2023-02'), region_code: '330106', revenue_fen: '-30030', employees: '-14', reports: -1, position: '7' },
      { month: monthIndex('2023-02'), region_code: '110108', revenue_fen: '30030', employees: '14', reports: 1, position: '7' },
    ]);

    const q = async (over: Partial<ReportStatisticsQuery>) => (await queryReportStatistics(client, db, { ...base, ...over })).map(({ top: _top, ...row }) => row);
    expect(await q({})).toEqual([{ bucket: -1, region: '', segment: '', value: '45045', contributors: 2 }]);
    // The largest single enterprise's part (A: 10010 + 30030), for dominance rules.
    expect((await queryReportStatistics(client, db, base))[0].top).toBe('40040');
    expect((await queryReportStatistics(client, db, { ...base, indicator: 'employment' }))[0].top).toBe('14');
    // A cut-off position: only the events up to it (before the correction and the relocation).
    expect(await q({ upToPosition: 5 })).toEqual([{ bucket: -1, region: '', segment: '', value: '35035', contributors: 2 }]);
    expect(await q({ asOf: '2023-03-31T00:00:00.000Z' })).toEqual([{ bucket: -1, region: '', segment: '', value: '35035', contributors: 2 }]);
    // Relocation effective 2023-02: January counts in Hangzhou (33), February in Beijing (11).
    expect(await q({ regionLength: 2 })).toEqual([
      { bucket: -1, region: '11', segment: '', value: '35035', contributors: 2 },
      { bucket: -1, region: '33', segment: '', value: '10010', contributors: 1 },
    ]);
    // Before the relocation was recorded, A's months all count in Hangzhou.
    expect(await q({ regionLength: 2, asOf: '2023-04-01T12:00:00.000Z' })).toEqual([
      { bucket: -1, region: '11', segment: '', value: '5005', contributors: 1 },
      { bucket: -1, region: '33', segment: '', value: '40040', contributors: 1 },
    ]);
    expect(await q({ indicator: 'employment' })).toEqual([{ bucket: -1, region: '', segment: '', value: '21', contributors: 2 }]);
    expect(await q({ indicator: 'employment', bucket: 'month' })).toEqual([
      { bucket: monthIndex('2023-01'), region: '', segment: '', value: '10', contributors: 1 },
      { bucket: monthIndex('2023-02'), region: '', segment: '', value: '21', contributors: 2 },
    ]);
    expect(await q({ indicator: 'enterprises', bySegment: true })).toEqual([
      { bucket: -1, region: '', segment: 'manufacturing', value: '1', contributors: 1 },
      { bucket: -1, region: '', segment: 'rental_service', value: '1', contributors: 1 },
    ]);
    expect(await q({ indicator: 'tax', region: '33' })).toEqual([{ bucket: -1, region: '', segment: '', value: '100', contributors: 1 }]);
    // Monthly buckets without the largest part take the plain-sum path: the same cells as the per-enterprise path,
    // including after the relocation moved February and as of before it.
    for (const indicator of ['revenue', 'tax', 'employment', 'enterprises'] as const)
      for (const over of [{ regionLength: 0 }, { regionLength: 2 }, { regionLength: 6, bySegment: true }, { regionLength: 2, asOf: '2023-04-01T12:00:00.000Z' }, { upToPosition: 5 }]) {
        const plain = await q({ indicator, bucket: 'month', ...over });
        expect({ indicator, over, rows: plain }).toEqual({ indicator, over, rows: await q({ indicator, bucket: 'month', withTop: true, ...over }) });
        expect(plain.length).toBeGreaterThan(0);
      }
    // Current flows over whole years take the per-enterprise-year projection: the same rows, largest part included.
    const year = { fromMonth: monthIndex('2023-01'), toMonth: monthIndex('2023-12') };
    for (const indicator of ['revenue', 'tax', 'enterprises'] as const)
      for (const over of [{ regionLength: 0 }, { regionLength: 2 }, { regionLength: 6, bySegment: true }, { bucket: 'year' as const, regionLength: 2 }]) {
        const question = { ...base, ...year, indicator, ...over };
        expect(reportStatisticsSql(question)).toContain('intDiv(month, 12) BETWEEN');
        const yearly = await queryReportStatistics(client, db, question);
        expect(yearly.length).toBeGreaterThan(0);
        expect({ indicator, over, rows: yearly }).toEqual({ indicator, over, rows: await queryReportStatistics(client, db, { ...question, asOf: '2299-01-01T00:00:00.000Z' }) });
      }
    // Current stocks over whole years read stock_latest: the same rows as the deltas' stock path, after the relocation too.
    for (const over of [{ regionLength: 0 }, { regionLength: 2 }, { regionLength: 6, bySegment: true }, { bucket: 'year' as const, regionLength: 2 }]) {
      const question = { ...base, ...year, indicator: 'employment' as const, ...over };
      expect(reportStatisticsSql(question)).toContain('stock_latest');
      const stocks = await queryReportStatistics(client, db, question);
      expect(stocks.length).toBeGreaterThan(0);
      expect({ over, rows: stocks }).toEqual({ over, rows: await queryReportStatistics(client, db, { ...question, asOf: '2299-01-01T00:00:00.000Z' }) });
    }
    const plan = await client.query({
      query: `EXPLAIN ${reportStatisticsSql({ ...base, ...year })}`,
      query_params: { db, indicator: 'revenue', fromYear: 2023, toYear: 2023, region: '', regionLength: 2, bySegment: false, bucket: 'none' },
      format: 'TabSeparatedRaw',
    });
    expect(await plan.text()).toContain('ReadFromMergeTree (by_enterprise_year)');
    // Current monthly series take the per-month-and-cell projection (compared with the per-enterprise path above).
    const monthly = { ...base, bucket: 'month' as const, regionLength: 2 };
    const monthlyPlan = await client.query({
      query: `EXPLAIN ${reportStatisticsSql(monthly)}`,
      query_params: { db, indicator: 'revenue', fromMonth: base.fromMonth, toMonth: base.toMonth, region: '', regionLength: 2, bySegment: false, bucket: 'month' },
      format: 'TabSeparatedRaw',
    });
    expect(await monthlyPlan.text()).toContain('ReadFromMergeTree (by_month_cell)');
    expect(await q({ regionLength: 2, bucket: 'month' })).toEqual([
      { bucket: monthIndex('2023-01'), region: '33', segment: '', value: '10010', contributors: 1 },
      { bucket: monthIndex('2023-02'), region: '11', segment: '', value: '35035', contributors: 2 },
    ]);
  });

  it('retries a batch whose insert failed after ClickHouse took it, counting it once even where inserts are deduplicated', async () => {
    const { client, db } = await freshAnalyticsDatabase(engine);
    // Deduplication as Replicated tables do it: a retry must not be taken for the block it replaces.
    for (const table of ['report_deltas', 'event_log', 'report_revisions'])
      await client.command({ query: `ALTER TABLE ${db}.${table} MODIFY SETTING non_replicated_deduplication_window = 100` });
    const store = new SqliteEventStore(join(mkdtempSync(join(tmpdir(), 'fuju-projector-')), 'events.sqlite'));
    let failures = 0;
    // The first insert into report_deltas reaches ClickHouse, then its answer is lost (a timeout on this side).
    const flaky = new Proxy(client, {
      get(target, name, receiver) {
        if (name !== 'insert') return Reflect.get(target, name, receiver);
        return async (params: Parameters<typeof client.insert>[0]) => {
          const result = await target.insert(params);
          if (params.table === `${db}.report_deltas` && failures++ === 0) throw new Error('Timeout error.');
          return result;
        };
      },
    });
    try {
      for (const e of events) await store.append(e.streamId, [{ type: e.type, data: e.data, metadata: e.metadata }], { expectedRevision: 'any', recordedAt: e.recordedAt });
      const projector = new Projector(store, flaky, db, { log: () => undefined, error: () => undefined }, 3);
      await projector.start();
      expect(await projector.waitFor(7, 20_000)).toBe(true);
      await projector.stop();
      expect(failures).toBeGreaterThan(1);
      expect((await queryReportStatistics(client, db, base))[0]?.value).toBe('45045');
      expect(await queryRows(client, `SELECT toString(count()) AS n FROM ${db}.report_deltas`)).toEqual([{ n: '6' }]);
      expect(await queryRows(client, `SELECT toString(count()) AS n FROM ${db}.event_log`)).toEqual([{ n: '7' }]);
    } finally {
      await store.close();
    }
  });

  it('never counts a batch twice when a crash cut it off before its checkpoint', async () => {
    const { client, db } = await freshAnalyticsDatabase(engine);
    const store = new SqliteEventStore(join(mkdtempSync(join(tmpdir(), 'fuju-projector-')), 'events.sqlite'));
    try {
      for (const e of events) await store.append(e.streamId, [{ type: e.type, data: e.data, metadata: e.metadata }], { expectedRevision: 'any', recordedAt: e.recordedAt });
      const projector = new Projector(store, client, db, undefined, 3);
      await projector.start();
      expect(await projector.waitFor(7, 20_000)).toBe(true);
      await projector.stop();
      const figure = async () => (await queryReportStatistics(client, db, base))[0]?.value;
      expect(await figure()).toBe('45045');
      // A crash after the rows of events 4..7 reached ClickHouse but before their checkpoints: rows stay, the checkpoint goes back.
      await client.command({ query: `DELETE FROM ${db}.projector_checkpoints WHERE position > 3` });
      expect(await queryRows(client, `SELECT toString(max(position)) AS p FROM ${db}.projector_checkpoints`)).toEqual([{ p: '3' }]);
      const restarted = new Projector(store, client, db, undefined, 3);
      await restarted.start();
      expect(await restarted.waitFor(7, 20_000)).toBe(true);
      await restarted.stop();
      // Events 4..7 were projected again; their rows are in ClickHouse once (the relocation's move is two rows).
      expect(await queryRows(client, `SELECT toString(count()) AS n FROM ${db}.report_deltas WHERE position >= 4`)).toEqual([{ n: '5' }]);
      expect(await queryRows(client, `SELECT toString(count()) AS n FROM ${db}.event_log`)).toEqual([{ n: '7' }]);
      expect(await figure()).toBe('45045');
      // A rebuild in small batches (4 events per read): the correction's previous revision is in the batch before,
      // whose insert may still be running; the relocation waits for the inserts before it.
      const rebuilder = new Projector(store, client, db, undefined, 1);
      expect(await rebuilder.rebuild()).toEqual({ processed: 7, total: 7 });
      await rebuilder.stop();
      expect(await figure()).toBe('45045');
      expect(await queryRows(client, `SELECT toString(sum(revenue_fen)) AS r, toString(count()) AS n FROM ${db}.report_deltas WHERE region_code = '110108'`)).toEqual([{ r: '30030', n: '1' }]);
      expect(await queryRows(client, `SELECT toString(count()) AS n FROM ${db}.report_deltas`)).toEqual([{ n: '6' }]);
    } finally {
      await store.close();
    }
  });
});
