import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { ClickHouseClient } from '@clickhouse/client';
import {
  formatFen,
  monthLabel,
  NotFoundError,
  parsePeriod,
  PERIOD_RANGE_TEXT,
  periodLabelOf,
  periodsBetween,
  ValidationFailedError,
  type FieldProblem,
  type PeriodKind,
} from '../../../../../../libs/domain/src/index.js';
import {
  ANALYTICS_CONFIG,
  ProjectionProgress,
  CLICKHOUSE_CLIENT,
  countCommunitiesByRegion,
  findIndicator,
  GROUP_KEYS,
  queryReportStatistics,
  queryServiceStatistics,
  type AnalyticsConfig,
  type GroupKey,
  type Indicator,
  type PeriodSpan,
  type ReportIndicator,
  type ReportStatisticsRow,
  type ServiceIndicator,
  type ServiceStatisticsRow,
} from '../../../../../../libs/analytics/src/index.js';
import { findRegion, isRegionPrefix, OUTLET_KINDS, PREFIX_LENGTH, type RegionLevel } from '../../../../../../libs/reference/src/index.js';
import { parseAsOf } from '../../../common/as-of.js';
import { assertRegionAccess, type RequestContext } from '../../../common/auth.js';
import type { GetStatisticsRequestDto } from './get-statistics.request.dto.js';

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
  /** Internal only (releases): the largest single enterprise's part, for dominance rules. */
  top?: string | number;
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

/** What only internal callers (releases) ask for: a log cut-off and the dominance figures. */
export interface InternalStatisticsOptions {
  readonly upToPosition?: number;
  readonly withDominance?: boolean;
}

export class GetStatisticsQuery extends Query<StatisticsView> {
  constructor(
    readonly context: RequestContext,
    readonly indicator: string,
    readonly params: GetStatisticsRequestDto,
    readonly internal: InternalStatisticsOptions = {},
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
    if (!p) problems.push({ path: 'period', message: `must be YYYY, YYYY-Qn or YYYY-MM ${PERIOD_RANGE_TEXT}` });
    else ({ fromMonth, toMonth, label } = p);
    if (params.from !== undefined || params.to !== undefined) problems.push({ path: 'from', message: 'give either period, or from and to, not both' });
  } else if (params.from !== undefined || params.to !== undefined) {
    const from = params.from === undefined ? undefined : parsePeriod(params.from);
    const to = params.to === undefined ? undefined : parsePeriod(params.to);
    if (!from) problems.push({ path: 'from', message: `must be YYYY, YYYY-Qn or YYYY-MM ${PERIOD_RANGE_TEXT} (with to)` });
    if (!to) problems.push({ path: 'to', message: `must be YYYY, YYYY-Qn or YYYY-MM ${PERIOD_RANGE_TEXT} (with from)` });
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
    // The input is echoed only when it looks like a name: an error message never carries arbitrary text (or SQL) back.
    if (!GROUP_KEYS.includes(key as GroupKey))
      problems.push({ path: 'groupBy', message: `${/^[A-Za-z]{1,30}$/.test(key) ? `"${key}"` : 'an item'} is not one of ${GROUP_KEYS.join(', ')}` });
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
    private readonly progress: ProjectionProgress,
  ) {}

