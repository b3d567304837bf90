import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { ClickHouseClient } from '@clickhouse/client';
import {
  formatFen,
  NotFoundError,
  parsePeriod,
  periodLabelOf,
  periodsBetween,
  ValidationFailedError,
  type FieldProblem,
  type PeriodKind,
} from '../../../../../../libs/domain/src/index.js';
import {
  ANALYTICS_CONFIG,
  CLICKHOUSE_CLIENT,
  findIndicator,
  GROUP_KEYS,
  queryReportStatistics,
  type AnalyticsConfig,
  type GroupKey,
  type ReportIndicator,
  type ReportStatisticsRow,
} from '../../../../../../libs/analytics/src/index.js';
import { findRegion, isRegionPrefix, PREFIX_LENGTH, type RegionLevel } from '../../../../../../libs/reference/src/index.js';
import { parseAsOf } from '../../../common/as-of.js';
import { assertRegionAccess, type RequestContext } from '../../../common/auth.js';
import type { GetStatisticsRequestDto } from './get-statistics.request.dto.js';

export interface StatisticsRow {
  region?: { code: string; name: string | null };
  segment?: string;
  period?: string;
  value: string | number;
  contributors: number;
  yoy: number | null;
}

export interface StatisticsView {
  indicator: string;
  unit: string;
  period: string;
  region: string | null;
  regionLevel?: RegionLevel;
  granularity?: PeriodKind;
  asOf: string | null;
  rows: StatisticsRow[];
}

export class GetStatisticsQuery extends Query<StatisticsView> {
  constructor(
    readonly context: RequestContext,
    readonly indicator: string,
    readonly params: GetStatisticsRequestDto,
  ) {
    super();
  }
}

const LEVELS: readonly RegionLevel[] = ['province', 'city', 'county'];
const GRANULARITIES: readonly PeriodKind[] = ['month', 'quarter', 'year'];

interface ResolvedQuestion {
  fromMonth: number;
  toMonth: number;
  label: string;
  series: boolean;
  granularity: PeriodKind;
  region: string;
  regionLevel?: RegionLevel;
  groupBy: GroupKey[];
  asOf?: string;
}

/** Validates the statistics parameters, naming every bad one. */
export function resolveQuestion(params: GetStatisticsRequestDto, allowedGroups: readonly GroupKey[], indicator: string): ResolvedQuestion {
  const problems: FieldProblem[] = [];
  let fromMonth = 0;
  let toMonth = 0;
  let label = '';
  let series = false;
  let defaultGranularity: PeriodKind = 'month';
  if (params.period !== undefined) {
    const p = parsePeriod(params.period);
    if (!p) problems.push({ path: 'period', message: 'must be YYYY, YYYY-Qn or YYYY-MM' });
    else ({ fromMonth, toMonth, label } = p);
    if (params.from !== undefined || params.to !== undefined) problems.push({ path: 'from', message: 'give either period, or from and to, not both' });
  } else if (params.from !== undefined || params.to !== undefined) {
    const from = params.from === undefined ? undefined : parsePeriod(params.from);
    const to = params.to === undefined ? undefined : parsePeriod(params.to);
    if (!from) problems.push({ path: 'from', message: 'must be YYYY, YYYY-Qn or YYYY-MM (with to)' });
    if (!to) problems.push({ path: 'to', message: 'must be YYYY, YYYY-Qn or YYYY-MM (with from)' });
    if (from && to) {
      if (to.toMonth < from.fromMonth) problems.push({ path: 'to', message: 'must not be before from' });
      else if (to.toMonth - from.fromMonth > 12 * 50) problems.push({ path: 'to', message: 'a series spans at most 50 years' });
      fromMonth = from.fromMonth;
      toMonth = to.toMonth;
      label = `${from.label}/${to.label}`;
      series = true;
      defaultGranularity = from.kind;
    }
  } else {
    problems.push({ path: 'period', message: 'is required: YYYY, YYYY-Qn or YYYY-MM (or from and to for a series)' });
  }
  let granularity = defaultGranularity;
  if (params.granularity !== undefined) {
    if (!GRANULARITIES.includes(params.granularity as PeriodKind)) problems.push({ path: 'granularity', message: 'must be month, quarter or year' });
    else granularity = params.granularity as PeriodKind;
  }
  const groupBy: GroupKey[] = [];
  for (const key of (params.groupBy ?? '').split(',').map((k) => k.trim()).filter(Boolean)) {
    if (!GROUP_KEYS.includes(key as GroupKey)) problems.push({ path: 'groupBy', message: `"${key}" is not one of ${GROUP_KEYS.join(', ')}` });
    else if (!allowedGroups.includes(key as GroupKey)) problems.push({ path: 'groupBy', message: `${indicator} cannot be grouped by ${key}` });
    else if (!groupBy.includes(key as GroupKey)) groupBy.push(key as GroupKey);
  }
  const region = params.region ?? '';
  if (region !== '' && !(/^\d{2}(\d{2}){0,2}$/.test(region) && isRegionPrefix(region)))
    problems.push({ path: 'region', message: 'must be an existing 2-, 4- or 6-digit GB/T 2260 region code' });
  let regionLevel: RegionLevel | undefined;
  if (params.regionLevel !== undefined) {
    if (!LEVELS.includes(params.regionLevel as RegionLevel)) problems.push({ path: 'regionLevel', message: 'must be province, city or county' });
    else if (PREFIX_LENGTH[params.regionLevel as RegionLevel] < region.length)
      problems.push({ path: 'regionLevel', message: `must not be above the level of region ${region}` });
    else regionLevel = params.regionLevel as RegionLevel;
  }
  if (groupBy.includes('region') && !regionLevel) regionLevel = region.length >= 4 ? 'county' : region.length === 2 ? 'city' : 'province';
  let asOf: string | undefined;
  try {
    asOf = parseAsOf(params.asOf);
  } catch (error) {
    problems.push(...(error as ValidationFailedError).errors);
  }
  if (problems.length) throw new ValidationFailedError(problems);
  return { fromMonth, toMonth, label, series, granularity, region, regionLevel, groupBy, asOf };
}

