import { normaliseProductClass } from '../../../reference/src/index.js';
import type { FieldProblem } from '../errors.js';
import { MAX_AMOUNT_FEN, parseYuan } from '../shared/money.js';
import { employeesProblem } from './report-edits.js';
import type { SoftEditRule } from './soft-edit-rules.js';

/**
 * The edit rules of the annual report (年报审核, issue 20). Hard edits reject the filing; soft edits
 * need a written explanation, kept in the event with the versions of the rules that ran — as for
 * monthly reports.
 */

/** The key of revenue outside the classes an enterprise declared. */
export const OTHER_CLASS = 'other';

export interface AnnualValues {
  /** Revenue per class key (a normalised ISO 9999 class, or `other`), in fen, in the order given. */
  readonly revenueByClass: ReadonlyMap<string, number>;
  readonly revenueFen: number;
  readonly exportFen: number;
  readonly rdFen: number;
  readonly employees: number;
}

/** Hard edits of an annual report's figures as filed: each bad figure with why; the values when all pass. */
export function annualFigureEdits(raw: { readonly revenueByClass: unknown; readonly exportRevenue: unknown; readonly rdSpending: unknown; readonly employees: unknown }): {
  problems: FieldProblem[];
  values?: AnnualValues;
} {
  const problems: FieldProblem[] = [];
  const byClass = new Map<string, number>();
  if (typeof raw.revenueByClass !== 'object' || raw.revenueByClass === null || Array.isArray(raw.revenueByClass))
    problems.push({ path: 'revenueByClass', message: 'must be an object of ISO 9999 class → revenue in yuan, e.g. {"12 22": "1200000.00"}' });
  else if (!Object.keys(raw.revenueByClass).length)
    problems.push({ path: 'revenueByClass', message: 'must name at least one class (use "other" for revenue outside the declared classes)' });
  else
    Object.entries(raw.revenueByClass).forEach(([key, amount], i) => {
      // The key is echoed only when it looks like a class code: an error never carries arbitrary text back.
      const path = /^[\w .-]{1,20}$/.test(key) ? `revenueByClass.${key}` : `revenueByClass[${i}]`;
      const code = key === OTHER_CLASS ? OTHER_CLASS : normaliseProductClass(key);
      if (!code) problems.push({ path, message: 'must be an ISO 9999 class or subclass such as "12" or "12 22", or "other"' });
      else if (byClass.has(code)) problems.push({ path, message: `names class ${code} a second time` });
      const parsed = parseYuan(amount);
      if ('problem' in parsed) problems.push({ path, message: parsed.problem });
      else if (code) byClass.set(code, parsed.fen);
    });
  const exported = parseYuan(raw.exportRevenue);
  if ('problem' in exported) problems.push({ path: 'exportRevenue', message: exported.problem });
  const rd = parseYuan(raw.rdSpending);
  if ('problem' in rd) problems.push({ path: 'rdSpending', message: rd.problem });
  const employees = raw.employees;
  const headcount = employeesProblem(employees);
  if (headcount) problems.push({ path: 'employees', message: `${headcount} (the headcount at the year end)` });
  if (problems.length || 'problem' in exported || 'problem' in rd) return { problems };
  const revenueFen = [...byClass.values()].reduce((a, b) => a + b, 0);
  if (revenueFen >= MAX_AMOUNT_FEN) problems.push({ path: 'revenueByClass', message: 'the classes must sum to less than 10^13 yuan' });
  else if (exported.fen > revenueFen) problems.push({ path: 'exportRevenue', message: 'must not exceed the revenue of the year (the sum of revenueByClass)' });
  if (problems.length) return { problems };
  return { problems, values: { revenueByClass: byClass, revenueFen, exportFen: exported.fen, rdFen: rd.fen, employees: employees as number } };
}

/** What the soft edits of an annual report compare it with: the enterprise's monthly reports of the year. */
export interface AnnualSoftEditInput {
  readonly current: AnnualValues;
  /** Months of the year filed, and the sum of their revenue (fen). */
  readonly monthsFiled: number;
  readonly monthsRevenueFen: number;
  /** December's end-of-month headcount, when December was filed. */
  readonly decemberEmployees?: number;
}

/** Whether annual revenue differs from the sum of the year's months by more than 5% of that sum (the soft edit and the consistency check). */
export function annualDiffersFromMonths(annualFen: number, monthsFen: number): boolean {
  return Math.abs(annualFen - monthsFen) * 20 > monthsFen;
}

export const ANNUAL_SOFT_EDIT_RULES: readonly SoftEditRule<AnnualSoftEditInput>[] = [
  {
    id: 'annual-revenue-vs-months',
    version: 1,
    description: 'annual revenue differs from the sum of the months filed for the year by more than 5%',
    triggers: ({ current, monthsFiled, monthsRevenueFen }) => monthsFiled > 0 && annualDiffersFromMonths(current.revenueFen, monthsRevenueFen),
  },
  {
    id: 'annual-employees-vs-december',
    version: 1,
    description: "year-end employment differs from December's monthly report by more than 10%",
    triggers: ({ current, decemberEmployees }) => decemberEmployees !== undefined && Math.abs(current.employees - decemberEmployees) * 10 > decemberEmployees,
  },
  {
    id: 'rd-over-half-revenue',
    version: 1,
    description: 'R&D spending exceeds half of the revenue of the year',
    triggers: ({ current }) => current.rdFen * 2 > current.revenueFen,
  },
];

/** Every annual soft-edit rule, with whether the report triggers it. */
export function annualSoftEditRuns(input: AnnualSoftEditInput): { id: string; version: number; description: string; triggered: boolean }[] {
  return ANNUAL_SOFT_EDIT_RULES.map((rule) => ({ id: rule.id, version: rule.version, description: rule.description, triggered: rule.triggers(input) }));
}
