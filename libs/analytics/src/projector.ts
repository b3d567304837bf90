import type { ClickHouseClient } from '@clickhouse/client';
import { randomUUID } from 'node:crypto';
import type { EventStore, PartitionBatch, PartitionedFeed, RecordedEvent, Subscription } from '../../event-store/src/index.js';
import { chInstant, queryRows } from './clickhouse.client.js';
import { projectEvents } from './projection.js';
import { PROJECTED_TABLES, PROJECTION_TABLES } from './read-models.js';
import { ReportDeltaProjection } from './reports/report-deltas.js';
import { tableDdl } from './table.js';
import { encodeRows } from './insert-format.js';
import { ProjectionProgress, readCheckpoint } from './projection-progress.js';


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

/** The checkpoint row of one Kafka partition's progress. */
const partitionCheckpoint = (partition: number) => `${PROJECTOR_NAME}/p${partition}`;

/**
 * Follows the event store from its checkpoint and writes projected rows to ClickHouse in
 * batches. The checkpoint is written after the rows of its batch; on start, and before a
 * failed batch is retried, rows after the checkpoint (a batch cut off by a crash) are deleted
 * first, so every event's rows are in ClickHouse exactly once and the signed report deltas
 * are never summed twice.
 *
 * Fed by Kafka (a partitioned feed), events come partition by partition with no global order.
 * Each partition then has its own checkpoint (the last position projected from it): an event is
 * new only above it, so redeliveries (at-least-once) are skipped. A batch's audit-log rows go in
 * first; when a partition is (re)assigned, the rows of its events above its checkpoint (a batch
 * cut off by a crash) are found through them and deleted before anything is projected. `position`
 * is then the low watermark — the highest position at or below which every event of the log is
 * projected — computed from the log and the partitions' checkpoints, and written as the main
 * checkpoint, so `waitFor`, `/health` and release cut-offs never count an event still in flight.
 */
export class Projector extends ProjectionProgress {
  readonly projectsHere = true;
  private subscription?: Subscription;
  private projected = 0;
  private rebuilding = false;
  private stopping = false;
  private lastError?: string;
  private readonly waiters = new Set<{ position: number; resolve: () => void }>();
  /** Names this process's inserts: each attempt of a batch gets its own query ids and deduplication tokens. */
  private readonly runId = randomUUID().slice(0, 8);
  private attempt = 0;
  /** The query ids of the last attempt's inserts, cancelled before a retry removes what they wrote. */
  private inFlight: string[] = [];
  private readonly deltas: ReportDeltaProjection;

  constructor(
    private readonly store: EventStore,
    private readonly client: ClickHouseClient,
    private readonly db: string,
    private readonly logger: ProjectorLog = { log: () => undefined, error: (m) => console.error(m) },
    private readonly batchSize = 5000,
    /** Where live events come from: the store itself, or (production) a Kafka consumer group. */
    private readonly feed: Pick<EventStore, 'subscribe'> | PartitionedFeed = store,
  ) {
    super();
    this.deltas = new ReportDeltaProjection(client, db);
  }

  private get partitioned(): PartitionedFeed | undefined {
    return 'partitionOf' in this.feed ? this.feed : undefined;
  }

  /** Kafka mode: each partition's last projected position, and the partitions whose leftovers were cleared since their assignment. */
  private readonly done = new Map<number, number>();
  private readonly cleared = new Set<number>();

