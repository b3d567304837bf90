import type { Segment } from '../../../reference/src/index.js';
import {
  ConflictError,
  ExplanationRequiredError,
  NotFoundError,
  RuleViolationError,
  ValidationFailedError,
  type FieldProblem,
} from '../errors.js';
import { metadataOf } from '../shared/event.js';
import { formatFen, parseYuan } from '../shared/money.js';
import { monthIndex, monthLabel } from '../shared/period.js';
import { annualSoftEditRuns, OTHER_CLASS, type AnnualValues } from './annual-report-edits.js';
import type { AnnualReportCorrected, AnnualReportFiled, DeregistrationKind, EnterpriseEvent, FilingAccepted, FilingQueried, FilingReturned, MonthlyReportCorrected, MonthlyReportFiled, QueryAnswered, RuleRun } from './enterprise.events.js';
import { enterpriseStreamId } from './enterprise.events.js';
import { normaliseText, REASON_MIN_WEIGHT, substantiveTextProblem } from '../shared/text.js';
import { softEditRuns } from './report-edits.js';
import { explanationProblem, type ReportValues } from './soft-edit-rules.js';
import { inForceAt, type Decider } from '../shared/decider.js';
import type {
  AcceptFiling,
  AmendEnterpriseDetails,
  AnswerQuery,
  DeregisterEnterprise,
  EnterpriseCommand,
  FileAnnualReport,
  FileMonthlyReport,
  QueryFiling,
  RegisterEnterprise,
  RelocateEnterprise,
  ReturnFiling,
  SendFilingReminder,
} from './enterprise.commands.js';

export interface ReportState extends ReportValues {
  readonly revision: number;
}

/** An annual report as last filed or corrected. */
export interface AnnualReportState {
  readonly revision: number;
  /** Revenue per class key, fen. */
  readonly revenueByClass: Readonly<Record<string, number>>;
  readonly revenueFen: number;
  readonly exportFen: number;
  readonly rdFen: number;
  readonly employees: number;
}

export interface EnterpriseState {
  readonly status: 'unregistered' | 'active' | 'deregistered';
  readonly uscc: string;
  readonly name: string;
  readonly regionCode: string;
  readonly segment: Segment | null;
  readonly industryCode: string | null;
  readonly productClasses: readonly string[];
  readonly registeredOn: string;
  readonly deregisteredFrom: string | null;
  /** How it left the register (schema v2 of EnterpriseDeregistered), or null while registered. */
  readonly deregistrationKind: DeregistrationKind | null;
  readonly locations: readonly { regionCode: string; effectiveFrom: string }[];
  readonly reports: Readonly<Record<string, ReportState>>;
  /** Annual reports (年报) by year. */
  readonly annualReports: Readonly<Record<number, AnnualReportState>>;
  /** The review (审核) of each filed month. */
  readonly reviews: Readonly<Record<string, ReviewState>>;
  /** Months the enterprise was reminded of (催报). */
  readonly reminded: Readonly<Record<string, true>>;
}

export interface QueryState {
  readonly question: string;
  /** The report revision the question was about. */
  readonly reportRevision: number;
  readonly answer: string | null;
  /** Open until answered or the report corrected. */
  readonly closedBy: 'answer' | 'correction' | null;
}

export interface ReviewState {
  readonly queries: Readonly<Record<string, QueryState>>;
  /** Why the report was sent back, until a correction. */
  readonly returned: string | null;
  /** The revision accepted last (a correction after it re-opens review). */
  readonly acceptedRevision: number | null;
}

/** Where a filed report stands in review: accepted at its current revision, sent back, asked about, or waiting. */
export type ReviewStatus = 'submitted' | 'queried' | 'returned' | 'accepted';

const NO_REVIEW: ReviewState = { queries: {}, returned: null, acceptedRevision: null };

/** A filed month's review status (undefined when the month is not filed). */
export function reviewStatusOf(state: EnterpriseState, period: string): ReviewStatus | undefined {
  const report = state.reports[period];
  if (!report) return undefined;
  const review = state.reviews[period] ?? NO_REVIEW;
  if (review.returned !== null) return 'returned';
  if (Object.values(review.queries).some((q) => q.closedBy === null)) return 'queried';
  return review.acceptedRevision === report.revision ? 'accepted' : 'submitted';
}

