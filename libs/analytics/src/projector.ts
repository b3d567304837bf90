import type { ClickHouseClient } from '@clickhouse/client';
import type { EventStore, RecordedEvent, Subscription } from '../../event-store/src/index.js';
import { chInstant, queryRows } from './clickhouse.client.js';
import { PROJECTED_TABLES, projectedTableDdl } from './migrations.js';
import { PROJECTION_TABLES } from './report.projection.js';
import { projectEvents } from './service.projection.js';
import { ReportDeltaProjection } from './report-deltas.js';
import { encodeRows } from './insert-format.js';


const REBUILD_SUFFIX = '__rebuild';
const PROJECTOR_NAME = 'main';

export interface RebuildProgress {
  readonly processed: number;
  readonly total: number;
}

export interface ProjectorLog {
  log(message: string): void;
  error(message: string): void;
}

/**
 * Follows the event store from its checkpoint and writes projected rows to ClickHouse in
 * batches. The checkpoint is written after the rows of its batch; on start, and before a
 * failed batch is retried, rows after the checkpoint (a batch cut off by a crash) are deleted
 * first, so every event's rows are in ClickHouse exactly once and the signed report deltas
 * are never summed twice. Events redelivered by a feed (Kafka is at-least-once) are skipped.
 */
export class Projector {
  private subscription?: Subscription;
  private projected = 0;
  private rebuilding = false;
  private stopping = false;
  private lastError?: string;
  private readonly waiters = new Set<{ position: number; resolve: () => void }>();
  private readonly deltas: ReportDeltaProjection;

  constructor(
    private readonly store: EventStore,
    private readonly client: ClickHouseClient,
    private readonly db: string,
    private readonly logger: ProjectorLog = { log: () => undefined, error: (m) => console.error(m) },
    private readonly batchSize = 5000,
    /** Where live events come from: the store itself, or (production) a Kafka consumer group. */
    private readonly feed: Pick<EventStore, 'subscribe'> = store,
  ) {
    this.deltas = new ReportDeltaProjection(client, db);
  }

  /** The position of the last event whose rows are in ClickHouse. */
  get position(): number {
    return this.projected;
  }

  get error(): string | undefined {
    return this.lastError;
  }

  get isRebuilding(): boolean {
    return this.rebuilding;
  }

  async start(): Promise<void> {
    this.stopping = false;
    this.projected = await this.readCheckpoint('');
    await this.rollback(this.projected, '');
    this.follow();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.subscription?.close();
    this.stopping = false;
    this.subscription = undefined;
  }

