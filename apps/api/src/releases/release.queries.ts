import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { ClickHouseClient } from '@clickhouse/client';
import { ANALYTICS_CONFIG, CLICKHOUSE_CLIENT, queryStreamsWithEvent, type AnalyticsConfig } from '../../../../libs/analytics/src/index.js';
import {
  auditLinkedCells,
  DEFAULT_PROTECTION,
  ForbiddenError,
  NotFoundError,
  releaseDecider,
  RuleViolationError,
  type ReleaseCell,
  type ReleaseState,
} from '../../../../libs/domain/src/index.js';
import { access, contentHashOf, highsSolver, load, loadMany, ReleaseCalculator, releaseIdOfStream } from '../../../../libs/application/src/index.js';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '../../../../libs/event-store/src/index.js';
import type { RequestContext } from '../http/auth.js';
import { findRegion } from '../../../../libs/reference/src/index.js';


export interface ReleaseView {
  releaseId: string;
  title: string;
  period: string;
  region: string | null;
  status: 'draft' | 'published' | 'discarded';
  /** Why a draft was discarded. */
  discardReason?: string;
  tables: { indicator: string; groupBy: string[]; regionLevel?: string }[];
  cutoff: { position: number; asOf: string };
  revisionOf: string | null;
  supersededBy: string | null;
  draftedAt: string;
  publishedAt: string | null;
  contentHash: string | null;
  disclosure: { minContributors: number; dominanceShare: number };
  cells?: readonly ReleaseCell[];
  /** The name of every region code in the cells (GB/T 2260), for tables a reader can read. */
  regionNames?: Record<string, string>;
  /** The release stream's revision: its ETag, and what If-Match on publication or discard compares with. */
  revision: number;
}

export async function loadRelease(store: EventStore, releaseId: string, ctx?: RequestContext): Promise<{ state: ReleaseState; view: ReleaseView }> {
  const { state, events } = await load(store, releaseDecider, releaseId);
  const view = viewOf(releaseId, state, events, ctx);
  if (!view) throw new NotFoundError(`there is no published release ${releaseId}`);
  return { state, view };
}

/** A release as the caller may see it (undefined: none, or a draft the caller may not see). */
function viewOf(releaseId: string, state: ReleaseState, events: readonly RecordedEvent[], ctx?: RequestContext): ReleaseView | undefined {
  if (!state.draft || (state.status !== 'published' && !access.canSeeDraft(ctx?.principal, state.draft.region))) return undefined;
  const published = events.find((e) => e.type === 'ReleasePublished');
  const discarded = events.find((e) => e.type === 'ReleaseDiscarded') as unknown as { data: { reason: string } } | undefined;
  const d = state.draft;
  return {
    releaseId,
    title: d.title,
    period: d.period,
    region: d.region || null,
    status: state.status === 'published' ? 'published' : state.status === 'discarded' ? 'discarded' : 'draft',
    ...(discarded ? { discardReason: discarded.data.reason } : {}),
    tables: d.tables,
    cutoff: d.cutoff,
    revisionOf: d.revisionOf,
    supersededBy: state.supersededBy,
    draftedAt: events[0].recordedAt,
    revision: events[events.length - 1].revision,
    publishedAt: published?.recordedAt ?? null,
    contentHash: state.contentHash,
    disclosure: d.disclosure,
    ...(state.status === 'published' ? { cells: state.cells, regionNames: regionNamesOf(state.cells) } : {}),
  };
}

export class GetReleaseQuery extends Query<ReleaseView> {
  constructor(
    readonly context: RequestContext | undefined,
    readonly releaseId: string,
  ) {
    super();
  }
}

@QueryHandler(GetReleaseQuery)
export class GetReleaseHandler implements IQueryHandler<GetReleaseQuery> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ context, releaseId }: GetReleaseQuery): Promise<ReleaseView> {
    return (await loadRelease(this.store, releaseId, context)).view;
  }
}

export class ListReleasesQuery extends Query<ReleaseView[]> {
  constructor(readonly context: RequestContext | undefined) {
    super();
  }
}

@QueryHandler(ListReleasesQuery)
export class ListReleasesHandler implements IQueryHandler<ListReleasesQuery> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLICKHOUSE_CLIENT) private readonly client: ClickHouseClient,
    @Inject(ANALYTICS_CONFIG) private readonly config: AnalyticsConfig,
  ) {}

  async execute({ context }: ListReleasesQuery): Promise<ReleaseView[]> {
    const streams = await queryStreamsWithEvent(this.client, this.config.database, 'ReleaseDrafted', { newestFirst: true });
    const releases = await loadMany(this.store, releaseDecider, streams.map(releaseIdOfStream));
    return releases.flatMap(({ key, state, events }) => {
      const view = viewOf(key, state, events, context);
      if (!view || view.status === 'discarded') return [];
      const { cells: _cells, ...summary } = view;
      return [summary];
    });
  }
}

export interface ReleaseDiff {
  from: string;
  to: string;
  changed: { table: number; key: Record<string, string>; total: boolean; from: string | number | null; to: string | number | null; flags: readonly string[] }[];
}

export class DiffReleasesQuery extends Query<ReleaseDiff> {
  constructor(
    readonly context: RequestContext | undefined,
    readonly releaseId: string,
    readonly otherId: string,
  ) {
    super();
  }
}