/** The queries of a month still waiting for an answer or a correction, by id. */
export function openQueriesOf(state: EnterpriseState, period: string): [string, QueryState][] {
  return Object.entries(state.reviews[period]?.queries ?? {}).filter(([, q]) => q.closedBy === null);
}


export const initialEnterpriseState = (): EnterpriseState => ({
  status: 'unregistered',
  uscc: '',
  name: '',
  regionCode: '',
  segment: null,
  industryCode: null,
  productClasses: [],
  registeredOn: '',
  deregisteredFrom: null,
  deregistrationKind: null,
  locations: [],
  reports: {},
  annualReports: {},
  reviews: {},
  reminded: {},
});

export function decideEnterprise(command: EnterpriseCommand, state: EnterpriseState): EnterpriseEvent[] {
  switch (command.type) {
    case 'RegisterEnterprise':
      return register(command, state);
    case 'AmendEnterpriseDetails':
      return amend(command, state);
    case 'RelocateEnterprise':
      return relocate(command, state);
    case 'DeregisterEnterprise':
      return deregister(command, state);
    case 'FileMonthlyReport':
      return fileMonthlyReport(command, state);
    case 'FileAnnualReport':
      return fileAnnualReport(command, state);
    case 'QueryFiling':
      return queryFiling(command, state);
    case 'AnswerQuery':
      return answerQuery(command, state);
    case 'ReturnFiling':
      return returnFiling(command, state);
    case 'AcceptFiling':
      return acceptFiling(command, state);
    case 'SendFilingReminder':
      return remind(command, state);
    default: {
      const _exhaustive: never = command;
      throw new Error(`unknown command ${JSON.stringify(_exhaustive)}`);
    }
  }
}

export function evolveEnterprise(state: EnterpriseState, event: EnterpriseEvent): EnterpriseState {
  switch (event.type) {
    case 'EnterpriseRegistered': {
      const d = event.data;
      return {
        ...state,
        status: 'active',
        uscc: d.uscc,
        name: d.name,
        regionCode: d.regionCode,
        segment: d.segment,
        industryCode: d.industryCode,
        productClasses: d.productClasses,
        registeredOn: d.registeredOn,
        locations: [{ regionCode: d.regionCode, effectiveFrom: d.registeredOn.slice(0, 7) }],
      };
    }
    case 'EnterpriseDetailsAmended': {
      const { uscc: _uscc, ...changes } = event.data;
      return { ...state, ...changes } as EnterpriseState;
    }
    case 'EnterpriseRelocated':
      return {
        ...state,
        regionCode: event.data.regionCode,
        locations: [...state.locations, { regionCode: event.data.regionCode, effectiveFrom: event.data.effectiveFrom }],
      };
    case 'EnterpriseDeregistered':
      return { ...state, status: 'deregistered', deregisteredFrom: event.data.effectiveFrom, deregistrationKind: event.data.kind };
    case 'MonthlyReportFiled':
      return { ...state, reports: { ...state.reports, [event.data.period]: reportOf(event) } };
    case 'MonthlyReportCorrected': {
      const reports = { ...state.reports, [event.data.period]: reportOf(event) };
      const review = state.reviews[event.data.period];
      if (!review) return { ...state, reports };
      // A correction answers what was asked and what was sent back; acceptance waits for the new revision.
      const queries = Object.fromEntries(Object.entries(review.queries).map(([id, q]) => [id, q.closedBy === null ? { ...q, closedBy: 'correction' as const } : q]));
      return { ...state, reports, reviews: { ...state.reviews, [event.data.period]: { ...review, queries, returned: null } } };
    }
    case 'AnnualReportFiled':
    case 'AnnualReportCorrected':
      return { ...state, annualReports: { ...state.annualReports, [event.data.year]: annualReportOf(event) } };
    case 'FilingQueried':
    case 'QueryAnswered':
    case 'FilingReturned':
    case 'FilingAccepted': {
      const review = state.reviews[event.data.period] ?? NO_REVIEW;
      return { ...state, reviews: { ...state.reviews, [event.data.period]: reviewAfter(review, event) } };
    }
    case 'FilingReminderSent':
      return { ...state, reminded: { ...state.reminded, [event.data.period]: true } };
    default: {
      const _exhaustive: never = event;
      return state;
    }
  }
}

