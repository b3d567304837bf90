import { Inject, Injectable } from '@nestjs/common';
import type { ClickHouseClient } from '@clickhouse/client';
import { formatFen, monthLabel, periodLabelOf, periodsBetween, type PeriodKind } from '../../../domain/src/index.js';
import { PREFIX_LENGTH, type RegionLevel } from '../../../reference/src/index.js';
import { ANALYTICS_CONFIG, CLICKHOUSE_CLIENT, type AnalyticsConfig } from '../clickhouse.client.js';
import type { Indicator } from '../indicators.js';
import { ProjectionProgress } from '../projection-progress.js';
import { countCommunitiesByRegion, queryServiceStatistics, type PeriodSpan, type ServiceIndicator, type ServiceStatisticsRow } from '../services/service-statistics.query.js';
import { queryReportStatistics, type ReportIndicator } from '../reports/report-statistics.query.js';
import { queryRegister, queryUnitPanel } from '../reports/unit-panel.query.js';
import { queryResponse } from '../reports/response.query.js';
import { annualCells, queryAnnualReports, type AnnualIndicator } from '../annual/annual-statistics.js';
import { imputationMethodOf, responseRates, unitCells, type ImputationMethod, type ImputationMode, type ResponseRates, type UnitCell } from './imputation.js';
import type { StatisticsQuestion } from './question.js';

/** What a figure is of: the groups it belongs to (each present only when grouped by it). */
export interface FigureKey {
  readonly region?: string;
  readonly segment?: string;
  readonly kind?: string;
  readonly productClass?: string;
  readonly beneficiary?: string;
  readonly period?: string;
}

/** One cell of an answer. */
export interface Figure extends FigureKey {
  /** Fen for money, a count for persons, enterprises, outlets and rentals; a share for a ratio (community coverage). */
  readonly value: bigint | number;
  /** Enterprises (or outlets) whose data make up the figure. */
  readonly contributors: number;
  /** Change against the same period a year earlier, as a share (0.05 = +5%); null when that was zero. */
  readonly yoy: number | null;
  /** For a ratio: what it divides. */
  readonly numerator?: number;
  readonly denominator?: number;
  /** With `withDominance`: the largest single contributor's part (for the dominance rules of releases). */
  readonly top?: bigint;
  /** Report indicators with imputation included: the estimated part of `value`, and the enterprises estimated. */
  readonly imputed?: bigint;
  readonly imputedContributors?: number;
  /** Report indicators: how complete the cell is (issue 20). */
  readonly response?: ResponseRates;
  /** A ratio whose cells are protected in releases (R&D intensity): the additive amount (fen) its dominance is judged on, of which `top` is a part. */
  readonly basis?: bigint;
}

export interface Figures {
  readonly question: StatisticsQuestion;
  /** Present when grouped by region. */
  readonly regionLevel?: RegionLevel;
  /** Present for a series or when grouped by period. */
  readonly granularity?: PeriodKind;
  /** Report indicators: whether missing months are estimated, and by which method. */
  readonly imputation?: { readonly mode: ImputationMode; readonly method: ImputationMethod | null };
  readonly figures: Figure[];
}

/** What only publication asks for: a log cut-off and the dominance figures. */
export interface FigureOptions {
  readonly upToPosition?: number;
  readonly withDominance?: boolean;
}

/**
 * Industry statistics as a typed service: a parsed question in, figures out (values in fen or
 * counts, year-on-year and zero-filled periods included). The api formats them; releases and
 * pilot progress call it directly.
 */
@Injectable()
export class StatisticsService {
  constructor(
    @Inject(CLICKHOUSE_CLIENT) private readonly client: ClickHouseClient,
    @Inject(ANALYTICS_CONFIG) private readonly config: AnalyticsConfig,
    private readonly progress: ProjectionProgress,
  ) {}

  async figures(q: StatisticsQuestion, asked: FigureOptions = {}): Promise<Figures> {
    // Fed by Kafka, partitions are projected side by side: rows above the low watermark may have
    // later events without earlier ones. Reads stop at the watermark, so every answer is the figure
    // of one prefix of the log (embedded, the projector writes in log order and needs no cut).
    const options = asked.upToPosition === undefined && this.progress.kafka ? { ...asked, upToPosition: this.progress.position } : asked;
    const byPeriod = q.series || q.groupBy.includes('period');
    const regionLength = q.groupBy.includes('region') && q.regionLevel ? PREFIX_LENGTH[q.regionLevel] : 0;
    const report = q.indicator.family === 'report';
    const figures = report
      ? await this.reportFigures(q, byPeriod, regionLength, options)
      : q.indicator.family === 'annual'
        ? await this.annualFigures(q, byPeriod, regionLength, options)
        : await this.serviceFigures(q, byPeriod, regionLength, options);
    return {
      question: q,
      ...(regionLength ? { regionLevel: q.regionLevel } : {}),
      ...(byPeriod ? { granularity: q.granularity } : {}),
      ...(report || q.indicator.family === 'annual' ? { imputation: { mode: q.imputation ?? 'none', method: q.imputation === 'include' ? imputationMethodOf(q.indicator.id) : null } } : {}),
      figures,
    };
  }

