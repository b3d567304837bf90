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

export interface SoftEditRule {
  readonly id: string;
  readonly version: number;
  readonly description: string;
  readonly triggers: (input: SoftEditInput) => boolean;
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

const PLACEHOLDERS = new Set(
  ['核实无误', '无误', '属实', '情况属实', '数据属实', '数据无误', '正常', '确认', '已核实', '同上', '无', 'ok', 'okay', 'yes', 'none', 'n/a', 'na', 'test', 'asdf', '...', 'confirmed', 'correct', 'no comment'].map(
    (s) => s.toLowerCase(),
  ),
);

/** Why an explanation is not acceptable, or undefined when it reads as a real sentence. */
export function explanationProblem(text: unknown): string | undefined {
  if (typeof text !== 'string') return 'must be a written explanation';
  const trimmed = text.trim();
  const normalised = trimmed.toLowerCase().replace(/[\s。.!！,，、;；:：]+$/u, '');
  if (PLACEHOLDERS.has(normalised)) return 'must explain the change, not a placeholder such as "核实无误"';
  const chars = [...trimmed];
  if (chars.length < 10) return 'must be a real sentence of at least 10 characters';
  if (new Set(chars.filter((c) => !/\s/u.test(c))).size < 4) return 'must be a real sentence, not repeated characters';
  return undefined;
}