function reviewAfter(review: ReviewState, event: FilingQueried | QueryAnswered | FilingReturned | FilingAccepted): ReviewState {
  switch (event.type) {
    case 'FilingQueried':
      return { ...review, queries: { ...review.queries, [event.data.queryId]: { question: event.data.question, reportRevision: event.data.reportRevision, answer: null, closedBy: null } } };
    case 'QueryAnswered': {
      const query = review.queries[event.data.queryId];
      return query ? { ...review, queries: { ...review.queries, [event.data.queryId]: { ...query, answer: event.data.answer, closedBy: 'answer' } } } : review;
    }
    case 'FilingReturned':
      return { ...review, returned: event.data.reason };
    case 'FilingAccepted':
      return { ...review, acceptedRevision: event.data.reportRevision };
  }
}

function reportOf(event: Extract<EnterpriseEvent, { type: 'MonthlyReportFiled' | 'MonthlyReportCorrected' }>): ReportState {
  const d = event.data;
  return { revision: d.reportRevision, revenueFen: parseFen(d.revenue), taxFen: parseFen(d.taxPaid), employees: d.employees };
}

function annualReportOf(event: AnnualReportFiled | AnnualReportCorrected): AnnualReportState {
  const d = event.data;
  return {
    revision: d.reportRevision,
    revenueByClass: Object.fromEntries(Object.entries(d.revenueByClass).map(([k, v]) => [k, parseFen(v)])),
    revenueFen: parseFen(d.revenue),
    exportFen: parseFen(d.exportRevenue),
    rdFen: parseFen(d.rdSpending),
    employees: d.employees,
  };
}

/**
 * The state after a run of events: the same as folding {@link evolveEnterprise} over them, in
 * time linear in the events. (Each evolve copies the month reports, so folding a stream of n
 * filings one by one copies O(n²) entries — what a command pays to load an uncached stream.)
 */
export function foldEnterprise(state: EnterpriseState, events: readonly EnterpriseEvent[]): EnterpriseState {
  let current = state;
  // Month reports filed since the last other event, in a copy only this fold holds.
  let reports: Record<string, ReportState> | undefined;
  for (const event of events) {
    // A correction of a month under review also changes its review: that goes the general way.
    if (event.type === 'MonthlyReportFiled' || (event.type === 'MonthlyReportCorrected' && !current.reviews[event.data.period])) {
      reports ??= { ...current.reports };
      reports[event.data.period] = reportOf(event);
      continue;
    }
    if (reports) current = { ...current, reports };
    reports = undefined;
    current = evolveEnterprise(current, event);
  }
  return reports ? { ...current, reports } : current;
}

/** The region an enterprise counts in for a month, from its registration and relocations. */
export function regionForMonth(state: EnterpriseState, month: string): string {
  return inForceAt(state.locations, month, (l) => l.effectiveFrom)?.regionCode ?? state.regionCode;
}

function parseFen(yuan: string): number {
  const parsed = parseYuan(yuan);
  if ('problem' in parsed) throw new Error(`stored amount ${yuan} is malformed`);
  return parsed.fen;
}

function register(command: RegisterEnterprise, state: EnterpriseState): EnterpriseEvent[] {
  const d = command.data;
  if (state.status !== 'unregistered') throw new ConflictError(`enterprise ${d.uscc} is already registered`);
  return [{ type: 'EnterpriseRegistered', data: { ...d }, metadata: metadataOf(command.context) }];
}

function amend(command: AmendEnterpriseDetails, state: EnterpriseState): EnterpriseEvent[] {
  const d = command.data;
  requireRegistered(state, d.uscc);
  if (state.status === 'deregistered') throw new RuleViolationError(`enterprise ${d.uscc} is deregistered`);
  const changes: { name?: string; segment?: Segment; industryCode?: string | null; productClasses?: string[] } = {};
  if (d.name !== undefined && d.name !== state.name) changes.name = d.name;
  if (d.segment !== undefined && d.segment !== state.segment) changes.segment = d.segment;
  if (d.industryCode !== undefined && d.industryCode !== state.industryCode) changes.industryCode = d.industryCode;
  if (d.productClasses !== undefined && JSON.stringify(d.productClasses) !== JSON.stringify(state.productClasses)) changes.productClasses = d.productClasses;
  if (!Object.keys(changes).length) return [];
  return [{ type: 'EnterpriseDetailsAmended', data: { uscc: d.uscc, ...changes }, metadata: metadataOf(command.context) }];
}

