import { EXPLANATION_MIN_WEIGHT, substantiveTextProblem } from '../shared/text.js';

/**
 * Soft edits (核实性审核): a filing that trips one of these needs a written explanation
 * before it is accepted. Each rule has a stable id and a version recorded in the event.
 */
export interface ReportValues {
  readonly revenueFen: number;
  readonly taxFen: number;
  readonly employees: number;
}

export interface SoftEditInput {
  readonly current: ReportValues;
  readonly previousMonth?: ReportValues;
  readonly sameMonthLastYear?: ReportValues;
}

/** A soft-edit rule over what it compares (a monthly report with its neighbours by default; the annual report with its months). */
export interface SoftEditRule<Input = SoftEditInput> {
  readonly id: string;
  readonly version: number;
  readonly description: string;
  readonly triggers: (input: Input) => boolean;
}

export const SOFT_EDIT_RULES: readonly SoftEditRule[] = [
  {
    id: 'revenue-yoy',
    version: 1,
    description: 'revenue changes by more than ±50% against the same month last year',
    triggers: ({ current, sameMonthLastYear: last }) =>
      last !== undefined && last.revenueFen > 0 && Math.abs(current.revenueFen / last.revenueFen - 1) > 0.5,
  },
  {
    id: 'revenue-mom',
    version: 1,
    description: 'revenue is more than 3 times, or less than a third of, the previous month',
    triggers: ({ current, previousMonth: prev }) =>
      prev !== undefined &&
      prev.revenueFen > 0 &&
      (current.revenueFen > 3 * prev.revenueFen || 3 * current.revenueFen < prev.revenueFen),
  },
  {
    id: 'employees-mom',
    version: 1,
    description: 'employees change by more than ±30% month on month',
    triggers: ({ current, previousMonth: prev }) =>
      prev !== undefined && prev.employees > 0 && Math.abs(current.employees / prev.employees - 1) > 0.3,
  },
  {
    id: 'tax-exceeds-revenue',
    version: 1,
    description: 'tax paid exceeds revenue',
    triggers: ({ current }) => current.taxFen > current.revenueFen,
  },
];

/** Why an explanation is not acceptable (the substantive-text rule, shared/text.ts), or undefined. */
export function explanationProblem(text: unknown): string | undefined {
  if (typeof text !== 'string') return 'must be a written explanation';
  return substantiveTextProblem(text, EXPLANATION_MIN_WEIGHT);
}
