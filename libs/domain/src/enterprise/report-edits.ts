import type { FieldProblem } from '../errors.js';
import { parseYuan } from '../shared/money.js';
import { SOFT_EDIT_RULES, type ReportValues } from './soft-edit-rules.js';

/**
 * The edit rules of a monthly report (月报审核), in one module with no imports beyond money, text
 * and the soft-edit rules: the server's parse and decider run it, and the filing portal loads the
 * very same compiled file in the browser, so what the form shows while typing is what the server
 * enforces (issue 18).
 */
export const MAX_EMPLOYEES = 1_000_000;

/** Why a headcount is not acceptable (a whole number from 0 to MAX_EMPLOYEES), or undefined. */
export function employeesProblem(employees: unknown): string | undefined {
  if (typeof employees !== 'number' || !Number.isInteger(employees)) return 'must be a whole number';
  if (employees < 0) return 'must not be negative';
  if (employees > MAX_EMPLOYEES) return `must not exceed ${MAX_EMPLOYEES}`;
  return undefined;
}

/** Hard edits (逻辑性审核) of a month's figures as filed: each bad figure with why; the values when all pass. */
export function figureEdits(raw: { readonly revenue: unknown; readonly taxPaid: unknown; readonly employees: unknown }): { problems: FieldProblem[]; values?: ReportValues } {
  const problems: FieldProblem[] = [];
  const revenue = parseYuan(raw.revenue);
  if ('problem' in revenue) problems.push({ path: 'revenue', message: revenue.problem });
  const tax = parseYuan(raw.taxPaid);
  if ('problem' in tax) problems.push({ path: 'taxPaid', message: tax.problem });
  const employees = raw.employees;
  const headcount = employeesProblem(employees);
  if (headcount) problems.push({ path: 'employees', message: headcount });
  if (problems.length || 'problem' in revenue || 'problem' in tax) return { problems };
  return { problems, values: { revenueFen: revenue.fen, taxFen: tax.fen, employees: employees as number } };
}

/** Soft edits (核实性审核): every rule, with whether this month's values trigger it against the previous month and the same month a year earlier. */
export function softEditRuns(current: ReportValues, previousMonth?: ReportValues, sameMonthLastYear?: ReportValues): { id: string; version: number; description: string; triggered: boolean }[] {
  return SOFT_EDIT_RULES.map((rule) => ({ id: rule.id, version: rule.version, description: rule.description, triggered: rule.triggers({ current, previousMonth, sameMonthLastYear }) }));
}
