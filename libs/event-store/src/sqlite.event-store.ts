import Database from 'better-sqlite3';
import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  ExpectedRevisionConflictError,
  IdempotencyKeyTakenError,
  type AppendOptions,
  type AppendPart,
  type AppendResult,
  type EventStore,
  type IdempotentOutcome,
  type NewEvent,
  type ReadAllOptions,
  type RecordedEvent,
  type Subscription,
} from './event-store.port.js';

function prepareStatements(db: Database.Database) {
  return {
    streamRevision: db.prepare('SELECT COALESCE(MAX(revision), 0) FROM events WHERE stream_id = ?').pluck(),
    insert: db.prepare('INSERT INTO events (stream_id, revision, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?)'),
    findKey: db.prepare('SELECT request_hash, status, body FROM idempotency_keys WHERE scope = ? AND key = ?'),
    insertKey: db.prepare('INSERT INTO idempotency_keys (scope, key, request_hash, status, body, recorded_at) VALUES (?, ?, ?, ?, ?, ?)'),
    lastOfStream: db.prepare('SELECT position, revision, recorded_at FROM events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1'),
    readStream: db.prepare('SELECT * FROM events WHERE stream_id = ? AND revision > ? ORDER BY revision'),
    readStreams: db.prepare('SELECT * FROM events WHERE stream_id IN (SELECT value FROM json_each(?)) ORDER BY stream_id, revision'),
    readAll: db.prepare('SELECT * FROM events WHERE position > ? ORDER BY position LIMIT ?'),
    head: db.prepare('SELECT COALESCE(MAX(position), 0) FROM events').pluck(),
    lastRecorded: db.prepare('SELECT recorded_at FROM events ORDER BY position DESC LIMIT 1').pluck(),
    };
}

