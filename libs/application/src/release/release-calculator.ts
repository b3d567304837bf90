import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ClickHouseClient } from '@clickhouse/client';
import {
  ANALYTICS_CONFIG,
  CLICKHOUSE_CLIENT,
  findIndicator,
  parseQuestion,
  ProjectionProgress,
  publishedValue,
  queryUnacceptedFilings,
  ReadModelBehindError,
  StatisticsService,
  type AnalyticsConfig,
  type Figure,
  type ResponseRates,
  type UnacceptedFiling,
} from '../../../analytics/src/index.js';
import { EVENT_STORE, type EventStore } from '../../../event-store/src/index.js';
import {
  applyDisclosureControl,
  DEFAULT_PROTECTION,
  parsePeriod,
  protectAcrossReleases,
  RuleViolationError,
  type ConfidentialValue,
  type ControlCell,
  type LinkedCell,
  type ReleaseCell,
  type ReleaseResponse,
  type ReleaseDrafted,
  annualFilingDeadline,
  filingDeadline,
} from '../../../domain/src/index.js';
import { highsSolver } from './highs-solver.js';
import { ledgerOf, linkedCellsOf, publishedReleases } from './publication-ledger.js';
import { canonicalJson, sha256 } from '../fingerprint.js';

const KEY_FIELDS = ['region', 'segment', 'kind', 'productClass', 'beneficiary', 'period'] as const;

function keyOf(figure: Figure): Record<string, string> {
  const key: Record<string, string> = {};
  for (const field of KEY_FIELDS) {
    const v = figure[field];
    if (v !== undefined) key[field] = v;
  }
  return key;
}

const numeric = (value: bigint | number) => Number(value);
const cellId = (table: number, key: Record<string, string>, total: boolean) => `${table}|${total ? 'total' : 'cell'}|${canonicalJson(key)}`;

/**
 * A cell is provisional while its figures may still change: a month of its period whose filing
 * deadline (15th of the next month) had not passed at the cut-off, or (report indicators) a filing
 * in it that review had not accepted by then (issue 18).
 */
