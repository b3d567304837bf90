import type { RecordedEvent } from '../../event-store/src/index.js';
import { freshAnalyticsDatabase } from '../../../test/support/chdb.js';
import { queryRows } from './clickhouse.client.js';
import { projectEnterpriseEvents } from './report.projection.js';
import { queryReportStatistics, type ReportStatisticsQuery } from './statistics.query.js';
import { monthIndex } from '../../domain/src/index.js';

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

describe('report projection against chDB', () => {
  it('projects events to rows and answers flows, stocks and as-of questions, never counting a replay twice', async () => {
    const { client, db } = await freshAnalyticsDatabase();
    const rows = projectEnterpriseEvents(events);
    // Insert everything twice: a replayed batch must not change any figure.
    for (let i = 0; i < 2; i++) {
      for (const table of ['report_revisions', 'enterprise_locations', 'enterprise_attributes'] as const)
        await client.insert({ table: `${db}.${table}`, values: rows[table] as unknown[], format: 'JSONEachRow' });
    }
    expect(await queryRows(client, `SELECT count() AS n FROM ${db}.report_revisions`)).toEqual([{ n: '8' }]);

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
  });
});
