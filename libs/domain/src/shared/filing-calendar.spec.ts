import { currentMonthInChina, currentYearInChina, filingDeadline, todayInChina } from './filing-calendar.js';

describe('the filing calendar (China time, UTC+8)', () => {
  it('turns the day, month and year over at midnight in China, 16:00 UTC', () => {
    expect([todayInChina('2025-12-31T15:59:59.999Z'), currentMonthInChina('2025-12-31T15:59:59.999Z'), currentYearInChina('2025-12-31T15:59:59.999Z')]).toEqual([
      '2025-12-31',
      '2025-12',
      2025,
    ]);
    expect([todayInChina('2025-12-31T16:00:00.000Z'), currentMonthInChina('2025-12-31T16:00:00.000Z'), currentYearInChina('2025-12-31T16:00:00.000Z')]).toEqual([
      '2026-01-01',
      '2026-01',
      2026,
    ]);
  });

  it('puts a month\'s deadline at the end of the 15th of the next month in China, across the year end', () => {
    expect(filingDeadline('2025-01')).toBe('2025-02-15T16:00:00.000Z');
    expect(filingDeadline('2025-12')).toBe('2026-01-15T16:00:00.000Z');
    expect(filingDeadline('2099-12')).toBe('2100-01-15T16:00:00.000Z');
  });
});