function provisional(period: string, cutoff: string): boolean {
  const p = parsePeriod(period);
  if (!p) return false;
  for (let m = p.fromMonth; m <= p.toMonth; m++) {
    const label = `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
    if (filingDeadline(label) > cutoff) return true;
  }
  return false;
}

/** An annual-report cell is provisional while the annual report of one of its years was not yet due at the cut-off (31 March of the next year). */
function annualProvisional(period: string, cutoff: string): boolean {
  const p = parsePeriod(period);
  if (!p) return false;
  for (let year = Math.floor(p.fromMonth / 12); year <= Math.floor(p.toMonth / 12); year++) if (annualFilingDeadline(year) > cutoff) return true;
  return false;
}

/**
 * A cell's response as published: counts and the unit rate always; the weighted rate (the filers' share
 * of the year-earlier value) only when the cell is published and at least `threshold` enterprises
 * filed and at least that many did not (or none did not) — else it would tell one enterprise's share.
 */
function releaseResponse(r: ResponseRates, confidential: boolean, threshold: number): ReleaseResponse {
  const missing = r.expected - r.filed;
  const safe = !confidential && r.filed >= threshold && (missing === 0 || missing >= threshold);
  return { expected: r.expected, filed: r.filed, rate: r.rate, weightedRate: safe ? r.weightedRate : null };
}

export interface ComputedRelease {
  readonly cells: ReleaseCell[];
  readonly confidential: ConfidentialValue[];
}

export function contentHashOf(cells: readonly ReleaseCell[]): string {
  return sha256(canonicalJson(cells));
}

/**
 * Computes a release's cells from the statistics as of its cut-off (log position and instant),
 * applies disclosure control and flags. Publication and verification both call this, so a
 * verification recomputes exactly what publication froze.
 */
@Injectable()
export class ReleaseCalculator {
  constructor(
    private readonly statistics: StatisticsService,
    private readonly projector: ProjectionProgress,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLICKHOUSE_CLIENT) private readonly client: ClickHouseClient,
    @Inject(ANALYTICS_CONFIG) private readonly config: AnalyticsConfig,
  ) {}

  private readonly logger = new Logger('releases');

  /** Publications take turns: each is checked against everything published before it. */
  private queue: Promise<unknown> = Promise.resolve();

  serially<T>(work: () => Promise<T>): Promise<T> {
    const turn = this.queue.catch(() => undefined).then(work);
    this.queue = turn;
    return turn;
  }

  /**
   * The ledger of everything published: for a new publication, every published release (but the
   * one being published); for a verification, those published before `position`.
   */
  async ledger(options: { before?: number; exclude?: string }): Promise<LinkedCell[]> {
    const head = await this.store.headPosition();
    if (!(await this.projector.waitFor(head, 60_000))) throw new ReadModelBehindError('the read model has not yet caught up with the event log; try again shortly');
    return ledgerOf(await publishedReleases(this.store, this.client, this.config.database), options);
  }

  /**
   * The cells of a release with disclosure control: within the release (FREQ, NK, secondary in
   * each group), then across everything published before it (`ledger`): cells of this release are
   * hidden until no sensitive cell anywhere can be narrowed below p·x; a release that cannot be made
   * safe is refused (422), never published.
   */
  async cells(draft: ReleaseDrafted['data'], previous: readonly ReleaseCell[] | null, ledger: readonly LinkedCell[] = []): Promise<ComputedRelease> {
    const started = performance.now();
    if (!(await this.projector.waitFor(draft.cutoff.position, 60_000)))
      throw new ReadModelBehindError('the read model has not yet caught up with the release cut-off; try again shortly');
    const previousById = new Map((previous ?? []).map((c) => [cellId(c.table, c.key as Record<string, string>, c.total), c]));
    const rows: { id: string; table: number; key: Record<string, string>; total: boolean; row: { value: string | number; numeric: number }; figure: Figure; control: ControlCell }[] = [];
    for (const [table, spec] of draft.tables.entries()) {
      const indicator = findIndicator(spec.indicator)!;
      // Money and headcounts are protected; so is R&D intensity, on its R&D spending (its `basis`).
      const sensitive = indicator.unit === 'yuan' || indicator.unit === 'persons' || indicator.id === 'rd-intensity';
      const grouped = spec.groupBy.filter((g) => g !== 'period');
      const byPeriod = spec.groupBy.includes('period');
      const estimates = draft.imputation === 'include' && indicator.family === 'report';
      const base = { period: draft.period, ...(draft.region ? { region: draft.region } : {}), asOf: draft.cutoff.asOf, ...(estimates ? { imputation: 'include' } : {}) };
      const ask = async (groupBy: string[]) => {
        const question = parseQuestion({ ...base, groupBy, ...(spec.regionLevel && groupBy.includes('region') ? { regionLevel: spec.regionLevel } : {}) }, indicator);
        return (await this.statistics.figures(question, { upToPosition: draft.cutoff.position, withDominance: true })).figures;
      };
      const add = (figure: Figure, total: boolean) => {
        const key = keyOf(figure);
        const row = { value: publishedValue(indicator, figure.value), numeric: numeric(figure.value) };
        const id = cellId(table, key, total);
        const group = `${table}|${key.period ?? ''}`;
        rows.push({
          id,
          table,
          key,
          total,
          row,
          figure,
          control: {
            id,
            groups: grouped.length && !total ? [group] : [],
            ...(grouped.length && total ? { totalOf: group } : {}),
            value: figure.basis === undefined ? row.numeric : numeric(figure.basis),
            contributors: figure.contributors,
            top: figure.top === undefined ? 0 : numeric(figure.top),
            sensitive,
            previouslyHidden: previousById.get(id)?.value === null,
          },
        });
      };
      for (const figure of await ask(spec.groupBy)) add(figure, !grouped.length);
      if (grouped.length) for (const figure of await ask(byPeriod ? ['period'] : [])) add(figure, true);
    }
    const queried = performance.now();
    const hidden = applyDisclosureControl(
      rows.map((r) => r.control),
      draft.disclosure,
    );
    // Across releases: the linked system of everything published plus this release.
    const candidate = rows.map(({ table, key, total, row, id }) => ({ table, key, total, value: hidden.has(id) ? null : row.value }));
    const truth = rows.flatMap(({ id, row }, i) => (hidden.has(id) ? [{ cell: i, value: row.numeric, primary: hidden.get(id) === 'primary' }] : []));
    // Published cells carry their true value; hidden ones take it from `truth`.
    const own = linkedCellsOf(draft.releaseId, draft, candidate, truth);
    const across = protectAcrossReleases(ledger, own.linked, draft.disclosure.protection ?? DEFAULT_PROTECTION, await highsSolver());
    if (across.exposed.length)
      throw new RuleViolationError(
        `publishing would let the public narrow ${across.exposed.length} confidential cell(s) below the required protection, whatever else this release hides: ${across.exposed.map((e) => e.label).join('; ')}`,
        across.exposed.map((e) => ({ path: e.label, message: `feasible interval [${e.min}, ${e.max}] leaves less than ${e.required} on a side` })),
      );
    for (const k of across.hidden) hidden.set(rows[own.index[k]].id, 'secondary');
    const seconds = (from: number, to: number) => ((to - from) / 1000).toFixed(1);
    this.logger.log(
      `publication of ${draft.releaseId}: ${rows.length} cells; statistics ${seconds(started, queried)} s; linked audit against ${ledger.length} published cells ${seconds(queried, performance.now())} s, ${across.hidden.length} more hidden`,
    );
    const confidential: ConfidentialValue[] = rows.flatMap(({ id, row }, i) => (hidden.has(id) ? [{ cell: i, value: row.numeric, primary: hidden.get(id) === 'primary' }] : []));
    const unaccepted = draft.unreviewedProvisional ? await this.unaccepted(draft) : [];
    const cells = rows.map(({ id, table, key, total, row, figure }): ReleaseCell => {
      const confidential = hidden.has(id);
      const value = confidential ? null : row.value;
      const before = previousById.get(id);
      const flags: ReleaseCell['flags'][number][] = [];
      if (confidential) flags.push('confidential');
      if (before && before.value !== null && value !== null && before.value !== value) flags.push('revised');
      const reviewed = findIndicator(draft.tables[table].indicator)!.family !== 'report' || !unaccepted.some(containedIn(key, draft));
      const annual = findIndicator(draft.tables[table].indicator)!.family === 'annual';
      if ((annual ? annualProvisional : provisional)(key.period ?? draft.period, draft.cutoff.asOf) || !reviewed) flags.push('provisional');
      if (figure.imputedContributors) flags.push('estimated');
      const response = (draft.imputation === 'include' || annual) && figure.response ? releaseResponse(figure.response, confidential, draft.disclosure.minContributors) : undefined;
      return { table, key, total, value, flags, ...(response ? { response } : {}) };
    });
    return { cells, confidential };
  }

  /** The filings of the release's region and period not accepted in review at its cut-off. */
  private unaccepted(draft: ReleaseDrafted['data']): Promise<UnacceptedFiling[]> {
    const p = parsePeriod(draft.period)!;
    return queryUnacceptedFilings(this.client, this.config.database, { fromMonth: p.fromMonth, toMonth: p.toMonth, region: draft.region, asOf: draft.cutoff.asOf, upTo: draft.cutoff.position });
  }
}

/** Whether a filing counts in a cell: its month in the cell's period, its region under the cell's, the cell's segment if it has one. */
function containedIn(key: Record<string, string>, draft: ReleaseDrafted['data']): (filing: UnacceptedFiling) => boolean {
  const p = parsePeriod(key.period ?? draft.period)!;
  const region = key.region ?? draft.region;
  return (f) => f.month >= p.fromMonth && f.month <= p.toMonth && f.regionCode.startsWith(region) && (key.segment === undefined || f.segment === key.segment);
}
