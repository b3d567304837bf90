import { isCountyCode, isSegment, normaliseProductClass, SEGMENTS, type Segment } from '../../../reference/src/index.js';
import {
  ConflictError,
  ExplanationRequiredError,
  NotFoundError,
  RuleViolationError,
  ValidationFailedError,
  type FieldProblem,
} from '../errors.js';
import { metadataOf, type CommandContext } from '../shared/event.js';
import { formatFen, parseYuan } from '../shared/money.js';
import { dateProblem } from '../shared/dates.js';
import { currentMonthInChina } from '../shared/filing-calendar.js';
import { isMonth, monthIndex, monthLabel, PERIOD_RANGE_TEXT } from '../shared/period.js';
import { usccProblem } from '../shared/uscc.js';
import type { EnterpriseEvent, MonthlyReportCorrected, MonthlyReportFiled, RuleRun } from './enterprise.events.js';
import { enterpriseStreamId } from './enterprise.events.js';
import { normaliseText, nameProblem, REASON_MIN_WEIGHT, substantiveTextProblem } from '../shared/text.js';
import { explanationProblem, SOFT_EDIT_RULES, type ReportValues } from './soft-edit-rules.js';
import { inForceAt, type Decider } from '../shared/decider.js';

export const MAX_EMPLOYEES = 1_000_000;

export interface ReportState extends ReportValues {
  readonly revision: number;
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
  readonly locations: readonly { regionCode: string; effectiveFrom: string }[];
  readonly reports: Readonly<Record<string, ReportState>>;
}

export type RegisterEnterprise = {
  type: 'RegisterEnterprise';
  data: {
    uscc: string;
    name: string;
    regionCode: string;
    segment: string;
    industryCode?: string | null;
    productClasses: string[];
    registeredOn: string;
  };
  context: CommandContext;
};

export type RelocateEnterprise = {
  type: 'RelocateEnterprise';
  data: { uscc: string; regionCode: string; effectiveFrom: string };
  context: CommandContext;
};

export type DeregisterEnterprise = {
  type: 'DeregisterEnterprise';
  data: { uscc: string; effectiveFrom: string; reason: string };
  context: CommandContext;
};

export type FileMonthlyReport = {
  type: 'FileMonthlyReport';
  data: {
    uscc: string;
    period: string;
    revenue: string;
    taxPaid: string;
    employees: number;
    explanations?: Record<string, string>;
    reason?: string;
  };
  context: CommandContext;
};

/** Corrects the register's details; absent fields stay as they are. A segment change re-files the enterprise's history under the new segment. */
export type AmendEnterpriseDetails = {
  type: 'AmendEnterpriseDetails';
  data: { uscc: string; name?: string; segment?: string; industryCode?: string | null; productClasses?: string[] };
  context: CommandContext;
};

export type EnterpriseCommand = RegisterEnterprise | AmendEnterpriseDetails | RelocateEnterprise | DeregisterEnterprise | FileMonthlyReport;

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
  locations: [],
  reports: {},
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
      return { ...state, status: 'deregistered', deregisteredFrom: event.data.effectiveFrom };
    case 'MonthlyReportFiled':
    case 'MonthlyReportCorrected':
      return { ...state, reports: { ...state.reports, [event.data.period]: reportOf(event) } };
    default: {
      const _exhaustive: never = event;
      return state;
    }
  }
}

