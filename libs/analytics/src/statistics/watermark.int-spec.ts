import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findIndicator, parseQuestion, Projector, ProjectionProgress, publishedValue, queryFilingCompliance, StatisticsService, type AnalyticsConfig, type RebuildProgress } from '../index.js';
import { monthIndex } from '../../../domain/src/index.js';
import { SqliteEventStore } from '../../../event-store/src/index.js';
import { freshAnalyticsDatabase } from '../../../../test/support/chdb.js';

/** A projection reported at a given low watermark, fed by Kafka or not. */
class At extends ProjectionProgress {
  readonly error = undefined;
  readonly isRebuilding = false;
  readonly projectsHere = true;
  constructor(
    readonly position: number,
    readonly kafka: { status: 'up' | 'down'; deadLettered: number } | undefined,
  ) {
    super();
  }
  async waitFor(): Promise<boolean> {
    return true;
  }
  async rebuild(): Promise<RebuildProgress> {
    return { processed: 0, total: 0 };
  }
}

/**
 * Issue 16: fed by Kafka, partitions are projected side by side, so ClickHouse may hold a later
 * event without an earlier one; statistics then stop at the low watermark and answer the figure of
 * one prefix of the log.
 */
describe('statistics and monitoring read at the low watermark', () => {
  it('answers the prefix of the log up to the watermark in Kafka mode, everything projected otherwise', async () => {
    const { client, db } = await freshAnalyticsDatabase();
    const store = new SqliteEventStore(join(mkdtempSync(join(tmpdir(), 'fuju-watermark-')), 'events.sqlite'));
    try {
      const A = 'enterprise-91330100MA0000001X';
      const B = 'enterprise-91110107MA0000002X';
      const meta = { actor: 'test', role: 'admin' };
      const register = (uscc: string, regionCode: string) => ({ type: 'EnterpriseRegistered', data: { uscc, name: uscc, regionCode, segment: 'manufacturing', industryCode: null, productClasses: [], registeredOn: '2022-01-01' }, metadata: meta });
      const file = (uscc: string, period: string, revenue: string) => ({ type: 'MonthlyReportFiled', data: { uscc, period, revenue, taxPaid: '1.00', employees: 5, reportRevision: 1, rules: [] }, metadata: meta });
      await store.append(A, [register('91330100MA0000001X', '330106')], { expectedRevision: 0 }); // 1
      await store.append(B, [register('91110107MA0000002X', '110107')], { expectedRevision: 0 }); // 2
      await store.append(A, [file('91330100MA0000001X', '2023-01', '100.10')], { expectedRevision: 1 }); // 3
      await store.append(A, [file('91330100MA0000001X', '2023-02', '200.20')], { expectedRevision: 2 }); // 4
      await store.append(B, [file('91110107MA0000002X', '2023-02', '50.05')], { expectedRevision: 1 }); // 5
      const projector = new Projector(store, client, db, undefined, 100);
      await projector.start();
      expect(await projector.waitFor(5, 20_000)).toBe(true);
      await projector.stop();

      const config = { database: db, chdbPath: '' } as AnalyticsConfig;
      const indicator = findIndicator('revenue')!;
      const revenue = async (progress: ProjectionProgress) =>
        (await new StatisticsService(client, config, progress).figures(parseQuestion({ period: '2023-Q1' }, indicator))).figures.map((f) => [publishedValue(indicator, f.value), f.contributors]);
      // Kafka, watermark 4: the filing at 5 (B's February) is in ClickHouse but not yet below the watermark.
      expect(await revenue(new At(4, { status: 'up', deadLettered: 0 }))).toEqual([['300.30', 1]]);
      expect(await revenue(new At(5, { status: 'up', deadLettered: 0 }))).toEqual([['350.35', 2]]);
      // Embedded, the projector writes in log order: no cut.
      expect(await revenue(new At(4, undefined))).toEqual([['350.35', 2]]);
      // Monitoring lists are cut the same way: at 4, B has not filed February yet.
      const filedFebruary = async (upTo?: number) =>
        (await queryFilingCompliance(client, db, { month: monthIndex('2023-02'), period: '2023-02', region: '', ...(upTo ? { upTo } : {}) })).map((r) => [r.uscc, r.firstFiledAt !== null]);
      expect(await filedFebruary(4)).toEqual([
        ['91110107MA0000002X', false],
        ['91330100MA0000001X', true],
      ]);
      expect(await filedFebruary()).toEqual([
        ['91110107MA0000002X', true],
        ['91330100MA0000001X', true],
      ]);
    } finally {
      await store.close();
    }
  });
});
