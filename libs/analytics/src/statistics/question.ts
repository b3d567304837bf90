import { monthLabel, parseAsOf, parsePeriod, PERIOD_RANGE_TEXT, ValidationFailedError, type FieldProblem, type PeriodKind } from '../../../domain/src/index.js';
import { isRegionPrefix, OUTLET_KINDS, PREFIX_LENGTH, type RegionLevel } from '../../../reference/src/index.js';
import { GROUP_KEYS, type GroupKey, type Indicator } from '../indicators.js';
import { IMPUTATION_MODES, type ImputationMode } from './imputation.js';

/** A statistics question as it arrives (query string, release table): every field a string, all optional. */
export interface RawQuestion {
  readonly period?: string;
  readonly from?: string;
  readonly to?: string;
  readonly granularity?: string;
  readonly region?: string;
  readonly groupBy?: string | readonly string[];
  readonly regionLevel?: string;
  readonly kind?: string;
  readonly asOf?: string;
  /** `true`: from January of the period's year to the end of the period (1–N月累计). */
  readonly cumulative?: string;
  /** `include`: owed months not filed are estimated (report indicators); `none` (default): filed figures only. */
  readonly imputation?: string;
}

/** A statistics question, parsed: what {@link StatisticsService.figures} answers. */
export interface StatisticsQuestion {
  readonly indicator: Indicator;
  /** Months as indexes (year × 12 + month − 1), inclusive. */
  readonly fromMonth: number;
  readonly toMonth: number;
  /** The period as asked: `2024`, `2024-Q1`, `2024-03`, or `from/to` for a series. */
  readonly label: string;
  /** A series (from/to): one figure per sub-period of `granularity`. */
  readonly series: boolean;
  readonly granularity: PeriodKind;
  /** Region code prefix; '' is the whole country. */
  readonly region: string;
  /** The level figures are grouped at when grouped by region. */
  readonly regionLevel?: RegionLevel;
  readonly groupBy: readonly GroupKey[];
  /** Outlet kind filter ('' for none). */
  readonly kind: string;
  readonly asOf?: string;
  /** Year to date: January of the period's year to its end, one figure (asked with cumulative=true). */
  readonly cumulative?: boolean;
  /** Report indicators: whether owed months not filed are estimated (absent = none). */
  readonly imputation?: ImputationMode;
}

const LEVELS: readonly RegionLevel[] = ['province', 'city', 'county'];
const GRANULARITIES: readonly PeriodKind[] = ['month', 'quarter', 'year'];