interface EventRow {
  position: number;
  stream_id: string;
  revision: number;
  type: string;
  data: string;
  metadata: string;
  recorded_at: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  position    INTEGER PRIMARY KEY AUTOINCREMENT,
  stream_id   TEXT    NOT NULL,
  revision    INTEGER NOT NULL,
  type        TEXT    NOT NULL,
  data        TEXT    NOT NULL,
  metadata    TEXT    NOT NULL,
  recorded_at TEXT    NOT NULL,
  UNIQUE (stream_id, revision)
);
CREATE TABLE IF NOT EXISTS idempotency_keys (
  scope        TEXT    NOT NULL,
  key          TEXT    NOT NULL,
  request_hash TEXT    NOT NULL,
  status       INTEGER NOT NULL,
  body         TEXT    NOT NULL,
  recorded_at  TEXT    NOT NULL,
  PRIMARY KEY (scope, key)
) WITHOUT ROWID;
`;

/**
 * The embedded event store: one SQLite file in WAL mode with `synchronous=FULL`, so an
 * acknowledged append has been fsynced. Each append is one immediate transaction.
 */
export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly appended = new EventEmitter();
  private closed = false;

  constructor(readonly file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 10000');
    this.db.exec(SCHEMA);
    this.appended.setMaxListeners(0);
    this.prepared = prepareStatements(this.db);
    this.appendTx = this.db.transaction(this.appendInTransaction);
    this.appendPartsTx = this.db.transaction(this.appendPartsInTransaction);
  }

  private readonly prepared: ReturnType<typeof prepareStatements>;
  private readonly appendTx;
  private readonly appendPartsTx;

  private readonly appendInTransaction = (streamId: string, events: readonly NewEvent[], options: AppendOptions): AppendResult => {
      const claim = options.idempotency;
      if (claim) {
        const stored = this.prepared.findKey.get(claim.scope, claim.key) as StoredKey | undefined;
        if (stored) return { ...this.currentOf(streamId), replayed: toOutcome(stored) };
      }
      const current = this.prepared.streamRevision.get(streamId) as number;
      if (options.expectedRevision !== 'any' && options.expectedRevision !== current)
        throw new ExpectedRevisionConflictError(streamId, options.expectedRevision, current);
      const recordedAt = this.nextRecordedAt(options.recordedAt);
      let revision = current;
      let position = 0;
      for (const event of events) {
        revision += 1;
        const info = this.prepared.insert.run(streamId, revision, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata), recordedAt);
        position = Number(info.lastInsertRowid);
      }
      const result: AppendResult = events.length ? { streamId, revision, position, recordedAt } : this.currentOf(streamId);
      if (claim) {
        const outcome = claim.outcome(result);
        this.prepared.insertKey.run(claim.scope, claim.key, claim.requestHash, outcome.created ? CREATED : UNCHANGED, JSON.stringify(outcome.body), recordedAt);
      }
      return result;
    };

  private readonly appendPartsInTransaction = (streamId: string, parts: readonly AppendPart[], options: Omit<AppendOptions, 'idempotency'>): AppendResult[] => {
    for (const part of parts)
      if (part.idempotency && this.prepared.findKey.get(part.idempotency.scope, part.idempotency.key)) throw new IdempotencyKeyTakenError(part.idempotency.key);
    const current = this.prepared.streamRevision.get(streamId) as number;
    if (options.expectedRevision !== 'any' && options.expectedRevision !== current) throw new ExpectedRevisionConflictError(streamId, options.expectedRevision, current);
    const recordedAt = this.nextRecordedAt(options.recordedAt);
    let revision = current;
    let last: AppendResult | undefined;
    return parts.map((part) => {
      for (const event of part.events) {
        revision += 1;
        const info = this.prepared.insert.run(streamId, revision, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata), recordedAt);
        last = { streamId, revision, position: Number(info.lastInsertRowid), recordedAt };
      }
      last ??= this.currentOf(streamId);
      const claim = part.idempotency;
      if (claim) {
        const outcome = claim.outcome(last);
        this.prepared.insertKey.run(claim.scope, claim.key, claim.requestHash, outcome.created ? CREATED : UNCHANGED, JSON.stringify(outcome.body), recordedAt);
      }
      return last;
    });
  };

  /**
   * Group commit: appends that arrive in the same turn of the event loop share one transaction
   * and so one fsync. Each keeps its own savepoint, so one append's conflict fails it alone, and
   * no caller hears of success before the shared commit is durable.
   */
  async append(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    return this.enqueue(() => this.appendTx(streamId, events, options), (r) => events.length > 0 && !r.replayed);
  }

  /** Several requests' events to one stream, in the same group commit as other appends (see the port). */
  async appendParts(streamId: string, parts: readonly AppendPart[], options: Omit<AppendOptions, 'idempotency'>): Promise<AppendResult[]> {
    return this.enqueue(() => this.appendPartsTx(streamId, parts, options), () => parts.some((p) => p.events.length > 0));
  }

  private enqueue<R>(write: () => R, appends: (result: R) => boolean): Promise<R> {
    this.assertOpen();
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ write, appends: appends as (r: unknown) => boolean, resolve: resolve as (r: unknown) => void, reject });
      if (this.pending.length === 1) setImmediate(() => this.commitPending());
    });
  }

  private pending: { write: () => unknown; appends: (result: unknown) => boolean; resolve: (r: unknown) => void; reject: (e: unknown) => void }[] = [];

  private commitPending(): void {
    const batch = this.pending;
    this.pending = [];
    if (this.closed) {
      for (const request of batch) request.reject(new Error('the event store is closed'));
      return;
    }
    let outcomes: ({ result: unknown } | { error: unknown })[];
    try {
      outcomes = this.db
        .transaction(() =>
          batch.map((request) => {
            try {
              // A nested better-sqlite3 transaction is a savepoint: a failure rolls back this append only.
              return { result: request.write() };
            } catch (error) {
              return { error };
            }
          }),
        )
        .immediate();
    } catch (error) {
      for (const request of batch) request.reject(error);
      return;
    }
    let appended = false;
    outcomes.forEach((outcome, i) => {
      if ('error' in outcome) batch[i].reject(outcome.error);
      else {
        appended ||= batch[i].appends(outcome.result);
        batch[i].resolve(outcome.result);
      }
    });
    if (appended) this.appended.emit('append');
  }

  async readStream(streamId: string, afterRevision = 0): Promise<RecordedEvent[]> {
    this.assertOpen();
    return (this.prepared.readStream.all(streamId, afterRevision) as EventRow[]).map(toRecorded);
  }

  async readStreams(streamIds: readonly string[]): Promise<Map<string, RecordedEvent[]>> {
    this.assertOpen();
    const streams = new Map<string, RecordedEvent[]>(streamIds.map((id) => [id, []]));
    for (const row of this.prepared.readStreams.all(JSON.stringify([...new Set(streamIds)])) as EventRow[]) streams.get(row.stream_id)!.push(toRecorded(row));
    return streams;
  }

  async readAll({ after, limit }: ReadAllOptions): Promise<RecordedEvent[]> {
    this.assertOpen();
    return (this.prepared.readAll.all(after, limit) as EventRow[]).map(toRecorded);
  }

  async headPosition(): Promise<number> {
    this.assertOpen();
    return this.prepared.head.get() as number;
  }

  async findIdempotentOutcome(scope: string, key: string): Promise<IdempotentOutcome | undefined> {
    this.assertOpen();
    const stored = this.prepared.findKey.get(scope, key) as StoredKey | undefined;
    return stored ? toOutcome(stored) : undefined;
  }

  async rememberOutcome(scope: string, key: string, outcome: IdempotentOutcome): Promise<IdempotentOutcome> {
    this.assertOpen();
    return this.db.transaction(() => {
      const stored = this.prepared.findKey.get(scope, key) as StoredKey | undefined;
      if (stored) return toOutcome(stored);
      this.prepared.insertKey.run(scope, key, outcome.requestHash, outcome.created ? CREATED : UNCHANGED, JSON.stringify(outcome.body), new Date().toISOString());
      return outcome;
    }).immediate();
  }

  subscribe(after: number, onBatch: (events: RecordedEvent[]) => Promise<void>, options: { batchSize?: number } = {}): Subscription {
    const batchSize = options.batchSize ?? 1000;
    let open = true;
    let wake: (() => void) | undefined;
    const onAppend = () => wake?.();
    this.appended.on('append', onAppend);
    const loop = (async () => {
      let position = after;
      while (open && !this.closed) {
        const events = await this.readAll({ after: position, limit: batchSize });
        if (events.length) {
          await onBatch(events);
          position = events[events.length - 1].position;
          continue;
        }
        // Another process may append to the same file, so poll as well as listen.
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 200);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
      }
    })();
    return {
      close: async () => {
        open = false;
        wake?.();
        this.appended.off('append', onAppend);
        await loop.catch(() => undefined);
      },
    };
  }

  /** An online, consistent copy of the store into another file. */
  async backup(destination: string): Promise<void> {
    await this.db.backup(destination);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.appended.emit('append');
    this.db.close();
  }

  private currentOf(streamId: string): AppendResult {
    const last = this.prepared.lastOfStream.get(streamId) as { position: number; revision: number; recorded_at: string } | undefined;
    return last
      ? { streamId, revision: last.revision, position: last.position, recordedAt: last.recorded_at }
      : { streamId, revision: 0, position: 0, recordedAt: '' };
  }

  /** Instants never go backwards in log order, so "as of T" is a prefix of the log. */
  private nextRecordedAt(requested?: string): string {
    const last = (this.prepared.lastRecorded.get() as string | undefined) ?? '';
    const candidate = requested ? new Date(requested).toISOString() : new Date().toISOString();
    const recordedAt = candidate > last ? candidate : last;
    return recordedAt;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the event store is closed');
  }
}

function toRecorded(row: EventRow): RecordedEvent {
  return {
    streamId: row.stream_id,
    revision: row.revision,
    position: row.position,
    type: row.type,
    data: JSON.parse(row.data),
    metadata: JSON.parse(row.metadata),
    recordedAt: row.recorded_at,
  };
}

interface StoredKey {
  request_hash: string;
  status: number;
  body: string;
}

/**
 * The `status` column holds whether the request created something: 1 or 0. Files written before
 * December 2026 hold the HTTP status the api answered with instead (201 for created, 200 not).
 */
const CREATED = 1;
const UNCHANGED = 0;

function toOutcome(row: StoredKey): IdempotentOutcome {
  return { requestHash: row.request_hash, created: row.status === CREATED || row.status === 201, body: JSON.parse(row.body) };
}
