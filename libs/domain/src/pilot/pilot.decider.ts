import { findRegion, OUTLET_KINDS } from '../../../reference/src/index.js';
import { ValidationFailedError, NotFoundError, type FieldProblem } from '../errors.js';
import { metadataOf, type CommandContext, type DomainEvent } from '../shared/event.js';
import { formatFen, parseYuan } from '../shared/money.js';
import { controlCharacterProblem, nameProblem, normaliseText, REASON_MIN_WEIGHT, substantiveTextProblem } from '../shared/text.js';
import type { Decider } from '../shared/decider.js';
import { FieldParser, type Fen } from '../shared/values.js';

export const PILOT_INDICATORS = ['revenue', 'tax', 'employment', 'employment-added', 'enterprises', 'community-coverage', 'outlets-active', 'investment', 'beneficiaries'] as const;
export type PilotIndicatorId = (typeof PILOT_INDICATORS)[number];
const MONEY: readonly PilotIndicatorId[] = ['revenue', 'tax', 'investment'];

export interface PilotTarget {
  readonly indicator: PilotIndicatorId;
  readonly year: number;
  /** Yuan string for money, a count, or a ratio for community coverage. */
  readonly value: string | number;
  readonly source: string;
  readonly kind?: string;
}

export type PilotDesignated = DomainEvent<'PilotDesignated', { regionCode: string; name: string; batch: 1 | 2; startYear: number; endYear: number }>;
export type PilotTargetsCommitted = DomainEvent<'PilotTargetsCommitted', { regionCode: string; targets: PilotTarget[] }>;
export type PilotTargetsAmended = DomainEvent<'PilotTargetsAmended', { regionCode: string; targets: PilotTarget[]; reason: string }>;
/** `reason` is present when the event restates an amount already reported for that year. */
export type PilotInvestmentReported = DomainEvent<'PilotInvestmentReported', { regionCode: string; year: number; amount: string; source: string; reason?: string }>;
export type PilotEvent = PilotDesignated | PilotTargetsCommitted | PilotTargetsAmended | PilotInvestmentReported;

export const pilotStreamId = (regionCode: string): string => `pilot-${regionCode}`;

export interface PilotState {
  readonly designated: boolean;
  readonly regionCode: string;
  readonly name: string;
  readonly batch: 1 | 2 | null;
  readonly startYear: number;
  readonly endYear: number;
  readonly targets: readonly PilotTarget[];
  /** Latest reported investment per year. */
  readonly investments: Readonly<Record<number, { amount: string; source: string }>>;
}

export type DesignatePilot = {
  type: 'DesignatePilot';
  data: { regionCode: string; name: string; batch: number; startYear: number; endYear: number; targets: PilotTarget[]; reason?: string };
  context: CommandContext;
};
export type ReportPilotInvestment = { type: 'ReportPilotInvestment'; data: { regionCode: string; year: number; amount: Fen; source: string; reason?: string }; context: CommandContext };
export type PilotCommand = DesignatePilot | ReportPilotInvestment;

/** The pilot commands as they arrive (an investment's amount as a yuan string). */
export type RawPilotCommand =
  | Omit<DesignatePilot, 'context'>
  | { type: 'ReportPilotInvestment'; data: { regionCode: string; year: number; amount: string; source: string; reason?: string } };

/** Parses an investment report's own fields at the edge (issue 17: parse once), naming every bad one. */
export function parseReportPilotInvestment(d: Extract<RawPilotCommand, { type: 'ReportPilotInvestment' }>['data']): Omit<ReportPilotInvestment, 'context'> {
  const f = new FieldParser();
  if (!isYear(d.year)) f.check('year', 'must be a year between 2000 and 2100');
  const amount = f.fen('amount', d.amount);
  if (typeof d.source !== 'string' || !d.source.trim()) f.check('source', 'must name where the figure comes from');
  else f.check('source', controlCharacterProblem(d.source, true));
  f.done();
  return { type: 'ReportPilotInvestment', data: { regionCode: d.regionCode, year: d.year, amount, source: normaliseText(d.source), ...(d.reason !== undefined ? { reason: d.reason } : {}) } };
}

/** Parses any pilot command (a designation's targets are checked by the decider, against what was committed before). */
export function parsePilotCommand(raw: RawPilotCommand): Omit<PilotCommand, 'context'> {
  return raw.type === 'ReportPilotInvestment' ? parseReportPilotInvestment(raw.data) : raw;
}

export const initialPilotState = (): PilotState => ({ designated: false, regionCode: '', name: '', batch: null, startYear: 0, endYear: 0, targets: [], investments: {} });

export function evolvePilot(state: PilotState, event: PilotEvent): PilotState {
  switch (event.type) {
    case 'PilotDesignated':
      return { ...state, designated: true, ...event.data };
    case 'PilotTargetsCommitted':
    case 'PilotTargetsAmended':
      return { ...state, targets: event.data.targets };
    case 'PilotInvestmentReported':
      return { ...state, investments: { ...state.investments, [event.data.year]: { amount: event.data.amount, source: event.data.source } } };
    default: {
      const _exhaustive: never = event;
      return state;
    }
  }
}

export function decidePilot(command: PilotCommand, state: PilotState): PilotEvent[] {
  switch (command.type) {
    case 'DesignatePilot':
      return designate(command, state);
    case 'ReportPilotInvestment':
      return reportInvestment(command, state);
    default: {
      const _exhaustive: never = command;
      throw new Error(`unknown command ${JSON.stringify(_exhaustive)}`);
    }
  }
}