  async execute({ context, indicator: id, params, internal: asked }: GetStatisticsQuery): Promise<StatisticsView> {
    // Fed by Kafka, partitions are projected side by side: rows above the low watermark may have
    // later events without earlier ones. Reads stop at the watermark, so every answer is the figure
    // of one prefix of the log (embedded, the projector writes in log order and needs no cut).
    const internal = asked.upToPosition === undefined && this.progress.kafka ? { ...asked, upToPosition: this.progress.position } : asked;
    const indicator = findIndicator(id);
    if (!indicator) throw new NotFoundError(`there is no indicator "${id}"; GET /v1/statistics lists them`);
    // A bureau that names no region reads its own (API.md); naming a wider one stays forbidden.
    const { principal } = context;
    const scoped = principal.role === 'bureau' && params.region === undefined && principal.region ? { ...params, region: principal.region } : params;
    const q = resolveQuestion(scoped, indicator.groupBy, indicator.id);
    const kindFilter = params.kind ?? '';
    if (kindFilter !== '') {
      if (!indicator.groupBy.includes('kind')) throw ValidationFailedError.field('kind', `${indicator.id} cannot be filtered by outlet kind`);
      if (!(OUTLET_KINDS as readonly string[]).includes(kindFilter)) throw ValidationFailedError.field('kind', `must be one of ${OUTLET_KINDS.join(', ')}`);
    }
    assertRegionAccess(context.principal, q.region);
    const byPeriod = q.series || q.groupBy.includes('period');
    const regionLength = q.groupBy.includes('region') && q.regionLevel ? PREFIX_LENGTH[q.regionLevel] : 0;
    const rows = indicator.family === 'report' ? await this.reportRows(indicator, q, byPeriod, regionLength, internal) : await this.serviceRows(indicator, q, byPeriod, regionLength, kindFilter, internal);
    return {
      indicator: indicator.id,
      unit: indicator.unit,
      period: q.label,
      region: q.region || null,
      ...(regionLength ? { regionLevel: q.regionLevel } : {}),
      ...(byPeriod ? { granularity: q.granularity } : {}),
      ...(kindFilter ? { kind: kindFilter } : {}),
      asOf: q.asOf ?? null,
      rows,
    };
  }

  private async reportRows(indicator: Indicator, q: ResolvedQuestion, byPeriod: boolean, regionLength: number, internal: InternalStatisticsOptions): Promise<StatisticsRow[]> {
    const question = {
      upToPosition: internal.upToPosition,
      indicator: indicator.id as ReportIndicator,
      region: q.region,
      regionLength,
      bySegment: q.groupBy.includes('segment'),
      bucket: byPeriod ? q.granularity : ('none' as const),
      asOf: q.asOf,
      withTop: Boolean(internal.withDominance),
    };
    const [current, lastYear] = await Promise.all([
      queryReportStatistics(this.client, this.config.database, { ...question, fromMonth: q.fromMonth, toMonth: q.toMonth }),
      queryReportStatistics(this.client, this.config.database, { ...question, fromMonth: q.fromMonth - 12, toMonth: q.toMonth - 12 }),
    ]);
    const key = (r: Pick<ReportStatisticsRow, 'bucket' | 'region' | 'segment'>, shift = 0) => `${r.bucket < 0 ? -1 : r.bucket + shift}|${r.region}|${r.segment}`;
    const previous = new Map(lastYear.map((r) => [key(r, 12), r]));
    let rows = current;
    if (!regionLength && !question.bySegment) {
      const buckets = byPeriod ? periodsBetween(q.fromMonth, q.toMonth, q.granularity).map((p) => p.fromMonth) : [-1];
      const byBucket = new Map(rows.map((r) => [r.bucket, r]));
      rows = buckets.map((bucket) => byBucket.get(bucket) ?? { bucket, region: '', segment: '', value: '0', top: '0', contributors: 0 });
    }
    return rows.map((r) => {
      const before = previous.get(key(r));
      return {
        ...(regionLength ? { region: regionOf(r.region) } : {}),
        ...(question.bySegment ? { segment: r.segment } : {}),
        ...(byPeriod ? { period: periodLabelOf(r.bucket, q.granularity) } : {}),
        value: indicator.unit === 'yuan' ? formatFen(BigInt(r.value)) : Number(r.value),
        contributors: r.contributors,
        yoy: yoy(BigInt(r.value), before ? BigInt(before.value) : 0n),
        ...(internal.withDominance ? { top: indicator.unit === 'yuan' ? formatFen(BigInt(r.top)) : Number(r.top) } : {}),
      };
    });
  }