  private async reportFigures(q: StatisticsQuestion, byPeriod: boolean, regionLength: number, options: FigureOptions): Promise<Figure[]> {
    const include = q.imputation === 'include';
    const question = {
      upToPosition: options.upToPosition,
      indicator: q.indicator.id as ReportIndicator,
      region: q.region,
      regionLength,
      bySegment: q.groupBy.includes('segment'),
      bucket: byPeriod ? q.granularity : ('none' as const),
      asOf: q.asOf,
      withTop: Boolean(options.withDominance),
    };
    // The unit panel: the province (estimates use its year-on-year ratios), from the year before the
    // period (year-earlier values) — two years before with imputation (the year-earlier figure is estimated too).
    const unitQuestion = { ...question, fromMonth: q.fromMonth, toMonth: q.toMonth, at: q.asOf ?? new Date().toISOString() };
    const key = (r: { bucket: number; region: string; segment: string }, shift = 0) => `${r.bucket < 0 ? -1 : r.bucket + shift}|${r.region}|${r.segment}`;
    let current: CellRow[];
    let lastYear: CellRow[];
    let units: Map<string, Pick<UnitCell, 'response'> & Partial<UnitCell>>;
    if (include) {
      // Estimates work on the unit panel: the province (its year-on-year ratios), from two years
      // before the period (the year-earlier figure is estimated too).
      const known = await queryUnitPanel(this.client, this.config.database, {
        scope: q.region.slice(0, 2),
        fromMonth: q.fromMonth - 24,
        toMonth: q.toMonth,
        asOf: q.asOf,
        upToPosition: options.upToPosition,
      });
      const cells = unitCells(known, unitQuestion);
      current = cells;
      lastYear = unitCells(known, { ...unitQuestion, fromMonth: q.fromMonth - 12, toMonth: q.toMonth - 12 });
      units = new Map(cells.map((c) => [key(c), c]));
    } else {
      // Filed figures: both years' sums and the response rates of every cell, each one statement in ClickHouse.
      const [rows, before, response] = await Promise.all([
        queryReportStatistics(this.client, this.config.database, { ...question, fromMonth: q.fromMonth, toMonth: q.toMonth }),
        queryReportStatistics(this.client, this.config.database, { ...question, fromMonth: q.fromMonth - 12, toMonth: q.toMonth - 12 }),
        queryResponse(this.client, this.config.database, { ...unitQuestion, upToPosition: options.upToPosition }),
      ]);
      current = rows.map((r) => ({ ...r, value: BigInt(r.value), top: BigInt(r.top) }));
      lastYear = before.map((r) => ({ ...r, value: BigInt(r.value), top: BigInt(r.top) }));
      units = new Map(response.map((c) => [key(c), { response: responseRates(c) }]));
    }
    const previous = new Map(lastYear.map((r) => [key(r, 12), r]));
    let rows = current;
    if (!regionLength && !question.bySegment) {
      const buckets = byPeriod ? periodsBetween(q.fromMonth, q.toMonth, q.granularity).map((p) => p.fromMonth) : [-1];
      const byBucket = new Map(rows.map((r) => [r.bucket, r]));
      rows = buckets.map((bucket) => byBucket.get(bucket) ?? { bucket, region: '', segment: '', value: 0n, top: 0n, contributors: 0 });
    }
    return rows.map((r) => {
      const unit = units.get(key(r));
      return {
        ...(regionLength ? { region: r.region } : {}),
        ...(question.bySegment ? { segment: r.segment } : {}),
        ...(byPeriod ? { period: periodLabelOf(r.bucket, q.granularity) } : {}),
        value: r.value,
        contributors: r.contributors,
        yoy: yoy(r.value, previous.get(key(r))?.value ?? 0n),
        ...(options.withDominance ? { top: r.top } : {}),
        ...(include ? { imputed: unit?.imputed ?? 0n, imputedContributors: unit?.imputedContributors ?? 0 } : {}),
        response: unit?.response ?? NO_RESPONSE,
      };
    });
  }

