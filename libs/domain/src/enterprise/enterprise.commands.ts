import { isSegment, normaliseProductClass, SEGMENTS, type Segment } from '../../../reference/src/index.js';
import { ValidationFailedError } from '../errors.js';
import type { CommandContext } from '../shared/event.js';
import { currentMonthInChina, currentYearInChina } from '../shared/filing-calendar.js';
import { annualFigureEdits, type AnnualValues } from './annual-report-edits.js';
import { nameProblem, normaliseText, REASON_MIN_WEIGHT, substantiveTextProblem } from '../shared/text.js';
import { FieldParser, type CountyCode, type Fen, type Month, type Uscc } from '../shared/values.js';
import { figureEdits } from './report-edits.js';
import { DEREGISTRATION_KINDS } from './enterprise.events.js';

/**
 * The enterprise's commands, parsed (issue 17: parse once). Raw input — an HTTP body, an import
 * line, a demo record — becomes a command only through the parse functions below, at the edge;
 * the decider receives parsed commands and checks only what needs the enterprise's state.
 * A USCC is parsed where an enterprise comes into being (registration); elsewhere it only names
 * the stream, and an unknown one is the decider's NotFound.
 */
export type RegisterEnterprise = {
  type: 'RegisterEnterprise';
  data: { uscc: Uscc; name: string; regionCode: CountyCode; segment: Segment; industryCode: string | null; productClasses: string[]; registeredOn: string };
  context: CommandContext;
};

export type RelocateEnterprise = {
  type: 'RelocateEnterprise';
  data: { uscc: string; regionCode: CountyCode; effectiveFrom: Month };
  context: CommandContext;
};

export type DeregisterEnterprise = {
  type: 'DeregisterEnterprise';
  data: { uscc: string; effectiveFrom: Month; reason: string; kind: (typeof DEREGISTRATION_KINDS)[number] };
  context: CommandContext;
};

export type FileMonthlyReport = {
  type: 'FileMonthlyReport';
  data: { uscc: string; period: Month; revenue: Fen; taxPaid: Fen; employees: number; explanations?: Record<string, string>; reason: string };
  context: CommandContext;
};

/** The annual report (年报) of a year that has ended: revenue by declared class, export revenue, R&D spending, year-end employment. */
export type FileAnnualReport = {
  type: 'FileAnnualReport';
  data: { uscc: string; year: number; values: AnnualValues; explanations?: Record<string, string>; reason: string };
  context: CommandContext;
};

/** Corrects the register's details; absent fields stay as they are. A segment change re-files the enterprise's history under the new segment. */
export type AmendEnterpriseDetails = {
  type: 'AmendEnterpriseDetails';
  data: { uscc: string; name?: string; segment?: Segment; industryCode?: string | null; productClasses?: string[] };
  context: CommandContext;
};

/** Review (审核) of a filed report by the bureau of the enterprise's region, and the enterprise's answer. */
export type QueryFiling = { type: 'QueryFiling'; data: { uscc: string; period: Month; question: string }; context: CommandContext };
export type AnswerQuery = { type: 'AnswerQuery'; data: { uscc: string; period: Month; queryId: string; answer: string }; context: CommandContext };
export type ReturnFiling = { type: 'ReturnFiling'; data: { uscc: string; period: Month; reason: string }; context: CommandContext };
export type AcceptFiling = { type: 'AcceptFiling'; data: { uscc: string; period: Month }; context: CommandContext };
/** Reminds an enterprise of a month it has not filed (a no-op once reminded, or once filed). */
export type SendFilingReminder = { type: 'SendFilingReminder'; data: { uscc: string; period: Month }; context: CommandContext };
export type ReviewCommand = QueryFiling | AnswerQuery | ReturnFiling | AcceptFiling | SendFilingReminder;

export type EnterpriseCommand = RegisterEnterprise | AmendEnterpriseDetails | RelocateEnterprise | DeregisterEnterprise | FileMonthlyReport | FileAnnualReport | ReviewCommand;

/** The commands as they arrive: every field as the wire carries it. */
export type RawEnterpriseCommand =
  | { type: 'RegisterEnterprise'; data: { uscc: string; name: string; regionCode: string; segment: string; industryCode?: string | null; productClasses: string[]; registeredOn: string } }
  | { type: 'RelocateEnterprise'; data: { uscc: string; regionCode: string; effectiveFrom: string } }
  | { type: 'DeregisterEnterprise'; data: { uscc: string; effectiveFrom: string; reason: string; kind?: string } }
  | {
      type: 'FileMonthlyReport';
      data: { uscc: string; period: string; revenue: string; taxPaid: string; employees: number; explanations?: Record<string, string>; reason?: string };
    }
  | {
      type: 'FileAnnualReport';
      data: { uscc: string; year: string | number; revenueByClass: unknown; exportRevenue: unknown; rdSpending: unknown; employees: unknown; explanations?: Record<string, string>; reason?: string };
    }
  | { type: 'AmendEnterpriseDetails'; data: { uscc: string; name?: string; segment?: string; industryCode?: string | null; productClasses?: string[] } }
  | { type: 'QueryFiling'; data: { uscc: string; period: string; question: string } }
  | { type: 'AnswerQuery'; data: { uscc: string; period: string; queryId: string; answer: string } }
  | { type: 'ReturnFiling'; data: { uscc: string; period: string; reason: string } }
  | { type: 'AcceptFiling'; data: { uscc: string; period: string } }
  | { type: 'SendFilingReminder'; data: { uscc: string; period: string } };