  private async serviceRows(indicator: Indicator, q: ResolvedQuestion, byPeriod: boolean, regionLength: number, kind: string, internal: InternalStatisticsOptions): Promise<StatisticsRow[]> {
    const periods = byPeriod ? periodsBetween(q.fromMonth, q.toMonth, q.granularity) : [{ label: q.label, fromMonth: q.fromMonth, toMonth: q.toMonth }];
    const spans = (shift: number): PeriodSpan[] =>
      periods.map((p) => ({ label: p.label, start: `${monthLabel(p.fromMonth - shift)}-01`, end: lastDayOf(p.toMonth - shift) }));
    const question = {
      indicator: indicator.id as ServiceIndicator,
      region: q.region,
      regionLength,
      byKind: q.groupBy.includes('kind'),
      byProductClass: q.groupBy.includes('productClass'),
      byBeneficiary: q.groupBy.includes('beneficiary'),
      kind,
      asOf: q.asOf,
      upToPosition: internal.upToPosition,
    };
    const coverage = indicator.id === 'community-coverage';
    const [current, lastYear, denominators] = await Promise.all([
      queryServiceStatistics(this.client, this.config.database, { ...question, buckets: spans(0) }),
      queryServiceStatistics(this.client, this.config.database, { ...question, buckets: spans(12) }),
      coverage ? countCommunitiesByRegion(this.client, this.config.database, q.region, regionLength) : Promise.resolve(new Map<string, number>()),
    ]);
    const key = (r: ServiceStatisticsRow) => `${r.bucket}|${r.region}|${r.kind}|${r.productClass}|${r.beneficiary}`;
    const previous = new Map(lastYear.map((r) => [key(r), r]));
    let rows = current;
    const grouped = question.byKind || question.byProductClass || question.byBeneficiary;
    if (!grouped && (!regionLength || coverage)) {
      // Every (sub-)period has a row; coverage also lists every region, covered or not.
      const regions = regionLength ? [...denominators.keys()] : [''];
      const found = new Map(rows.map((r) => [key(r), r]));
      rows = periods.flatMap((p) =>
        regions.map((region) => {
          const empty: ServiceStatisticsRow = { bucket: p.label, region, kind: '', productClass: '', beneficiary: '', value: '0', top: '0', contributors: 0 };
          return found.get(key(empty)) ?? empty;
        }),
      );
    }
    const ratio = (r: ServiceStatisticsRow | undefined) => {
      const denominator = r ? (denominators.get(r.region) ?? 0) : 0;
      return denominator ? Number(r!.value) / denominator : 0;
    };
    return rows.map((r) => {
      const before = previous.get(key(r));
      const common = {
        ...(regionLength ? { region: regionOf(r.region) } : {}),
        ...(question.byKind ? { kind: r.kind } : {}),
        ...(question.byProductClass ? { productClass: r.productClass } : {}),
        ...(question.byBeneficiary ? { beneficiary: r.beneficiary } : {}),
        ...(byPeriod ? { period: r.bucket } : {}),
      };
      if (coverage) {
        const value = ratio(r);
        const prior = ratio(before);
        return {
          ...common,
          value,
          numerator: Number(r.value),
          denominator: denominators.get(r.region) ?? 0,
          contributors: r.contributors,
          yoy: prior === 0 ? null : roundRatio(value / prior - 1),
        };
      }
      return {
        ...common,
        value: indicator.unit === 'yuan' ? formatFen(BigInt(r.value)) : Number(r.value),
        contributors: r.contributors,
        yoy: yoy(BigInt(r.value), before ? BigInt(before.value) : 0n),
        ...(internal.withDominance ? { top: indicator.unit === 'yuan' ? formatFen(BigInt(r.top)) : Number(r.top) } : {}),
      };
    });
  }
}

function regionOf(code: string): { code: string; name: string | null } {
  return { code, name: findRegion(code)?.name ?? null };
}

function lastDayOf(month: number): string {
  const y = Math.floor(month / 12);
  const m = month % 12;
  return new Date(Date.UTC(y, m + 1, 0)).toISOString().slice(0, 10);
}

function yoy(value: bigint, prior: bigint): number | null {
  return prior === 0n ? null : roundRatio(Number(value) / Number(prior) - 1);
}

function roundRatio(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