@QueryHandler(DiffReleasesQuery)
export class DiffReleasesHandler implements IQueryHandler<DiffReleasesQuery> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ context, releaseId, otherId }: DiffReleasesQuery): Promise<ReleaseDiff> {
    const a = (await loadRelease(this.store, releaseId, context)).state;
    const b = (await loadRelease(this.store, otherId, context)).state;
    if (a.status !== 'published' || b.status !== 'published') throw new RuleViolationError('both releases must be published to compare them');
    if (JSON.stringify(a.draft!.tables) !== JSON.stringify(b.draft!.tables) || a.draft!.period !== b.draft!.period || a.draft!.region !== b.draft!.region)
      throw new RuleViolationError('the releases do not publish the same tables');
    const id = (c: ReleaseCell) => JSON.stringify([c.table, c.total, c.key]);
    const before = new Map(a.cells.map((c) => [id(c), c]));
    const changed: ReleaseDiff['changed'] = [];
    for (const cell of b.cells) {
      const old = before.get(id(cell));
      if (!old || old.value !== cell.value)
        changed.push({ table: cell.table, key: cell.key as Record<string, string>, total: cell.total, from: old?.value ?? null, to: cell.value, flags: cell.flags });
    }
    return { from: releaseId, to: otherId, changed };
  }
}

/** `frozenHash`: the hash of the cells as stored now; a changed frozen cell no longer matches the published hash. */
export interface ReleaseVerification {
  matches: boolean;
  contentHash: string;
  recomputedHash: string;
  frozenHash: string;
}

export class VerifyReleaseQuery extends Query<ReleaseVerification> {
  constructor(
    readonly context: RequestContext,
    readonly releaseId: string,
  ) {
    super();
  }
}

/**
 * Recomputes every cell from the log as of the cut-off, applies the same control, and compares:
 * the published hash must equal both the hash of the cells as stored (nobody changed a frozen
 * cell) and the hash of the recomputed cells (nobody changed the events they came from).
 */
/** A published release, for the regulators' reads of it (verification, disclosure audit). */
async function publishedForRegulator(store: EventStore, context: RequestContext, releaseId: string, roles: readonly string[], what: string): Promise<ReleaseState> {
  if (!roles.includes(context.principal.role)) throw new ForbiddenError(`only regulators ${what}`);
  const { state } = await loadRelease(store, releaseId, context);
  if (state.status !== 'published') throw new RuleViolationError(`release ${releaseId} is not published`);
  return state;
}

@QueryHandler(VerifyReleaseQuery)
export class VerifyReleaseHandler implements IQueryHandler<VerifyReleaseQuery> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly calculator: ReleaseCalculator,
  ) {}

  async execute({ context, releaseId }: VerifyReleaseQuery): Promise<ReleaseVerification> {
    const state = await publishedForRegulator(this.store, context, releaseId, ['regulator', 'admin'], 'verify releases');
    const previous = state.draft!.revisionOf ? (await loadRelease(this.store, state.draft!.revisionOf, context)).state.cells : null;
    // Against the ledger as it stood at this release's publication: everything published before it.
    const publication = (await this.store.readStream(releaseDecider.streamId(releaseId))).find((e) => e.type === 'ReleasePublished')!;
    const recomputed = await this.calculator.cells(state.draft!, previous, await this.calculator.ledger({ before: publication.position, exclude: releaseId }));
    const recomputedHash = contentHashOf(recomputed.cells);
    const frozenHash = contentHashOf(state.cells);
    return { matches: recomputedHash === state.contentHash && frozenHash === state.contentHash, contentHash: state.contentHash!, recomputedHash, frozenHash };
  }
}

export interface DisclosureAuditView {
  releaseId: string;
  /** p: each confidential value must stay uncertain by p·x on either side. */
  protection: number;
  /** How many published releases the attacker's linear program read. */
  releasesConsidered: number;
  cells: { label: string; value: number; min: number; max: number; required: number; protected: boolean }[];
}

export class DisclosureAuditQuery extends Query<DisclosureAuditView> {
  constructor(
    readonly context: RequestContext,
    readonly releaseId: string,
  ) {
    super();
  }
}

/**
 * The regulator's audit of a published release: for each of its confidential sensitive cells,
 * the interval an attacker can narrow it to from everything published so far (every release and
 * revision, linked by regions, periods and totals), by linear programming.
 */
@QueryHandler(DisclosureAuditQuery)
export class DisclosureAuditHandler implements IQueryHandler<DisclosureAuditQuery> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly calculator: ReleaseCalculator,
  ) {}

  async execute({ context, releaseId }: DisclosureAuditQuery): Promise<DisclosureAuditView> {
    const state = await publishedForRegulator(this.store, context, releaseId, ['regulator'], 'read disclosure audits');
    const ledger = await this.calculator.ledger({});
    const protection = state.draft!.disclosure.protection ?? DEFAULT_PROTECTION;
    const audit = auditLinkedCells(ledger, protection, await highsSolver()).filter((a) => a.release === releaseId);
    return {
      releaseId,
      protection,
      releasesConsidered: new Set(ledger.map((c) => c.release)).size,
      cells: audit.map(({ label, value, min, max, required, protected: ok }) => ({ label, value, min, max, required, protected: ok })),
    };
  }
}

function regionNamesOf(cells: readonly ReleaseCell[]): Record<string, string> {
  const names: Record<string, string> = {};
  for (const cell of cells) {
    const code = cell.key.region;
    if (code && !(code in names)) names[code] = findRegion(code)?.name ?? code;
  }
  return names;
}