type RawData<T extends RawEnterpriseCommand['type']> = Extract<RawEnterpriseCommand, { type: T }>['data'];
type Parsed<T extends EnterpriseCommand['type']> = Omit<Extract<EnterpriseCommand, { type: T }>, 'context'>;

/** Parses any enterprise command (`now` bounds dates and periods: nothing in the future). */
export function parseEnterpriseCommand(raw: RawEnterpriseCommand, now: string): Omit<EnterpriseCommand, 'context'> {
  switch (raw.type) {
    case 'RegisterEnterprise':
      return parseRegisterEnterprise(raw.data, now);
    case 'RelocateEnterprise':
      return parseRelocateEnterprise(raw.data);
    case 'DeregisterEnterprise':
      return parseDeregisterEnterprise(raw.data);
    case 'FileMonthlyReport':
      return parseFileMonthlyReport(raw.data, now);
    case 'FileAnnualReport':
      return parseFileAnnualReport(raw.data, now);
    case 'AmendEnterpriseDetails':
      return parseAmendEnterpriseDetails(raw.data);
    case 'QueryFiling':
    case 'AnswerQuery':
    case 'ReturnFiling':
    case 'AcceptFiling':
    case 'SendFilingReminder':
      return parseReviewCommand(raw);
    default: {
      const _exhaustive: never = raw;
      throw new Error(`unknown command ${JSON.stringify(_exhaustive)}`);
    }
  }
}

function productClassesOf(f: FieldParser, classes: readonly unknown[]): string[] {
  const out: string[] = [];
  classes.forEach((code, i) => {
    const normalised = typeof code === 'string' ? normaliseProductClass(code) : undefined;
    if (!normalised) f.check(`productClasses.${i}`, 'must be an ISO 9999 class or subclass such as "12" or "12 22"');
    else if (!out.includes(normalised)) out.push(normalised);
  });
  return out;
}

export function parseRegisterEnterprise(d: RawData<'RegisterEnterprise'>, now: string): Parsed<'RegisterEnterprise'> {
  const f = new FieldParser();
  const uscc = f.uscc('uscc', d.uscc);
  f.check('name', nameProblem(d.name));
  const regionCode = f.countyCode('regionCode', d.regionCode);
  if (!isSegment(d.segment)) f.check('segment', `must be one of ${SEGMENTS.join(', ')}`);
  if (d.industryCode != null && !/^\d{4}$/.test(d.industryCode)) f.check('industryCode', 'must be a 4-digit GB/T 4754-2017 class such as 3586');
  const productClasses = productClassesOf(f, d.productClasses ?? []);
  const registeredOn = f.date('registeredOn', d.registeredOn, now);
  f.done();
  return {
    type: 'RegisterEnterprise',
    data: { uscc, name: normaliseText(d.name), regionCode, segment: d.segment as Segment, industryCode: d.industryCode ?? null, productClasses, registeredOn },
  };
}

export function parseAmendEnterpriseDetails(d: RawData<'AmendEnterpriseDetails'>): Parsed<'AmendEnterpriseDetails'> {
  const f = new FieldParser();
  if (d.name !== undefined) f.check('name', nameProblem(d.name));
  if (d.segment !== undefined && !isSegment(d.segment)) f.check('segment', `must be one of ${SEGMENTS.join(', ')}`);
  if (d.industryCode !== undefined && d.industryCode !== null && !/^\d{4}$/.test(d.industryCode))
    f.check('industryCode', 'must be a 4-digit GB/T 4754-2017 class such as 3586, or null');
  let productClasses: string[] | undefined;
  if (d.productClasses !== undefined) {
    if (!Array.isArray(d.productClasses)) f.check('productClasses', 'must be a list of ISO 9999 classes');
    else productClasses = productClassesOf(f, d.productClasses);
  }
  f.done();
  if (d.name === undefined && d.segment === undefined && d.industryCode === undefined && d.productClasses === undefined)
    throw ValidationFailedError.field('name', 'name, segment, industryCode or productClasses: give at least one detail to amend');
  return {
    type: 'AmendEnterpriseDetails',
    data: {
      uscc: d.uscc,
      ...(d.name !== undefined ? { name: normaliseText(d.name) } : {}),
      ...(d.segment !== undefined ? { segment: d.segment as Segment } : {}),
      ...(d.industryCode !== undefined ? { industryCode: d.industryCode } : {}),
      ...(productClasses ? { productClasses } : {}),
    },
  };
}

