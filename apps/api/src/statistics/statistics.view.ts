import { publishedValue, type Figures } from '../../../../libs/analytics/src/index.js';
import type { PeriodKind } from '../../../../libs/domain/src/index.js';
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
  rows: StatisticsRow[];
}

/** Figures as `GET /v1/statistics/{indicator}` answers them (API.md): yuan as decimal strings, regions with their names. */
export function statisticsView({ question: q, regionLevel, granularity, figures }: Figures): StatisticsView {
  return {
    indicator: q.indicator.id,
    unit: q.indicator.unit,
    period: q.label,
    region: q.region || null,
    ...(regionLevel ? { regionLevel } : {}),
    ...(granularity ? { granularity } : {}),
    ...(q.kind ? { kind: q.kind } : {}),
    asOf: q.asOf ?? null,
    rows: figures.map(({ region, value, top: _top, ...rest }) => ({
      ...(region !== undefined ? { region: { code: region, name: findRegion(region)?.name ?? null } } : {}),
      ...rest,
      value: publishedValue(q.indicator, value),
    })),
  };
}