  /** Kafka mode: whether the consumer is connected, and how many messages went to the dead-letter topic. */
  get kafka(): { status: 'up' | 'down'; deadLettered: number } | undefined {
    const feed = this.partitioned;
    return feed && { status: feed.connected ? 'up' : 'down', deadLettered: feed.deadLettered };
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
    this.projected = await readCheckpoint(this.client, this.db, PROJECTOR_NAME);
    // Fed by partitions, rows above the main checkpoint may be any partition's, projected and
    // checkpointed: each partition clears only its own leftovers, when it is assigned.
    if (!this.partitioned) await this.rollback(this.projected, '');
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
      const deltas = new ReportDeltaProjection(this.client, this.db, REBUILD_SUFFIX);
      for (const table of PROJECTED_TABLES) {
        await this.client.command({ query: `DROP TABLE IF EXISTS ${this.db}.${table.name}${REBUILD_SUFFIX}` });
        await this.client.command({ query: tableDdl(table, this.db, REBUILD_SUFFIX) });
      }
      let total = await this.store.headPosition();
      let position = await this.copyLog(0, total, deltas, (processed) => onProgress({ processed, total }));
      // Pause the live projector, take the events that arrived meanwhile, then swap.
      await this.stop();
      total = await this.store.headPosition();
      position = await this.copyLog(position, total, deltas, (processed) => onProgress({ processed, total }));
      for (const { name } of PROJECTED_TABLES) {
        await this.client.command({ query: `EXCHANGE TABLES ${this.db}.${name} AND ${this.db}.${name}${REBUILD_SUFFIX}` });
        await this.client.command({ query: `DROP TABLE IF EXISTS ${this.db}.${name}${REBUILD_SUFFIX}` });
      }
      this.projected = position;
      onProgress({ processed: total, total });
      return { processed: total, total };
    } finally {
      this.rebuilding = false;
      if (!this.subscription) {
        this.deltas.reset();
        this.projected = await readCheckpoint(this.client, this.db, PROJECTOR_NAME);
        if (!this.partitioned) await this.rollback(this.projected, '');
        this.follow();
      }
    }
  }

  private follow(): void {
    const partitioned = this.partitioned;
    if (partitioned) {
      this.done.clear();
      this.cleared.clear();
      this.subscription = partitioned.follow({
        assigned: () => this.cleared.clear(),
        batch: (batch) => this.applyPartition(partitioned, batch),
      });
      return;
    }
    this.subscription = (this.feed as Pick<EventStore, 'subscribe'>).subscribe(
      this.projected,
      async (delivered: RecordedEvent[]) => {
        const events = delivered.filter((e) => e.position > this.projected);
        if (!events.length) return;
        await this.withRetry(() => this.apply(events, this.deltas, ''));
        this.moveTo(events[events.length - 1].position);
      },
      { batchSize: this.batchSize },
    );
  }

  private moveTo(position: number): void {
    this.projected = position;
    for (const waiter of this.waiters) {
      if (waiter.position <= this.projected) {
        this.waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }

  /** Kafka mode: one partition's batch, exactly once, then the low watermark moves on. */
  private async applyPartition(feed: PartitionedFeed, { partition, events, heartbeat }: PartitionBatch): Promise<void> {
    if (!this.cleared.has(partition)) await this.withRetry(() => this.clearPartition(feed, partition), heartbeat);
    const fresh = freshEvents(events, this.lastOf(partition));
    if (fresh.length) {
      const positions = fresh.map((e) => e.position);
      await this.withRetry(() => this.apply(fresh, this.deltas, '', partitionCheckpoint(partition)), heartbeat, () => this.remove(positions, ''));
      this.done.set(partition, positions[positions.length - 1]);
    }
    await this.withRetry(() => this.advanceWatermark(feed), heartbeat);
  }

  /** The last position projected from a partition (everything at or below the watermark counts). */
  private lastOf(partition: number): number {
    return Math.max(this.done.get(partition) ?? 0, this.projected);
  }

  /**
   * A partition just assigned: its checkpoint, and the rows of its events above it (a batch cut off
   * by a crash, here or in the member that held it before) deleted. The audit log is written first
   * in every batch, so every such row's event is found there.
   */
  private async clearPartition(feed: PartitionedFeed, partition: number): Promise<void> {
    this.done.set(partition, await readCheckpoint(this.client, this.db, partitionCheckpoint(partition)));
    const after = this.lastOf(partition);
    const ahead = await queryRows<{ at: string; stream_id: string }>(
      this.client,
      `SELECT toString(position) AS at, stream_id FROM {db:Identifier}.event_log WHERE position > {after:UInt64}`,
      { db: this.db, after },
    );
    const leftovers = ahead.filter((r) => feed.partitionOf(r.stream_id) === partition).map((r) => Number(r.at));
    if (leftovers.length) {
      this.logger.log(`projector: removing the rows of ${leftovers.length} events of partition ${partition} above its checkpoint ${after} (a batch cut off before its checkpoint)`);
      this.deltas.reset();
      await this.remove(leftovers, '');
    }
    this.cleared.add(partition);
  }

  /**
   * Moves the low watermark over every event of the log whose partition has projected it, and
   * records it as the main checkpoint. Partitions held by other members of the group are read
   * from their checkpoints.
   */
  private async advanceWatermark(feed: PartitionedFeed): Promise<void> {
    if (feed.partitions === undefined) return;
    let position = this.projected;
    let others: Map<number, number> | undefined;
    const last = async (partition: number) => {
      if (this.cleared.has(partition)) return this.lastOf(partition);
      others ??= await this.partitionCheckpoints();
      return Math.max(others.get(partition) ?? 0, this.projected);
    };
    scan: for (;;) {
      const events = await this.store.readAll({ after: position, limit: this.batchSize });
      if (!events.length) break;
      for (const e of events) {
        if (e.position > (await last(feed.partitionOf(e.streamId)))) break scan;
        position = e.position;
      }
    }
    if (position === this.projected) return;
    await this.client.insert({
      table: `${this.db}.projector_checkpoints`,
      values: [{ projector: PROJECTOR_NAME, position, updated_at: chInstant(new Date().toISOString()) }],
      format: 'JSONEachRow',
    });
    this.moveTo(position);
  }

  private async partitionCheckpoints(): Promise<Map<number, number>> {
    const rows = await queryRows<{ projector: string; position: string }>(
      this.client,
      `SELECT projector, toString(max(position)) AS position FROM {db:Identifier}.projector_checkpoints WHERE startsWith(projector, {prefix:String}) GROUP BY projector`,
      { db: this.db, prefix: `${PROJECTOR_NAME}/p` },
    );
    return new Map(rows.map((r) => [Number(r.projector.slice(`${PROJECTOR_NAME}/p`.length)), Number(r.position)]));
  }

  /** Deletes every projected row of the given events. */
  private async remove(positions: readonly number[], suffix: string): Promise<void> {
    for (const table of PROJECTION_TABLES)
      await this.client.command({
        query: `DELETE FROM {db:Identifier}.{table:Identifier} WHERE position IN {positions:Array(UInt64)}`,
        query_params: { db: this.db, table: `${table}${suffix}`, positions },
      });
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

  private async apply(events: readonly RecordedEvent[], deltas: ReportDeltaProjection, suffix: string, checkpoint = PROJECTOR_NAME): Promise<void> {
    if (!events.length) return;
    await this.insert(events, await this.project(events, deltas), suffix, checkpoint);
  }

  private async project(events: readonly RecordedEvent[], deltas: ReportDeltaProjection): Promise<Record<string, unknown[]>> {
    const { deltas: reportDeltas, stocks } = await deltas.projectWithStocks(events);
    return { ...projectEvents(events), report_deltas: reportDeltas, stock_latest: stocks };
  }

  /**
   * Inserts a batch's rows into every table, then its checkpoint. Under a partition's checkpoint
   * the audit log goes first: a crash leaves no row whose event it does not list.
   */
  private async insert(events: readonly RecordedEvent[], rows: Record<string, unknown[]>, suffix: string, checkpoint = PROJECTOR_NAME): Promise<void> {
    const logFirst = checkpoint !== PROJECTOR_NAME;
    const attempt = `${this.runId}-${++this.attempt}`;
    const span = `${events[0].position}-${events[events.length - 1].position}`;
    this.inFlight = [];
    const write = (tables: readonly (typeof PROJECTION_TABLES)[number][]) =>
      Promise.all(
        tables.filter((t) => rows[t]?.length).map((t) => {
          const id = `fuju-projector-${attempt}-${t}${suffix}`;
          this.inFlight.push(id);
          return this.client.insert({
            table: `${this.db}.${t}${suffix}`,
            // Compact rows (arrays in column order): about 1.5× the insert rate of JSONEachRow in `npm run bench`.
            ...encodeRows(t, rows[t] as Record<string, unknown>[], 'JSONCompactEachRow'),
            query_id: id,
            // Unique per attempt: a retry follows the removal of what the failed attempt wrote, so
            // deduplication (Replicated tables, or non_replicated_deduplication_window) must never
            // take the retry for the block it replaces.
            clickhouse_settings: { insert_deduplication_token: `${t}:${span}:${attempt}` },
          });
        }),
      );
    if (logFirst) {
      await write(['event_log']);
      await write(PROJECTION_TABLES.filter((t) => t !== 'event_log'));
    } else await write(PROJECTION_TABLES);
    await this.client.insert({
      table: `${this.db}.projector_checkpoints${suffix}`,
      values: [{ projector: checkpoint, position: events[events.length - 1].position, updated_at: chInstant(new Date().toISOString()) }],
      format: 'JSONEachRow',
    });
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

  /**
   * An INSERT over HTTP that timed out on this side may still run on the server: it is killed (and
   * waited for) before the retry removes the attempt's rows, or it could land after the removal and
   * count its rows twice.
   */
  private async cancelInFlight(): Promise<void> {
    const ids = this.inFlight;
    this.inFlight = [];
    if (!ids.length) return;
    await this.client.command({ query: 'KILL QUERY WHERE query_id IN {ids:Array(String)} SYNC', query_params: { ids } }).catch((error: unknown) => {
      // Kept for the next attempt: nothing is removed before they are known to have ended.
      this.inFlight = ids;
      throw error;
    });
  }

  /**
   * Runs `work` until it succeeds, with backoff; before each retry the rows of the failed attempt
   * are removed (`undo`; by default everything above the checkpoint). `heartbeat` keeps a Kafka
   * member in its group while ClickHouse is away, so an outage does not set off rebalances.
   */
  private async withRetry(work: () => Promise<void>, heartbeat?: () => Promise<void>, undo: () => Promise<void> = () => this.rollback(this.projected, '')): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        if (attempt > 0) {
          this.deltas.reset();
          await this.cancelInFlight();
          await undo();
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
        while (!this.stopping && Date.now() < until) {
          await heartbeat?.().catch(() => undefined);
          await new Promise((r) => setTimeout(r, 100));
        }
        if (this.stopping) throw error;
      }
    }
  }
}

/**
 * The events of a partition's batch not projected yet: above the partition's last position, each
 * above the one before it. The relay sends at least once: after a crash it sends again from its
 * checkpoint, so a batch can hold an event twice (its first copy and, later, its resent one); a
 * position at or below one already taken is such a copy.
 */
export function freshEvents<E extends { position: number }>(events: readonly E[], after: number): E[] {
  const fresh: E[] = [];
  let last = after;
  for (const event of events)
    if (event.position > last) {
      fresh.push(event);
      last = event.position;
    }
  return fresh;
}