export function parseRelocateEnterprise(d: RawData<'RelocateEnterprise'>): Parsed<'RelocateEnterprise'> {
  const f = new FieldParser();
  const regionCode = f.countyCode('regionCode', d.regionCode);
  const effectiveFrom = f.month('effectiveFrom', d.effectiveFrom);
  f.done();
  return { type: 'RelocateEnterprise', data: { uscc: d.uscc, regionCode, effectiveFrom } };
}

export function parseDeregisterEnterprise(d: RawData<'DeregisterEnterprise'>): Parsed<'DeregisterEnterprise'> {
  const f = new FieldParser();
  const effectiveFrom = f.month('effectiveFrom', d.effectiveFrom);
  f.check('reason', substantiveTextProblem(d.reason, REASON_MIN_WEIGHT));
  const kind = d.kind ?? 'other';
  if (!(DEREGISTRATION_KINDS as readonly string[]).includes(kind)) f.check('kind', `must be one of ${DEREGISTRATION_KINDS.join(', ')}`);
  f.done();
  return { type: 'DeregisterEnterprise', data: { uscc: d.uscc, effectiveFrom, reason: normaliseText(d.reason), kind: kind as (typeof DEREGISTRATION_KINDS)[number] } };
}

export function parseFileMonthlyReport(d: RawData<'FileMonthlyReport'>, now: string): Parsed<'FileMonthlyReport'> {
  const f = new FieldParser();
  const period = f.month('period', d.period);
  if (!f.failed('period') && period > currentMonthInChina(now)) f.check('period', `must not be after the current month ${currentMonthInChina(now)}`);
  const figures = figureEdits(d);
  for (const problem of figures.problems) f.check(problem.path, problem.message);
  for (const [rule, text] of Object.entries(d.explanations ?? {})) if (typeof text !== 'string') f.check(`explanations.${rule}`, 'must be a written explanation');
  f.done();
  return {
    type: 'FileMonthlyReport',
    data: {
      uscc: d.uscc,
      period,
      revenue: figures.values?.revenueFen as Fen,
      taxPaid: figures.values?.taxFen as Fen,
      employees: d.employees,
      ...(d.explanations ? { explanations: d.explanations } : {}),
      reason: typeof d.reason === 'string' ? normaliseText(d.reason) : '',
    },
  };
}

/** The earliest year an annual report may be for (the periods' range). */
const FIRST_YEAR = 2000;

export function parseFileAnnualReport(d: RawData<'FileAnnualReport'>, now: string): Parsed<'FileAnnualReport'> {
  const f = new FieldParser();
  const year = typeof d.year === 'number' ? d.year : /^\d{4}$/.test(String(d.year)) ? Number(d.year) : NaN;
  const current = currentYearInChina(now);
  if (!Number.isInteger(year) || year < FIRST_YEAR) f.check('year', `must be a year YYYY from ${FIRST_YEAR}`);
  else if (year >= current) f.check('year', `must be a year that has ended: ${current - 1} or before`);
  const figures = annualFigureEdits(d);
  for (const problem of figures.problems) f.check(problem.path, problem.message);
  if (d.explanations !== undefined && (typeof d.explanations !== 'object' || d.explanations === null)) f.check('explanations', 'must be an object of rule id → written explanation');
  else for (const [rule, text] of Object.entries(d.explanations ?? {})) if (typeof text !== 'string') f.check(`explanations.${rule}`, 'must be a written explanation');
  if (d.reason !== undefined && typeof d.reason !== 'string') f.check('reason', 'must be a written reason');
  f.done();
  return {
    type: 'FileAnnualReport',
    data: {
      uscc: d.uscc,
      year,
      values: figures.values!,
      ...(d.explanations ? { explanations: d.explanations } : {}),
      reason: typeof d.reason === 'string' ? normaliseText(d.reason) : '',
    },
  };
}

/** Parses a review command: a month, and a written question, answer or reason where it takes one. */
export function parseReviewCommand(raw: Extract<RawEnterpriseCommand, { type: ReviewCommand['type'] }>): Omit<ReviewCommand, 'context'> {
  const f = new FieldParser();
  const period = f.month('period', raw.data.period);
  const texts: Record<string, string> = {};
  for (const field of ['question', 'answer', 'reason'] as const) {
    const text = (raw.data as Record<string, unknown>)[field];
    if (text === undefined) continue;
    f.check(field, substantiveTextProblem(text as string, REASON_MIN_WEIGHT));
    texts[field] = normaliseText(String(text));
  }
  if (raw.type === 'AnswerQuery' && !/^\d{4}-\d{2}-q\d{1,4}$/.test(raw.data.queryId)) f.check('queryId', 'must be the id of a query on this report, such as 2024-05-q1');
  f.done();
  return { type: raw.type, data: { ...raw.data, ...texts, period } } as Omit<ReviewCommand, 'context'>;
}