/** Parses a raw question for an indicator, naming every bad field (a ValidationFailedError). */
export function parseQuestion(raw: RawQuestion, indicator: Indicator): StatisticsQuestion {
  const problems: FieldProblem[] = [];
  let fromMonth = 0;
  let toMonth = 0;
  let label = '';
  let series = false;
  let defaultGranularity: PeriodKind = 'month';
  if (raw.period !== undefined) {
    const p = parsePeriod(raw.period);
    if (!p) problems.push({ path: 'period', message: `must be YYYY, YYYY-Qn or YYYY-MM ${PERIOD_RANGE_TEXT}` });
    else ({ fromMonth, toMonth, label } = p);
    if (raw.from !== undefined || raw.to !== undefined) problems.push({ path: 'from', message: 'give either period, or from and to, not both' });
  } else if (raw.from !== undefined || raw.to !== undefined) {
    const from = raw.from === undefined ? undefined : parsePeriod(raw.from);
    const to = raw.to === undefined ? undefined : parsePeriod(raw.to);
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
  // Year to date (累计): the same question from January of the period's year, compared with the same
  // months a year earlier — never a part year against a whole one.
  let cumulative = false;
  if (raw.cumulative !== undefined) {
    if (raw.cumulative !== 'true' && raw.cumulative !== 'false') problems.push({ path: 'cumulative', message: 'must be true or false' });
    else if (raw.cumulative === 'true') {
      if (raw.period === undefined) problems.push({ path: 'cumulative', message: 'applies to a period (YYYY-MM or YYYY-Qn), not to a series' });
      else if (label) {
        cumulative = true;
        fromMonth = Math.floor(fromMonth / 12) * 12;
        label = fromMonth === toMonth - 11 ? label : `${monthLabel(fromMonth)}/${monthLabel(toMonth)}`;
      }
    }
  }
  let granularity = defaultGranularity;
  if (raw.granularity !== undefined) {
    if (!GRANULARITIES.includes(raw.granularity as PeriodKind)) problems.push({ path: 'granularity', message: 'must be month, quarter or year' });
    else granularity = raw.granularity as PeriodKind;
  }
  const groupBy: GroupKey[] = [];
  const keys = typeof raw.groupBy === 'string' ? raw.groupBy.split(',') : (raw.groupBy ?? []);
  for (const key of keys.map((k) => k.trim()).filter(Boolean)) {
    // The input is echoed only when it looks like a name: an error message never carries arbitrary text (or SQL) back.
    if (!GROUP_KEYS.includes(key as GroupKey))
      problems.push({ path: 'groupBy', message: `${/^[A-Za-z]{1,30}$/.test(key) ? `"${key}"` : 'an item'} is not one of ${GROUP_KEYS.join(', ')}` });
    else if (!indicator.groupBy.includes(key as GroupKey)) problems.push({ path: 'groupBy', message: `${indicator.id} cannot be grouped by ${key}` });
    else if (!groupBy.includes(key as GroupKey)) groupBy.push(key as GroupKey);
  }
  const region = raw.region ?? '';
  if (region !== '' && !(/^\d{2}(\d{2}){0,2}$/.test(region) && isRegionPrefix(region)))
    problems.push({ path: 'region', message: 'must be an existing 2-, 4- or 6-digit GB/T 2260 region code' });
  let regionLevel: RegionLevel | undefined;
  if (raw.regionLevel !== undefined) {
    if (!LEVELS.includes(raw.regionLevel as RegionLevel)) problems.push({ path: 'regionLevel', message: 'must be province, city or county' });
    else if (PREFIX_LENGTH[raw.regionLevel as RegionLevel] < region.length)
      problems.push({ path: 'regionLevel', message: `must not be above the level of region ${region}` });
    else regionLevel = raw.regionLevel as RegionLevel;
  }
  if (groupBy.includes('region') && !regionLevel) regionLevel = region.length >= 4 ? 'county' : region.length === 2 ? 'city' : 'province';
  let asOf: string | undefined;
  try {
    asOf = parseAsOf(raw.asOf);
  } catch (error) {
    problems.push(...(error as ValidationFailedError).errors);
  }
  let imputation: ImputationMode | undefined;
  if (raw.imputation !== undefined) {
    if (!IMPUTATION_MODES.includes(raw.imputation as ImputationMode)) problems.push({ path: 'imputation', message: `must be ${IMPUTATION_MODES.join(' or ')}` });
    else if (indicator.family === 'service' && raw.imputation === 'include')
      problems.push({ path: 'imputation', message: `${indicator.id} records events, not survey returns: nothing is missing to estimate` });
    else if (indicator.family === 'annual' && raw.imputation === 'include')
      problems.push({ path: 'imputation', message: `${indicator.id} comes from the annual report, which is not estimated: its cells state their response instead` });
    else imputation = raw.imputation as ImputationMode;
  }
  if (indicator.family === 'annual' && label) {
    // Annual reports know whole years only.
    if (fromMonth % 12 !== 0 || toMonth % 12 !== 11)
      problems.push({ path: raw.period !== undefined ? 'period' : 'from', message: `${indicator.id} comes from the annual report: ask for whole years (YYYY, or from and to as years)` });
    else if (raw.granularity !== undefined && raw.granularity !== 'year') problems.push({ path: 'granularity', message: `${indicator.id} comes from the annual report: its granularity is year` });
    else granularity = 'year';
  }
  if (problems.length) throw new ValidationFailedError(problems);
  const kind = raw.kind ?? '';
  if (kind !== '') {
    if (!indicator.groupBy.includes('kind')) throw ValidationFailedError.field('kind', `${indicator.id} cannot be filtered by outlet kind`);
    if (!(OUTLET_KINDS as readonly string[]).includes(kind)) throw ValidationFailedError.field('kind', `must be one of ${OUTLET_KINDS.join(', ')}`);
  }
  return { indicator, fromMonth, toMonth, label, series, granularity, region, regionLevel, groupBy, kind, asOf, ...(cumulative ? { cumulative } : {}), ...(imputation ? { imputation } : {}) };
}