const isYear = (y: unknown): y is number => typeof y === 'number' && Number.isInteger(y) && y >= 2000 && y <= 2100;

function normaliseTargets(targets: unknown, problems: FieldProblem[]): PilotTarget[] {
  if (!Array.isArray(targets)) {
    problems.push({ path: 'targets', message: 'must be a list' });
    return [];
  }
  return targets.map((t: Partial<PilotTarget>, i) => {
    const at = (field: string) => `targets.${i}.${field}`;
    const indicator = t?.indicator as PilotIndicatorId;
    if (!PILOT_INDICATORS.includes(indicator)) problems.push({ path: at('indicator'), message: `must be one of ${PILOT_INDICATORS.join(', ')}` });
    if (!isYear(t?.year)) problems.push({ path: at('year'), message: 'must be a year between 2000 and 2100' });
    if (typeof t?.source !== 'string' || !t.source.trim()) problems.push({ path: at('source'), message: 'must quote the commitment it comes from' });
    if (t?.kind !== undefined && !(OUTLET_KINDS as readonly string[]).includes(t.kind)) problems.push({ path: at('kind'), message: `must be one of ${OUTLET_KINDS.join(', ')}` });
    let value: string | number = 0;
    if (MONEY.includes(indicator)) {
      const parsed = parseYuan(t?.value);
      if ('problem' in parsed) problems.push({ path: at('value'), message: parsed.problem });
      else value = formatFen(parsed.fen);
    } else if (indicator === 'community-coverage') {
      if (typeof t?.value !== 'number' || !(t.value > 0 && t.value <= 1)) problems.push({ path: at('value'), message: 'must be a ratio in (0, 1]' });
      else value = t.value;
    } else if (typeof t?.value !== 'number' || !Number.isInteger(t.value) || t.value < 0) {
      problems.push({ path: at('value'), message: 'must be a whole number' });
    } else value = t.value;
    return { indicator, year: t?.year as number, value, source: String(t?.source ?? '').trim(), ...(t?.kind ? { kind: t.kind } : {}) };
  });
}

function designate(command: DesignatePilot, state: PilotState): PilotEvent[] {
  const d = command.data;
  const problems: FieldProblem[] = [];
  const region = findRegion(d.regionCode);
  if (!region || region.level === 'province') problems.push({ path: 'regionCode', message: 'must be an existing city (4-digit) or district (6-digit) GB/T 2260 code' });
  const nameIssue = nameProblem(d.name);
  if (nameIssue) problems.push({ path: 'name', message: nameIssue });
  if (d.batch !== 1 && d.batch !== 2) problems.push({ path: 'batch', message: 'must be 1 (2017) or 2 (2020)' });
  if (!isYear(d.startYear)) problems.push({ path: 'startYear', message: 'must be a year between 2000 and 2100' });
  if (!isYear(d.endYear) || (isYear(d.startYear) && d.endYear < d.startYear)) problems.push({ path: 'endYear', message: 'must be a year not before startYear' });
  const targets = normaliseTargets(d.targets, problems);
  if (problems.length) throw new ValidationFailedError(problems);
  const metadata = metadataOf(command.context);
  if (!state.designated) {
    const designated: PilotDesignated = {
      type: 'PilotDesignated',
      data: { regionCode: d.regionCode, name: normaliseText(d.name), batch: d.batch as 1 | 2, startYear: d.startYear, endYear: d.endYear },
      metadata,
    };
    return targets.length ? [designated, { type: 'PilotTargetsCommitted', data: { regionCode: d.regionCode, targets }, metadata }] : [designated];
  }
  if (JSON.stringify(state.targets) === JSON.stringify(targets)) return [];
  const reasonIssue = d.reason === undefined ? 'is required to restate the targets of a designated pilot' : substantiveTextProblem(d.reason, REASON_MIN_WEIGHT);
  if (reasonIssue) throw ValidationFailedError.field('reason', reasonIssue);
  return [{ type: 'PilotTargetsAmended', data: { regionCode: d.regionCode, targets, reason: normaliseText(d.reason!) }, metadata }];
}

function reportInvestment(command: ReportPilotInvestment, state: PilotState): PilotEvent[] {
  const d = command.data;
  if (!state.designated) throw new NotFoundError(`region ${d.regionCode} is not a designated pilot`);
  const formatted = formatFen(d.amount);
  const { source } = d;
  const current = state.investments[d.year];
  if (current && current.amount === formatted && current.source === source) return [];
  const data = { regionCode: d.regionCode, year: d.year, amount: formatted, source };
  if (!current) return [{ type: 'PilotInvestmentReported', data, metadata: metadataOf(command.context) }];
  const reasonIssue =
    d.reason === undefined ? `is required to restate the investment already reported for ${d.year} (${current.amount})` : substantiveTextProblem(d.reason, REASON_MIN_WEIGHT);
  if (reasonIssue) throw ValidationFailedError.field('reason', reasonIssue);
  return [{ type: 'PilotInvestmentReported', data: { ...data, reason: normaliseText(d.reason!) }, metadata: metadataOf(command.context) }];
}

/** The pilot-region aggregate as one value: stream `pilot-<region code>`. */
export const pilotDecider: Decider<PilotCommand, PilotState, PilotEvent> = {
  streamId: pilotStreamId,
  initialState: initialPilotState,
  evolve: evolvePilot,
  decide: decidePilot,
};