function relocate(command: RelocateEnterprise, state: EnterpriseState): EnterpriseEvent[] {
  const d = command.data;
  requireRegistered(state, d.uscc);
  notBeforeRegistration(state, 'effectiveFrom', d.effectiveFrom);
  if (state.status === 'deregistered') throw new RuleViolationError(`enterprise ${d.uscc} is deregistered`);
  if (regionForMonth(state, d.effectiveFrom) === d.regionCode && state.regionCode === d.regionCode) return [];
  return [{ type: 'EnterpriseRelocated', data: { uscc: d.uscc, regionCode: d.regionCode, effectiveFrom: d.effectiveFrom }, metadata: metadataOf(command.context) }];
}

/** A month an enterprise acts in must not come before the month it was registered in. */
function notBeforeRegistration(state: EnterpriseState, path: string, month: string): void {
  const registered = state.registeredOn.slice(0, 7);
  if (month < registered) throw ValidationFailedError.field(path, `must not be before the registration month ${registered}`);
}

function deregister(command: DeregisterEnterprise, state: EnterpriseState): EnterpriseEvent[] {
  const d = command.data;
  requireRegistered(state, d.uscc);
  notBeforeRegistration(state, 'effectiveFrom', d.effectiveFrom);
  if (state.status === 'deregistered') return [];
  return [{ type: 'EnterpriseDeregistered', data: { uscc: d.uscc, effectiveFrom: d.effectiveFrom, reason: d.reason, kind: d.kind }, metadata: metadataOf(command.context) }];
}


function fileMonthlyReport(command: FileMonthlyReport, state: EnterpriseState): EnterpriseEvent[] {
  const d = command.data;
  requireRegistered(state, d.uscc);
  notBeforeRegistration(state, 'period', d.period);
  if (state.status === 'deregistered' && state.deregisteredFrom !== null && d.period >= state.deregisteredFrom)
    throw new RuleViolationError(`enterprise ${d.uscc} is deregistered from ${state.deregisteredFrom}`, [
      { path: 'period', message: `the enterprise is deregistered from ${state.deregisteredFrom}` },
    ]);

  const current: ReportValues = { revenueFen: d.revenue, taxFen: d.taxPaid, employees: d.employees };
  const existing = state.reports[d.period];
  if (existing && existing.revenueFen === current.revenueFen && existing.taxFen === current.taxFen && existing.employees === current.employees)
    return [];
  const { reason } = d;
  correctionReason(existing, reason, d.period);

  const month = monthIndex(d.period);
  const runs = softEditRuns(current, state.reports[monthLabel(month - 1)], state.reports[monthLabel(month - 12)]);
  const { rules, explanations } = explained(runs, d.explanations);

  const figures = { revenue: formatFen(current.revenueFen), taxPaid: formatFen(current.taxFen), employees: current.employees };
  const withExplanations = Object.keys(explanations).length ? { explanations } : {};
  const metadata = metadataOf(command.context);
  if (!existing) {
    const filed: MonthlyReportFiled = {
      type: 'MonthlyReportFiled',
      data: { uscc: d.uscc, period: d.period, ...figures, reportRevision: 1, rules, ...withExplanations },
      metadata,
    };
    return [filed];
  }
  const closes = openQueriesOf(state, d.period).map(([id]) => id);
  const corrected: MonthlyReportCorrected = {
    type: 'MonthlyReportCorrected',
    data: { uscc: d.uscc, period: d.period, ...figures, reportRevision: existing.revision + 1, reason, rules, ...withExplanations, ...(closes.length ? { closesQueries: closes } : {}) },
    metadata,
  };
  return [corrected];
}

/**
 * The soft edits that ran, and the explanation of each one triggered: a missing or placeholder
 * explanation is an ExplanationRequiredError naming the rule (monthly and annual reports alike).
 */
