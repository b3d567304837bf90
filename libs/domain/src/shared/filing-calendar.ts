/**
 * The one calendar of filings: China time (UTC+8, no daylight saving). Days, months and years of
 * filings, and the deadline of a month's report, are all reckoned here (issue 17: the offset used to
 * be written out by hand in four places).
 */
const CHINA_OFFSET_MS = 8 * 3600_000;

/** The instant as China's wall clock reads it (an ISO string whose fields are China's date and time). */
function inChina(now: string): string {
  return new Date(Date.parse(now) + CHINA_OFFSET_MS).toISOString();
}

/** Today's date in China, YYYY-MM-DD. */
export function todayInChina(now: string): string {
  return inChina(now).slice(0, 10);
}

/** The current month in China, YYYY-MM: it bounds the periods that can be filed. */
export function currentMonthInChina(now: string): string {
  return inChina(now).slice(0, 7);
}

/** The current year in China. */
export function currentYearInChina(now: string): number {
  return Number(inChina(now).slice(0, 4));
}

/** The filing deadline of a month's report: the 15th of the following month, end of day in China (an instant, ISO). */
export function filingDeadline(period: string): string {
  const [y, m] = period.split('-').map(Number);
  return new Date(Date.UTC(y, m, 16) - CHINA_OFFSET_MS).toISOString();
}

/**
 * The filing deadline of a year's annual report (年报): 31 March of the following year, end of day
 * in China (an instant, ISO). A year can be reported once it has ended.
 */
export function annualFilingDeadline(year: number): string {
  return new Date(Date.UTC(year + 1, 3, 1) - CHINA_OFFSET_MS).toISOString();
}