function reportOf(event: Extract<EnterpriseEvent, { type: 'MonthlyReportFiled' | 'MonthlyReportCorrected' }>): ReportState {
  const d = event.data;
  return { revision: d.reportRevision, revenueFen: parseFen(d.revenue), taxFen: parseFen(d.taxPaid), employees: d.employees };
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
    if (event.type === 'MonthlyReportFiled' || event.type === 'MonthlyReportCorrected') {
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
  const problems: FieldProblem[] = [];
  const usccIssue = usccProblem(d.uscc);
  if (usccIssue) problems.push({ path: 'uscc', message: usccIssue });
  const nameIssue = nameProblem(d.name);
  if (nameIssue) problems.push({ path: 'name', message: nameIssue });
  if (!isCountyCode(d.regionCode)) problems.push({ path: 'regionCode', message: 'must be an existing county-level (6-digit) GB/T 2260 code' });
  if (!isSegment(d.segment)) problems.push({ path: 'segment', message: `must be one of ${SEGMENTS.join(', ')}` });
  if (d.industryCode != null && !/^\d{4}$/.test(d.industryCode))
    problems.push({ path: 'industryCode', message: 'must be a 4-digit GB/T 4754-2017 class such as 3586' });
  const productClasses: string[] = [];
  (d.productClasses ?? []).forEach((code, i) => {
    const normalised = typeof code === 'string' ? normaliseProductClass(code) : undefined;
    if (!normalised) problems.push({ path: `productClasses.${i}`, message: 'must be an ISO 9999 class or subclass such as "12" or "12 22"' });
    else if (!productClasses.includes(normalised)) productClasses.push(normalised);
  });
  const dateIssue = dateProblem(d.registeredOn, command.context.now);
  if (dateIssue) problems.push({ path: 'registeredOn', message: dateIssue });
  if (problems.length) throw new ValidationFailedError(problems);
  return [
    {
      type: 'EnterpriseRegistered',
      data: {
        uscc: d.uscc,
        name: normaliseText(d.name),
        regionCode: d.regionCode,
        segment: d.segment as Segment,
        industryCode: d.industryCode ?? null,
        productClasses,
        registeredOn: d.registeredOn,
      },
      metadata: metadataOf(command.context),
    },
  ];
}

function amend(command: AmendEnterpriseDetails, state: EnterpriseState): EnterpriseEvent[] {
  const d = command.data;
  requireRegistered(state, d.uscc);
  const problems: FieldProblem[] = [];
  const changes: { name?: string; segment?: Segment; industryCode?: string | null; productClasses?: string[] } = {};
  if (d.name !== undefined) {
    const nameIssue = nameProblem(d.name);
    if (nameIssue) problems.push({ path: 'name', message: nameIssue });
    else if (normaliseText(d.name) !== state.name) changes.name = normaliseText(d.name);
  }
  if (d.segment !== undefined) {
    if (!isSegment(d.segment)) problems.push({ path: 'segment', message: `must be one of ${SEGMENTS.join(', ')}` });
    else if (d.segment !== state.segment) changes.segment = d.segment as Segment;
  }
  if (d.industryCode !== undefined) {
    if (d.industryCode !== null && !/^\d{4}$/.test(d.industryCode)) problems.push({ path: 'industryCode', message: 'must be a 4-digit GB/T 4754-2017 class such as 3586, or null' });
    else if (d.industryCode !== state.industryCode) changes.industryCode = d.industryCode;
  }
  if (d.productClasses !== undefined) {
    const classes: string[] = [];
    if (!Array.isArray(d.productClasses)) problems.push({ path: 'productClasses', message: 'must be a list of ISO 9999 classes' });
    else
      d.productClasses.forEach((code, i) => {
        const normalised = typeof code === 'string' ? normaliseProductClass(code) : undefined;
        if (!normalised) problems.push({ path: `productClasses.${i}`, message: 'must be an ISO 9999 class or subclass such as "12" or "12 22"' });
        else if (!classes.includes(normalised)) classes.push(normalised);
      });
    if (JSON.stringify(classes) !== JSON.stringify(state.productClasses)) changes.productClasses = classes;
  }
  if (problems.length) throw new ValidationFailedError(problems);
  if (d.name === undefined && d.segment === undefined && d.industryCode === undefined && d.productClasses === undefined)
    throw ValidationFailedError.field('name', 'name, segment, industryCode or productClasses: give at least one detail to amend');
  if (state.status === 'deregistered') throw new RuleViolationError(`enterprise ${d.uscc} is deregistered`);
  if (!Object.keys(changes).length) return [];
  return [{ type: 'EnterpriseDetailsAmended', data: { uscc: d.uscc, ...changes }, metadata: metadataOf(command.context) }];
}

function relocate(command: RelocateEnterprise, state: EnterpriseState): EnterpriseEvent[] {
  const d = command.data;
  requireRegistered(state, d.uscc);
  const problems: FieldProblem[] = [];
  if (!isCountyCode(d.regionCode)) problems.push({ path: 'regionCode', message: 'must be an existing county-level (6-digit) GB/T 2260 code' });
  if (!isMonth(d.effectiveFrom)) problems.push({ path: 'effectiveFrom', message: `must be a month YYYY-MM ${PERIOD_RANGE_TEXT}` });
  else if (d.effectiveFrom < state.registeredOn.slice(0, 7))
    problems.push({ path: 'effectiveFrom', message: `must not be before the registration month ${state.registeredOn.slice(0, 7)}` });
  if (problems.length) throw new ValidationFailedError(problems);
  if (state.status === 'deregistered') throw new RuleViolationError(`enterprise ${d.uscc} is deregistered`);
  if (regionForMonth(state, d.effectiveFrom) === d.regionCode && state.regionCode === d.regionCode) return [];
  return [{ type: 'EnterpriseRelocated', data: { uscc: d.uscc, regionCode: d.regionCode, effectiveFrom: d.effectiveFrom }, metadata: metadataOf(command.context) }];
}

function deregister(command: DeregisterEnterprise, state: EnterpriseState): EnterpriseEvent[] {
  const d = command.data;
  requireRegistered(state, d.uscc);
  const problems: FieldProblem[] = [];
  if (!isMonth(d.effectiveFrom)) problems.push({ path: 'effectiveFrom', message: `must be a month YYYY-MM ${PERIOD_RANGE_TEXT}` });
  else if (d.effectiveFrom < state.registeredOn.slice(0, 7))
    problems.push({ path: 'effectiveFrom', message: `must not be before the registration month ${state.registeredOn.slice(0, 7)}` });
  const reasonIssue = substantiveTextProblem(d.reason, REASON_MIN_WEIGHT);
  if (reasonIssue) problems.push({ path: 'reason', message: reasonIssue });
  if (problems.length) throw new ValidationFailedError(problems);
  if (state.status === 'deregistered') return [];
  return [{ type: 'EnterpriseDeregistered', data: { uscc: d.uscc, effectiveFrom: d.effectiveFrom, reason: normaliseText(d.reason) }, metadata: metadataOf(command.context) }];
}


function fileMonthlyReport(command: FileMonthlyReport, state: EnterpriseState): EnterpriseEvent[] {
  const d = command.data;
  requireRegistered(state, d.uscc);
  const problems: FieldProblem[] = [];
  if (!isMonth(d.period)) problems.push({ path: 'period', message: `must be a month YYYY-MM ${PERIOD_RANGE_TEXT}` });
  else if (d.period > currentMonthInChina(command.context.now))
    problems.push({ path: 'period', message: `must not be after the current month ${currentMonthInChina(command.context.now)}` });
  else if (d.period < state.registeredOn.slice(0, 7))
    problems.push({ path: 'period', message: `must not be before the registration month ${state.registeredOn.slice(0, 7)}` });
  const revenue = parseYuan(d.revenue);
  if ('problem' in revenue) problems.push({ path: 'revenue', message: revenue.problem });
  const tax = parseYuan(d.taxPaid);
  if ('problem' in tax) problems.push({ path: 'taxPaid', message: tax.problem });
  if (typeof d.employees !== 'number' || !Number.isInteger(d.employees)) problems.push({ path: 'employees', message: 'must be a whole number' });
  else if (d.employees < 0) problems.push({ path: 'employees', message: 'must not be negative' });
  else if (d.employees > MAX_EMPLOYEES) problems.push({ path: 'employees', message: `must not exceed ${MAX_EMPLOYEES}` });
  if (problems.length || 'problem' in revenue || 'problem' in tax) throw new ValidationFailedError(problems);

  if (state.status === 'deregistered' && state.deregisteredFrom !== null && d.period >= state.deregisteredFrom)
    throw new RuleViolationError(`enterprise ${d.uscc} is deregistered from ${state.deregisteredFrom}`, [
      { path: 'period', message: `the enterprise is deregistered from ${state.deregisteredFrom}` },
    ]);

  const current: ReportValues = { revenueFen: revenue.fen, taxFen: tax.fen, employees: d.employees };
  const existing = state.reports[d.period];
  if (existing && existing.revenueFen === current.revenueFen && existing.taxFen === current.taxFen && existing.employees === current.employees)
    return [];
  const reason = typeof d.reason === 'string' ? normaliseText(d.reason) : '';
  if (existing && reason.length === 0)
    throw ValidationFailedError.field('reason', `a correction of ${d.period} (revision ${existing.revision}) needs a reason`);
  const reasonIssue = existing ? substantiveTextProblem(reason, REASON_MIN_WEIGHT) : undefined;
  if (reasonIssue) throw ValidationFailedError.field('reason', reasonIssue);

  const month = monthIndex(d.period);
  const rules: RuleRun[] = SOFT_EDIT_RULES.map((rule) => ({
    id: rule.id,
    version: rule.version,
    triggered: rule.triggers({
      current,
      previousMonth: state.reports[monthLabel(month - 1)],
      sameMonthLastYear: state.reports[monthLabel(month - 12)],
    }),
  }));
  const explanations: Record<string, string> = {};
  const missing: FieldProblem[] = [];
  for (const rule of rules.filter((r) => r.triggered)) {
    const description = SOFT_EDIT_RULES.find((r) => r.id === rule.id)!.description;
    const text = d.explanations?.[rule.id];
    const problem = text === undefined ? `${description}: an explanation is required` : explanationProblem(text);
    if (problem) missing.push({ path: rule.id, message: text === undefined ? problem : `${description}: the explanation ${problem}` });
    else explanations[rule.id] = normaliseText(text!);
  }
  if (missing.length) throw new ExplanationRequiredError(missing);

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
  const corrected: MonthlyReportCorrected = {
    type: 'MonthlyReportCorrected',
    data: { uscc: d.uscc, period: d.period, ...figures, reportRevision: existing.revision + 1, reason, rules, ...withExplanations },
    metadata,
  };
  return [corrected];
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