  /** Annual-report indicators: each enterprise-year's latest report as known, with response rates (never estimated). */
  private async annualFigures(q: StatisticsQuestion, byPeriod: boolean, regionLength: number, options: FigureOptions): Promise<Figure[]> {
    const fromYear = Math.floor(q.fromMonth / 12);
    const toYear = Math.floor(q.toMonth / 12);
    const scope = { scope: q.region.slice(0, 2), asOf: q.asOf, upToPosition: options.upToPosition };
    // From the year before: year-on-year figures and the weights of the response rate (the year-earlier
    // cells serve only their values, so nothing before that is read).
    const [register, reports] = await Promise.all([
      queryRegister(this.client, this.config.database, scope),
      queryAnnualReports(this.client, this.config.database, { ...scope, fromYear: fromYear - 1, toYear }),
    ]);
    const question = {
      indicator: q.indicator.id as AnnualIndicator,
      byYear: byPeriod,
      region: q.region,
      regionLength,
      bySegment: q.groupBy.includes('segment'),
      byClass: q.groupBy.includes('productClass'),
      at: q.asOf ?? new Date().toISOString(),
    };
    const current = annualCells(register, reports, { ...question, fromYear, toYear });
    const before = annualCells(register, reports, { ...question, fromYear: fromYear - 1, toYear: toYear - 1 });
    const key = (c: { bucket: number; region: string; segment: string; productClass: string }, shift = 0) => `${c.bucket < 0 ? -1 : c.bucket + shift}|${c.region}|${c.segment}|${c.productClass}`;
    const previous = new Map(before.map((c) => [key(c, 12), c]));
    let cells = current;
    if (!regionLength && !question.bySegment && !question.byClass) {
      const buckets = byPeriod ? periodsBetween(q.fromMonth, q.toMonth, 'year').map((p) => p.fromMonth) : [-1];
      const found = new Map(cells.map((c) => [c.bucket, c]));
      cells = buckets.map((bucket) => found.get(bucket) ?? { bucket, region: '', segment: '', productClass: '', value: 0n, denominator: 0n, top: 0n, contributors: 0, response: NO_RESPONSE });
    }
    const intensity = q.indicator.id === 'rd-intensity';
    const share = (numerator: bigint, denominator: bigint) => (denominator === 0n ? 0 : roundRatio(Number(numerator) / Number(denominator)));
    return cells.map((c): Figure => {
      const before = previous.get(key(c));
      const common = {
        ...(regionLength ? { region: c.region } : {}),
        ...(question.bySegment ? { segment: c.segment } : {}),
        ...(question.byClass ? { productClass: c.productClass } : {}),
        ...(byPeriod ? { period: periodLabelOf(c.bucket, 'year') } : {}),
        contributors: c.contributors,
        ...(options.withDominance ? { top: c.top } : {}),
        response: c.response,
      };
      if (!intensity) return { ...common, value: c.value, yoy: yoy(c.value, before?.value ?? 0n) };
      const value = share(c.value, c.denominator);
      const prior = before ? share(before.value, before.denominator) : 0;
      // Numerator and denominator in yuan; the dominance basis of a release is the numerator (fen).
      return { ...common, value, numerator: Number(c.value) / 100, denominator: Number(c.denominator) / 100, basis: c.value, yoy: prior === 0 ? null : roundRatio(value / prior - 1) };
    });
  }

  private async serviceFigures(q: StatisticsQuestion, byPeriod: boolean, regionLength: number, options: FigureOptions): Promise<Figure[]> {
    const periods = byPeriod ? periodsBetween(q.fromMonth, q.toMonth, q.granularity) : [{ label: q.label, fromMonth: q.fromMonth, toMonth: q.toMonth }];
    const spans = (shift: number): PeriodSpan[] =>
      periods.map((p) => ({ label: p.label, start: `${monthLabel(p.fromMonth - shift)}-01`, end: lastDayOf(p.toMonth - shift) }));
    const question = {
      indicator: q.indicator.id as ServiceIndicator,
      region: q.region,
      regionLength,
      byKind: q.groupBy.includes('kind'),
      byProductClass: q.groupBy.includes('productClass'),
      byBeneficiary: q.groupBy.includes('beneficiary'),
      kind: q.kind,
      asOf: q.asOf,
      upToPosition: options.upToPosition,
    };
    const coverage = q.indicator.id === 'community-coverage';
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
    return rows.map((r): Figure => {
      const before = previous.get(key(r));
      const common = {
        ...(regionLength ? { region: r.region } : {}),
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
      const value = BigInt(r.value);
      return {
        ...common,
        value,
        contributors: r.contributors,
        yoy: yoy(value, before ? BigInt(before.value) : 0n),
        ...(options.withDominance ? { top: BigInt(r.top) } : {}),
      };
    });
  }
}

/** A cell as both paths give it: the SQL of the filed figures, or the unit panel with estimates. */
interface CellRow {
  readonly bucket: number;
  readonly region: string;
  readonly segment: string;
  readonly value: bigint;
  readonly top: bigint;
  readonly contributors: number;
}

/** A cell nobody owed or filed. */
const NO_RESPONSE: ResponseRates = { expected: 0, filed: 0, rate: null, weightedRate: null, reportsExpected: 0, reportsFiled: 0 };

/** A figure's value as published: yuan as a decimal string (`"1234.50"`), counts and ratios as numbers. */
export function publishedValue(indicator: Indicator, value: bigint | number): string | number {
  if (typeof value === 'number') return value;
  return indicator.unit === 'yuan' ? formatFen(value) : Number(value);
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
