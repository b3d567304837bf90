import type { ClickHouseClient } from '@clickhouse/client';
import { queryRows } from './clickhouse.client.js';
import type { RebuildProgress } from './projector.js';

/**
 * What the api needs of the projection: how far it is (the low watermark: every event at or below
 * `position` is visible to queries), whether it is failing, and a way to wait for a position. The
 * embedded projector answers from memory; an api beside a separate projector process (compose,
 * Kubernetes) reads the same from the checkpoints the projector writes to ClickHouse.
 */
export abstract class ProjectionProgress {
  abstract readonly position: number;
  abstract readonly error: string | undefined;
  abstract readonly isRebuilding: boolean;
  abstract readonly kafka: { status: 'up' | 'down'; deadLettered: number } | undefined;
  /** Whether this process runs the projector (and so can rebuild the read model). */
  abstract readonly projectsHere: boolean;
  abstract waitFor(position: number, timeoutMs?: number): Promise<boolean>;
  abstract rebuild(onProgress?: (progress: RebuildProgress) => void): Promise<RebuildProgress>;

  /**
   * Where a read of the read model stops: fed by Kafka, partitions are projected side by side, so
   * reads stop at the low watermark (one prefix of the log); embedded, there is nothing to cut.
   */
  get cut(): { upTo?: number } {
    return this.kafka ? { upTo: this.position } : {};
  }
}

/** A projector checkpoint's position (0 when none was written): `main` is the low watermark. */
export async function readCheckpoint(client: ClickHouseClient, db: string, name: string): Promise<number> {
  const [row] = await queryRows<{ position: string }>(
    client,
    `SELECT toString(max(position)) AS position FROM {db:Identifier}.projector_checkpoints WHERE projector = {name:String}`,
    { db, name },
  );
  return Number(row?.position ?? 0);
}

/** The projection's progress as an api process without a projector sees it: the main checkpoint in ClickHouse. */
export class ProjectionFollower extends ProjectionProgress {
  private latest = 0;
  private failure: string | undefined;
  private timer?: NodeJS.Timeout;
  readonly isRebuilding = false;
  readonly kafka = undefined;
  readonly projectsHere = false;

  constructor(
    private readonly client: ClickHouseClient,
    private readonly db: string,
    private readonly intervalMs = 500,
  ) {
    super();
  }

  get position(): number {
    return this.latest;
  }

  get error(): string | undefined {
    return this.failure;
  }

  start(): void {
    const tick = async () => {
      await this.refresh();
      if (this.timer !== undefined) this.timer = setTimeout(() => void tick(), this.intervalMs).unref();
    };
    this.timer = setTimeout(() => void tick(), 0).unref();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Reads the main checkpoint (the projector's low watermark). */
  async refresh(): Promise<number> {
    try {
      this.latest = Math.max(this.latest, await readCheckpoint(this.client, this.db, 'main'));
      this.failure = undefined;
    } catch (error) {
      this.failure = `reading the projector's checkpoint failed: ${error instanceof Error ? error.message : String(error)}`;
    }
    return this.latest;
  }

  async waitFor(position: number, timeoutMs = 30_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if ((await this.refresh()) >= position) return true;
      if (Date.now() >= deadline) return false;
      await new Promise((r) => setTimeout(r, Math.min(this.intervalMs, 100)));
    }
  }

  async rebuild(): Promise<RebuildProgress> {
    throw new Error('the projector runs as its own process: rebuild there (`npm run cli -- replay` against the projector)');
  }
}

/** The read model has not caught up with a position a reader must see (it will: try again shortly). */
export class ReadModelBehindError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReadModelBehindError';
  }
}