function explained(runs: readonly { id: string; version: number; description: string; triggered: boolean }[], given: Record<string, string> | undefined): { rules: RuleRun[]; explanations: Record<string, string> } {
  const explanations: Record<string, string> = {};
  const missing: FieldProblem[] = [];
  for (const { id, description } of runs.filter((r) => r.triggered)) {
    const text = given?.[id];
    const problem = text === undefined ? `${description}: an explanation is required` : explanationProblem(text);
    if (problem) missing.push({ path: id, message: text === undefined ? problem : `${description}: the explanation ${problem}` });
    else explanations[id] = normaliseText(text!);
  }
  if (missing.length) throw new ExplanationRequiredError(missing);
  return { rules: runs.map(({ id, version, triggered }) => ({ id, version, triggered })), explanations };
}

/** A correction needs a substantive reason; a first filing none. */
function correctionReason(existing: { revision: number } | undefined, reason: string, what: string): void {
  if (!existing) return;
  if (reason.length === 0) throw ValidationFailedError.field('reason', `a correction of ${what} (revision ${existing.revision}) needs a reason`);
  const issue = substantiveTextProblem(reason, REASON_MIN_WEIGHT);
  if (issue) throw ValidationFailedError.field('reason', issue);
}

function sameAnnual(a: AnnualReportState, b: AnnualValues): boolean {
  const classes = Object.entries(a.revenueByClass);
  return (
    a.exportFen === b.exportFen &&
    a.rdFen === b.rdFen &&
    a.employees === b.employees &&
    classes.length === b.revenueByClass.size &&
    classes.every(([k, v]) => b.revenueByClass.get(k) === v)
  );
}

/**
 * The annual report (年报) of a year: once per enterprise and year, corrected with a reason. Classes
 * must be ones the enterprise declared (or `other`); the year must not start after its deregistration
 * nor end before its registration. Soft edits compare it with the year's monthly reports.
 */
function fileAnnualReport(command: FileAnnualReport, state: EnterpriseState): EnterpriseEvent[] {
  const d = command.data;
  requireRegistered(state, d.uscc);
  if (d.year < Number(state.registeredOn.slice(0, 4)))
    throw ValidationFailedError.field('year', `must not be before the registration year ${state.registeredOn.slice(0, 4)}`);
  if (state.deregisteredFrom !== null && `${d.year}-01` >= state.deregisteredFrom)
    throw new RuleViolationError(`enterprise ${d.uscc} is deregistered from ${state.deregisteredFrom}`, [{ path: 'year', message: `the enterprise is deregistered from ${state.deregisteredFrom}` }]);
  const undeclared = [...d.values.revenueByClass.keys()].filter((c) => c !== OTHER_CLASS && !state.productClasses.includes(c));
  if (undeclared.length)
    throw new ValidationFailedError(
      undeclared.map((c) => ({
        path: `revenueByClass.${c}`,
        message: `is not a product class the enterprise declared (${state.productClasses.join(', ') || 'none'}): report it under "other", or amend the register first`,
      })),
    );
  const existing = state.annualReports[d.year];
  if (existing && sameAnnual(existing, d.values)) return [];
  correctionReason(existing, d.reason, `the annual report of ${d.year}`);

  const months = Array.from({ length: 12 }, (_, i) => state.reports[`${d.year}-${String(i + 1).padStart(2, '0')}`]).filter((r) => r !== undefined);
  const runs = annualSoftEditRuns({
    current: d.values,
    monthsFiled: months.length,
    monthsRevenueFen: months.reduce((sum, r) => sum + r.revenueFen, 0),
    decemberEmployees: state.reports[`${d.year}-12`]?.employees,
  });
  const { rules, explanations } = explained(runs, d.explanations);
  const figures = {
    revenueByClass: Object.fromEntries([...d.values.revenueByClass].map(([k, v]) => [k, formatFen(v)])),
    revenue: formatFen(d.values.revenueFen),
    exportRevenue: formatFen(d.values.exportFen),
    rdSpending: formatFen(d.values.rdFen),
    employees: d.values.employees,
  };
  const withExplanations = Object.keys(explanations).length ? { explanations } : {};
  const metadata = metadataOf(command.context);
  if (!existing) return [{ type: 'AnnualReportFiled', data: { uscc: d.uscc, year: d.year, ...figures, reportRevision: 1, rules, ...withExplanations }, metadata }];
  return [{ type: 'AnnualReportCorrected', data: { uscc: d.uscc, year: d.year, ...figures, reportRevision: existing.revision + 1, reason: d.reason, rules, ...withExplanations }, metadata }];
}

