import { monthIndex, parsePeriod, periodLabelOf, periodsBetween } from './period.js';

describe('periods', () => {
  it('parses months, quarters and years into month ranges', () => {
    expect(parsePeriod('2024-03')).toEqual({ label: '2024-03', kind: 'month', fromMonth: 2024 * 12 + 2, toMonth: 2024 * 12 + 2 });
    expect(parsePeriod('2024-Q2')).toEqual({ label: '2024-Q2', kind: 'quarter', fromMonth: 2024 * 12 + 3, toMonth: 2024 * 12 + 5 });
    expect(parsePeriod('2024')).toEqual({ label: '2024', kind: 'year', fromMonth: 2024 * 12, toMonth: 2024 * 12 + 11 });
    expect(parsePeriod('2024-13')).toBeUndefined();
    expect(parsePeriod('2024-Q5')).toBeUndefined();
  });

  it('labels and enumerates sub-periods', () => {
    expect(periodLabelOf(monthIndex('2024-11'), 'quarter')).toBe('2024-Q4');
    expect(periodsBetween(monthIndex('2023-11'), monthIndex('2024-02'), 'quarter').map((p) => p.label)).toEqual(['2023-Q4', '2024-Q1']);
  });
});
