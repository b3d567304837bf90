import type { DomainEvent } from '../shared/event.js';
import type { Segment } from '../../../reference/src/index.js';

export interface RuleRun {
  readonly id: string;
  readonly version: number;
  readonly triggered: boolean;
}

export type EnterpriseRegistered = DomainEvent<
  'EnterpriseRegistered',
  {
    uscc: string;
    name: string;
    regionCode: string;
    segment: Segment;
    industryCode: string | null;
    productClasses: string[];
    registeredOn: string;
  }
>;

export type EnterpriseDetailsAmended = DomainEvent<
  'EnterpriseDetailsAmended',
  { uscc: string; name?: string; segment?: Segment; industryCode?: string | null; productClasses?: string[] }
>;

export type EnterpriseRelocated = DomainEvent<'EnterpriseRelocated', { uscc: string; regionCode: string; effectiveFrom: string }>;

/** How an enterprise left the register (schema v2); `unrecorded` for deregistrations recorded before v2. */
export const DEREGISTRATION_KINDS = ['closed', 'merged', 'moved_away', 'other'] as const;
export type DeregistrationKind = (typeof DEREGISTRATION_KINDS)[number] | 'unrecorded';

/** Schema v2: `kind` added (v1 events are upcast with kind `unrecorded`). */
export type EnterpriseDeregistered = DomainEvent<'EnterpriseDeregistered', { uscc: string; effectiveFrom: string; reason: string; kind: DeregistrationKind }>;

export interface MonthlyReportFigures {
  /** Yuan, decimal string with 2 decimals. */
  readonly revenue: string;
  readonly taxPaid: string;
  readonly employees: number;
}

export type MonthlyReportFiled = DomainEvent<
  'MonthlyReportFiled',
  MonthlyReportFigures & {
    uscc: string;
    period: string;
    reportRevision: 1;
    rules: RuleRun[];
    explanations?: Record<string, string>;
  }
>;

export type MonthlyReportCorrected = DomainEvent<
  'MonthlyReportCorrected',
  MonthlyReportFigures & {
    uscc: string;
    period: string;
    reportRevision: number;
    reason: string;
    rules: RuleRun[];
    explanations?: Record<string, string>;
    /** The open queries on the report this correction answers (a correction closes them, and says so). */
    closesQueries?: string[];
  }
>;

/** A bureau asks about a filed report (查询): the question stays open until answered or the report corrected. */
export type FilingQueried = DomainEvent<'FilingQueried', { uscc: string; period: string; queryId: string; question: string; reportRevision: number }>;

/** The enterprise answers a query without changing its figures. */
export type QueryAnswered = DomainEvent<'QueryAnswered', { uscc: string; period: string; queryId: string; answer: string }>;

/** A bureau sends a report back for correction (退回): it counts as not accepted until corrected. */
export type FilingReturned = DomainEvent<'FilingReturned', { uscc: string; period: string; reason: string; reportRevision: number }>;

/** A bureau accepts a report (审核通过) at its current revision; a later correction re-opens review. */
export type FilingAccepted = DomainEvent<'FilingAccepted', { uscc: string; period: string; reportRevision: number }>;

/** A bureau reminds an enterprise of a month it has not filed (催报); once per month and enterprise. */
export type FilingReminderSent = DomainEvent<'FilingReminderSent', { uscc: string; period: string }>;

/** The annual report's figures (年报), amounts as yuan decimal strings with 2 decimals. */
export interface AnnualReportFigures {
  /** Main business revenue of the year by ISO 9999 class the enterprise declared (`other` for the rest). */
  readonly revenueByClass: Readonly<Record<string, string>>;
  /** Their sum: the year's main business revenue. */
  readonly revenue: string;
  /** Of which exported (出口交货值). */
  readonly exportRevenue: string;
  /** R&D spending of the year (研发经费支出). */
  readonly rdSpending: string;
  /** Headcount at the year's end. */
  readonly employees: number;
}

export type AnnualReportFiled = DomainEvent<
  'AnnualReportFiled',
  AnnualReportFigures & { uscc: string; year: number; reportRevision: 1; rules: RuleRun[]; explanations?: Record<string, string> }
>;

export type AnnualReportCorrected = DomainEvent<
  'AnnualReportCorrected',
  AnnualReportFigures & { uscc: string; year: number; reportRevision: number; reason: string; rules: RuleRun[]; explanations?: Record<string, string> }
>;

export type ReviewEvent = FilingQueried | QueryAnswered | FilingReturned | FilingAccepted | FilingReminderSent;

export type EnterpriseEvent =
  | EnterpriseRegistered
  | EnterpriseDetailsAmended
  | EnterpriseRelocated
  | EnterpriseDeregistered
  | MonthlyReportFiled
  | MonthlyReportCorrected
  | AnnualReportFiled
  | AnnualReportCorrected
  | ReviewEvent;

export const ENTERPRISE_EVENT_TYPES: readonly EnterpriseEvent['type'][] = [
  'EnterpriseRegistered',
  'EnterpriseDetailsAmended',
  'EnterpriseRelocated',
  'EnterpriseDeregistered',
  'MonthlyReportFiled',
  'MonthlyReportCorrected',
  'AnnualReportFiled',
  'AnnualReportCorrected',
  'FilingQueried',
  'QueryAnswered',
  'FilingReturned',
  'FilingAccepted',
  'FilingReminderSent',
];

export const enterpriseStreamId = (uscc: string): string => `enterprise-${uscc}`;