/** The filed report a review command is about (NotFound when the month was not filed). */
function filedReport(state: EnterpriseState, uscc: string, period: string): ReportState {
  requireRegistered(state, uscc);
  const report = state.reports[period];
  if (!report) throw new NotFoundError(`${uscc} has not filed a report for ${period}`);
  return report;
}

function queryFiling(command: QueryFiling, state: EnterpriseState): EnterpriseEvent[] {
  const d = command.data;
  const report = filedReport(state, d.uscc, d.period);
  const queryId = `${d.period}-q${Object.keys(state.reviews[d.period]?.queries ?? {}).length + 1}`;
  return [{ type: 'FilingQueried', data: { uscc: d.uscc, period: d.period, queryId, question: d.question, reportRevision: report.revision }, metadata: metadataOf(command.context) }];
}

function answerQuery(command: AnswerQuery, state: EnterpriseState): EnterpriseEvent[] {
  const d = command.data;
  filedReport(state, d.uscc, d.period);
  const query = state.reviews[d.period]?.queries[d.queryId];
  if (!query) throw new NotFoundError(`there is no query ${d.queryId} on the report of ${d.period}`);
  if (query.closedBy === 'answer' && query.answer === d.answer) return [];
  if (query.closedBy !== null)
    throw new ConflictError(`query ${d.queryId} was already ${query.closedBy === 'answer' ? 'answered' : 'closed by a correction of the report'}`);
  return [{ type: 'QueryAnswered', data: { uscc: d.uscc, period: d.period, queryId: d.queryId, answer: d.answer }, metadata: metadataOf(command.context) }];
}

function returnFiling(command: ReturnFiling, state: EnterpriseState): EnterpriseEvent[] {
  const d = command.data;
  const report = filedReport(state, d.uscc, d.period);
  // Sent back already, and not corrected since: nothing more to record.
  if ((state.reviews[d.period] ?? NO_REVIEW).returned !== null) return [];
  return [{ type: 'FilingReturned', data: { uscc: d.uscc, period: d.period, reason: d.reason, reportRevision: report.revision }, metadata: metadataOf(command.context) }];
}

function acceptFiling(command: AcceptFiling, state: EnterpriseState): EnterpriseEvent[] {
  const d = command.data;
  const report = filedReport(state, d.uscc, d.period);
  const status = reviewStatusOf(state, d.period);
  if (status === 'accepted') return [];
  if (status === 'returned')
    throw new RuleViolationError(`the report of ${d.period} was sent back for correction: it can be accepted once corrected`, [{ path: 'period', message: 'the report is returned for correction' }]);
  const open = openQueriesOf(state, d.period);
  if (open.length)
    throw new RuleViolationError(`the report of ${d.period} has ${open.length} open quer${open.length === 1 ? 'y' : 'ies'}: ${open.map(([id]) => id).join(', ')}`, open.map(([id]) => ({ path: id, message: 'is not answered yet' })));
  return [{ type: 'FilingAccepted', data: { uscc: d.uscc, period: d.period, reportRevision: report.revision }, metadata: metadataOf(command.context) }];
}

/** A reminder is for a month the enterprise owes and has not filed; once per month. */
function remind(command: SendFilingReminder, state: EnterpriseState): EnterpriseEvent[] {
  const d = command.data;
  requireRegistered(state, d.uscc);
  const owed = d.period >= state.registeredOn.slice(0, 7) && (state.deregisteredFrom === null || d.period < state.deregisteredFrom);
  if (!owed || state.reports[d.period] || state.reminded[d.period]) return [];
  return [{ type: 'FilingReminderSent', data: { uscc: d.uscc, period: d.period }, metadata: metadataOf(command.context) }];
}

function requireRegistered(state: EnterpriseState, uscc: string): void {
  if (state.status === 'unregistered') throw new NotFoundError(`enterprise ${uscc} is not registered`);
}

/** The enterprise aggregate as one value: stream `enterprise-<USCC>`. */
export const enterpriseDecider: Decider<EnterpriseCommand, EnterpriseState, EnterpriseEvent> = {
  streamId: enterpriseStreamId,
  initialState: initialEnterpriseState,
  evolve: evolveEnterprise,
  decide: decideEnterprise,
  fold: foldEnterprise,
};