  /** Resolves once every event up to `position` is visible to queries. */
  waitFor(position: number, timeoutMs = 30_000): Promise<boolean> {
    if (this.projected >= position) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = { position, resolve: () => resolve(true) };
      this.waiters.add(waiter);
      setTimeout(() => {
        if (this.waiters.delete(waiter)) resolve(false);
      }, timeoutMs).unref();
    });
  }

  /**
   * Rebuilds every projected table from the whole log beside the live ones, then swaps them
   * in. Queries keep answering from the live tables until the swap.
   */
  async rebuild(onProgress: (progress: RebuildProgress) => void = () => undefined): Promise<RebuildProgress> {
    if (this.rebuilding) throw new Error('a rebuild is already running');
    this.rebuilding = true;
    try {
      const ddl = projectedTableDdl(this.db, REBUILD_SUFFIX);
      const deltas = new ReportDeltaProjection(this.client, this.db, REBUILD_SUFFIX);
      for (const table of PROJECTED_TABLES) {
        await this.client.command({ query: `DROP TABLE IF EXISTS ${this.db}.${table}${REBUILD_SUFFIX}` });
        await this.client.command({ query: ddl[table] });
      }
      let total = await this.store.headPosition();
      let position = await this.copyLog(0, total, deltas, (processed) => onProgress({ processed, total }));
      // Pause the live projector, take the events that arrived meanwhile, then swap.
      await this.stop();
      total = await this.store.headPosition();
      position = await this.copyLog(position, total, deltas, (processed) => onProgress({ processed, total }));
      for (const table of PROJECTED_TABLES) {
        await this.client.command({ query: `EXCHANGE TABLES ${this.db}.${table} AND ${this.db}.${table}${REBUILD_SUFFIX}` });
        await this.client.command({ query: `DROP TABLE IF EXISTS ${this.db}.${table}${REBUILD_SUFFIX}` });
      }
      this.projected = position;
      onProgress({ processed: total, total });
      return { processed: total, total };
    } finally {
      this.rebuilding = false;
      if (!this.subscription) {
        this.deltas.reset();
        this.projected = await this.readCheckpoint('');
        await this.rollback(this.projected, '');
        this.follow();
      }
    }
  }

  private follow(): void {
    this.subscription = this.feed.subscribe(
      this.projected,
      async (delivered) => {
        const events = delivered.filter((e) => e.position > this.projected);
        if (!events.length) return;
        await this.withRetry(() => this.apply(events, this.deltas, ''));
        this.projected = events[events.length - 1].position;
        for (const waiter of this.waiters) {
          if (waiter.position <= this.projected) {
            this.waiters.delete(waiter);
            waiter.resolve();
          }
        }
      },
      { batchSize: this.batchSize },
    );
  }

  /**
   * Copies the log into the rebuild tables. Reading and projecting the next batch overlaps the
   * insert of the previous one (ClickHouse works on its own threads meanwhile), except before a
   * batch whose projection reads the delta table back (a relocation or change of segment).
   */
  private async copyLog(after: number, until: number, deltas: ReportDeltaProjection, progress: (processed: number) => void): Promise<number> {
    let position = after;
    let inserting: Promise<number> = Promise.resolve(after);
    while (position < until) {
      const events = await this.store.readAll({ after: position, limit: this.batchSize * 4 });
      if (!events.length) break;
      if (ReportDeltaProjection.readsOwnRows(events)) await inserting;
      const rows = await this.project(events, deltas);
      const last = events[events.length - 1].position;
      progress(await inserting);
      inserting = this.insert(events, rows, REBUILD_SUFFIX).then(() => last);
      position = last;
    }
    progress(await inserting);
    return position;
  }

  private async apply(events: readonly RecordedEvent[], deltas: ReportDeltaProjection, suffix: string): Promise<void> {
    if (!events.length) return;
    await this.insert(events, await this.project(events, deltas), suffix);
  }

  private async project(events: readonly RecordedEvent[], deltas: ReportDeltaProjection): Promise<Record<string, unknown[]>> {
    return { ...projectEvents(events), report_deltas: await deltas.project(events) };
  }

  /** Inserts a batch's rows into every table, then its checkpoint. */
  private async insert(events: readonly RecordedEvent[], rows: Record<string, unknown[]>, suffix: string): Promise<void> {
    await Promise.all(
      PROJECTION_TABLES.filter((t) => rows[t]?.length).map((t) =>
        this.client.insert({
          table: `${this.db}.${t}${suffix}`,
          // Compact rows (arrays in column order): about 1.5× the insert rate of JSONEachRow in `npm run bench`.
          ...encodeRows(t, rows[t] as Record<string, unknown>[], 'JSONCompactEachRow'),
          // A retried batch carries the same token, so Replicated tables (clusters) drop the duplicate block.
          clickhouse_settings: { insert_deduplication_token: `${t}:${events[0].position}-${events[events.length - 1].position}` },
        }),
      ),
    );
    await this.client.insert({
      table: `${this.db}.projector_checkpoints${suffix}`,
      values: [{ projector: PROJECTOR_NAME, position: events[events.length - 1].position, updated_at: chInstant(new Date().toISOString()) }],
      format: 'JSONEachRow',
    });
  }

  private async readCheckpoint(suffix: string): Promise<number> {
    const rows = await queryRows<{ position: string }>(
      this.client,
      `SELECT toString(max(position)) AS position FROM ${this.db}.projector_checkpoints${suffix} WHERE projector = {name:String}`,
      { name: PROJECTOR_NAME },
    );
    return Number(rows[0]?.position ?? 0);
  }

  /** Deletes the rows of events after `position` (a batch whose checkpoint was never written). */
  private async rollback(position: number, suffix: string): Promise<void> {
    for (const table of PROJECTION_TABLES) {
      const [ahead] = await queryRows<{ n: string }>(
        this.client,
        `SELECT toString(count()) AS n FROM {db:Identifier}.{table:Identifier} WHERE position > {position:UInt64}`,
        { db: this.db, table: `${table}${suffix}`, position },
      );
      if (Number(ahead?.n ?? 0) === 0) continue;
      this.logger.log(`projector: removing ${ahead.n} rows of ${table} after checkpoint ${position} (a batch cut off before its checkpoint)`);
      await this.client.command({
        query: `DELETE FROM {db:Identifier}.{table:Identifier} WHERE position > {position:UInt64}`,
        query_params: { db: this.db, table: `${table}${suffix}`, position },
      });
    }
  }

  private async withRetry(work: () => Promise<void>): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        if (attempt > 0) {
          this.deltas.reset();
          await this.rollback(this.projected, '');
        }
        await work();
        this.lastError = undefined;
        return;
      } catch (error) {
        this.lastError = error instanceof Error ? error.message : String(error);
        if (this.stopping) throw error;
        const delay = Math.min(30_000, 250 * 2 ** attempt);
        this.logger.error(`projector: writing to ClickHouse failed (${this.lastError}); retrying in ${delay} ms`);
        const until = Date.now() + delay;
        while (!this.stopping && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
        if (this.stopping) throw error;
      }
    }
  }
}
