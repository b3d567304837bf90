import { monthIndex } from '../../../domain/src/index.js';
import type { PanelUnit, UnitPanel } from '../reports/unit-panel.query.js';
import { unitCells, type UnitCellQuestion } from './imputation.js';

/**
 * When a month becomes owed (issue 20): only once its filing deadline — the 15th of the next month,
 * end of day in China (16:00 UTC) — has passed at the instant asked. Before that, a month not filed
 * is neither missing nor estimated.
 */
const unit = (month: string, revenue: number): PanelUnit => ({ month: monthIndex(month), region: '330106', segment: 'manufacturing', revenue, tax: 0, employees: 5 });

const panel: UnitPanel = {
  enterprises: new Map([
    ['A', { uscc: 'A', registeredMonth: monthIndex('2024-01'), deregisteredMonth: null, segment: 'manufacturing', locations: [{ from: monthIndex('2024-01'), region: '330106' }] }],
  ]),
  // A filed January and February 2024; March is the month in question; its deadline is 2024-04-15 in China.
  filed: new Map([['A', new Map([unit('2024-01', 1000), unit('2024-02', 1200)].map((u) => [u.month, u]))]]),
  before: new Map(),
};

const march = (at: string): UnitCellQuestion => ({
  indicator: 'revenue',
  fromMonth: monthIndex('2024-03'),
  toMonth: monthIndex('2024-03'),
  bucket: 'none',
  region: '33',
  regionLength: 0,
  bySegment: false,
  at,
});

describe('owed months and their estimates (issue 20)', () => {
  it('owes nothing before the deadline has passed', () => {
    // 2024-04-15 23:59:59 in China is 15:59:59 UTC: the deadline has not passed.
    expect(unitCells(panel, march('2024-04-15T15:59:59.000Z'))).toEqual([]);
  });

  it('owes the month once the deadline has passed, and carries February forward (no March a year earlier)', () => {
    expect(unitCells(panel, march('2024-04-15T16:00:00.001Z'))).toEqual([
      {
        bucket: -1,
        region: '',
        segment: '',
        value: 1200n,
        imputed: 1200n,
        contributors: 1,
        imputedContributors: 1,
        top: 1200n,
        response: { expected: 1, filed: 0, rate: 0, weightedRate: null, reportsExpected: 1, reportsFiled: 0 },
      },
    ]);
  });

  it('owes nothing from the deregistration month on', () => {
    const gone: UnitPanel = { ...panel, enterprises: new Map([['A', { ...panel.enterprises.get('A')!, deregisteredMonth: monthIndex('2024-03') }]]) };
    expect(unitCells(gone, march('2025-01-01T00:00:00.000Z'))).toEqual([]);
  });
});