@QueryHandler(GetStatisticsQuery)
export class GetStatisticsHandler implements IQueryHandler<GetStatisticsQuery> {
  constructor(
    @Inject(CLICKHOUSE_CLIENT) private readonly client: ClickHouseClient,
    @Inject(ANALYTICS_CONFIG) private readonly config: AnalyticsConfig,
  ) {}

  async execute({ context, indicator: id, params }: GetStatisticsQuery): Promise<StatisticsView> {
    const indicator = findIndicator(id);
    if (!indicator) throw new NotFoundError(`there is no indicator "${id}"; GET /v1/statistics lists them`);
    const q = resolveQuestion(params, indicator.groupBy, indicator.id);
    assertRegionAccess(context.principal, q.region);

    const byPeriod = q.series || q.groupBy.includes('period');
    const question = {
      indicator: indicator.id as ReportIndicator,
      region: q.region,
      regionLength: q.groupBy.includes('region') && q.regionLevel ? PREFIX_LENGTH[q.regionLevel] : 0,
      bySegment: q.groupBy.includes('segment'),
      bucket: byPeriod ? q.granularity : ('none' as const),
      asOf: q.asOf,
    };
    const [current, lastYear] = await Promise.all([
      queryReportStatistics(this.client, this.config.database, { ...question, fromMonth: q.fromMonth, toMonth: q.toMonth }),
      queryReportStatistics(this.client, this.config.database, { ...question, fromMonth: q.fromMonth - 12, toMonth: q.toMonth - 12 }),
    ]);
    const key = (r: Pick<ReportStatisticsRow, 'bucket' | 'region' | 'segment'>, shift = 0) => `${r.bucket < 0 ? -1 : r.bucket + shift}|${r.region}|${r.segment}`;
    const previous = new Map(lastYear.map((r) => [key(r, 12), r]));
    let rows = current;
    const grouped = question.regionLength > 0 || question.bySegment;
    if (!grouped) rows = this.fillEmpty(rows, byPeriod ? periodsBetween(q.fromMonth, q.toMonth, q.granularity).map((p) => p.fromMonth) : [-1]);
    const money = indicator.unit === 'yuan';
    return {
      indicator: indicator.id,
      unit: indicator.unit,
      period: q.label,
      region: q.region || null,
      ...(q.regionLevel && q.groupBy.includes('region') ? { regionLevel: q.regionLevel } : {}),
      ...(byPeriod ? { granularity: q.granularity } : {}),
      asOf: q.asOf ?? null,
      rows: rows.map((r) => {
        const before = previous.get(key(r));
        const value = BigInt(r.value);
        const prior = before ? BigInt(before.value) : 0n;
        return {
          ...(question.regionLength ? { region: { code: r.region, name: findRegion(r.region)?.name ?? null } } : {}),
          ...(question.bySegment ? { segment: r.segment } : {}),
          ...(byPeriod ? { period: periodLabelOf(r.bucket, q.granularity) } : {}),
          value: money ? formatFen(value) : Number(value),
          contributors: r.contributors,
          yoy: prior === 0n ? null : roundRatio(Number(value) / Number(prior) - 1),
        };
      }),
    };
  }

  /** Without grouping every (sub-)period has a row, zero when nothing was filed. */
  private fillEmpty(rows: ReportStatisticsRow[], buckets: number[]): ReportStatisticsRow[] {
    const byBucket = new Map(rows.map((r) => [r.bucket, r]));
    return buckets.map((bucket) => byBucket.get(bucket) ?? { bucket, region: '', segment: '', value: '0', contributors: 0 });
  }
}

function roundRatio(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
