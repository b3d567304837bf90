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

export type EnterpriseDeregistered = DomainEvent<'EnterpriseDeregistered', { uscc: string; effectiveFrom: string; reason: string }>;

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
  }
>;

export type EnterpriseEvent =
  | EnterpriseRegistered
  | EnterpriseDetailsAmended
  | EnterpriseRelocated
  | EnterpriseDeregistered
  | MonthlyReportFiled
  | MonthlyReportCorrected;

export const ENTERPRISE_EVENT_TYPES: readonly EnterpriseEvent['type'][] = [
  'EnterpriseRegistered',
  'EnterpriseDetailsAmended',
  'EnterpriseRelocated',
  'EnterpriseDeregistered',
  'MonthlyReportFiled',
  'MonthlyReportCorrected',
];

export const enterpriseStreamId = (uscc: string): string => `enterprise-${uscc}`;
