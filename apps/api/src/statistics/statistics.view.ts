import { publishedValue, type Figures, type ImputationMethod, type ImputationMode, type ResponseRates } from '../../../../libs/analytics/src/index.js';
import { currentMonthInChina, monthIndex, monthLabel, type PeriodKind } from '../../../../libs/domain/src/index.js';
import { findRegion, type RegionLevel } from '../../../../libs/reference/src/index.js';

export interface StatisticsRow {
  region?: { code: string; name: string | null };
  segment?: string;
  kind?: string;
  productClass?: string;
  beneficiary?: string;
  period?: string;
  value: string | number;
  contributors: number;
  yoy: number | null;
  numerator?: number;
  denominator?: number;
  /** With imputation=include: the estimated part of `value` and the enterprises estimated. */
  imputed?: string | number;
  imputedContributors?: number;
  /** Report indicators: how complete the cell is. */
  response?: ResponseRates;
}

export interface StatisticsView {
  indicator: string;
  unit: string;
  period: string;
  region: string | null;
  regionLevel?: RegionLevel;
  granularity?: PeriodKind;
  kind?: string;
  asOf: string | null;
  /** Year to date (asked with cumulative=true): January of the period's year to its end. */
  cumulative?: true;
  /**
   * What the figures include: every event of the log up to `position`, known at `at` (the asOf
   * asked, or the instant of the answer); months are in China time.
   */
  cutoff: { position: number; at: string };
  /** The period has not ended in China: its figures cover months up to `coveredTo` only. */
  partial: boolean;
  coveredTo: string;
  /** Report indicators: whether owed months not filed are estimated, and the method with its version. */
  imputation?: { mode: ImputationMode; method: ImputationMethod | null };
  rows: StatisticsRow[];
}

/** Where the figures stand in the log and in time. */
export interface AnswerContext {
  readonly position: number;
  readonly now: string;
}

/** Figures as `GET /v1/statistics/{indicator}` answers them (API.md): yuan as decimal strings, regions with their names. */
export function statisticsView({ question: q, regionLevel, granularity, imputation, figures }: Figures, context: AnswerContext): StatisticsView {
  // The month under way in China (as of the instant asked) is not over, nor filed yet.
  const current = monthIndex(currentMonthInChina(q.asOf ?? context.now));
  return {
    indicator: q.indicator.id,
    unit: q.indicator.unit,
    period: q.label,
    region: q.region || null,
    ...(regionLevel ? { regionLevel } : {}),
    ...(granularity ? { granularity } : {}),
    ...(q.kind ? { kind: q.kind } : {}),
    asOf: q.asOf ?? null,
    ...(q.cumulative ? { cumulative: true as const } : {}),
    cutoff: { position: context.position, at: q.asOf ?? context.now },
    partial: q.toMonth >= current,
    coveredTo: monthLabel(Math.min(q.toMonth, current - 1)),
    ...(imputation ? { imputation } : {}),
    rows: figures.map(({ region, value, top: _top, basis: _basis, imputed, ...rest }) => ({
      ...(region !== undefined ? { region: { code: region, name: findRegion(region)?.name ?? null } } : {}),
      ...rest,
      value: publishedValue(q.indicator, value),
      ...(imputed !== undefined ? { imputed: publishedValue(q.indicator, imputed) } : {}),
    })),
  };
}
