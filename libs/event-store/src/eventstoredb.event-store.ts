import {
  ANY,
  END,
  EventStoreDBClient,
  excludeSystemEvents,
  FORWARDS,
  BACKWARDS,
  jsonEvent,
  NO_STREAM,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  type AllStreamResolvedEvent,
  type ResolvedEvent,
} from '@eventstore/db-client';
import {
  ExpectedRevisionConflictError,
  type AppendOptions,
  type AppendResult,
  type EventStore,
  type IdempotentOutcome,
  type NewEvent,
  type ReadAllOptions,
  type RecordedEvent,
  type Subscription,
} from './event-store.port.js';
import { v5 as uuidv5 } from 'uuid';

/** The namespace of Fuju Ledger's deterministic event ids (UUID v5 of scope, key and index). */
const EVENT_ID_NAMESPACE = '3f1c8a52-6a0e-5d1b-9c7e-2b4f6d8e0a17';

/**
 * The id of the i-th event of an idempotent request: the same for every retry of the request, so
 * EventStoreDB's own de-duplication (by event id) also recognises a retried append.
 */
export function deterministicEventId(scope: string, key: string, index: number): string {
  return uuidv5(`${scope}\u0000${key}\u0000${index}`, EVENT_ID_NAMESPACE);
}

/** Where a request's stored answer lives: a stream of its own, appended once (NO_STREAM). */
const idempotencyStream = (scope: string, key: string) => `idempotency-${Buffer.from(`${scope}\u0000${key}`).toString('base64url')}`;
/** How far back in a stream a retried append looks for its own key (the events it appended). */
const KEY_LOOKBACK = 50;

interface StoredMetadata {
  readonly idempotency?: { scope: string; key: string; requestHash: string; created: boolean; body: unknown };
  readonly recordedAt?: string;
  readonly [k: string]: unknown;
}

/**
 * The production event store: EventStoreDB (KurrentDB) through `@eventstore/db-client`.
 * Revisions are 1-based like the port's (EventStoreDB counts from 0); positions are the
 * commit positions of the transaction file (strictly increasing, with gaps).
 *
 * Idempotency does not rely on EventStoreDB's in-memory event-id cache: the claim travels in the
 * metadata of the appended events (atomic with them) and a retry finds it by reading the stream's
 * tail; outcomes of requests that appended nothing go to a per-key stream written with NO_STREAM.
 */
export class EventStoreDbEventStore implements EventStore {
  private readonly client: EventStoreDBClient;

  constructor(connectionString: string) {
    this.client = EventStoreDBClient.connectionString(connectionString);
  }

  async append(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    const claim = options.idempotency;
    if (claim) {
      const replay = (await this.findInTail(streamId, claim.scope, claim.key)) ?? (await this.findIdempotentOutcome(claim.scope, claim.key));
      if (replay) return { ...(await this.currentOf(streamId)), replayed: replay };
    }
    if (!events.length) return this.currentOf(streamId);
    const recordedAt = options.recordedAt ?? new Date().toISOString();
    const current = await this.currentOf(streamId);
    const nextRevision = current.revision + events.length;
    // The answer is built before the append (it needs the revision); the position follows from the result.
    try {
      const result = await this.client.appendToStream(
        streamId,
        events.map((e, i) =>
          jsonEvent({
            ...(claim ? { id: deterministicEventId(claim.scope, claim.key, i) } : {}),
            type: e.type,
            data: e.data as never,
            metadata: {
              ...(e.metadata as object),
              recordedAt,
              ...(claim && i === events.length - 1
                ? { idempotency: { scope: claim.scope, key: claim.key, requestHash: claim.requestHash, ...claim.outcome({ streamId, revision: nextRevision, position: 0, recordedAt }) } }
                : {}),
            } as never,
          }),
        ),
        { expectedRevision: options.expectedRevision === 'any' ? ANY : options.expectedRevision === 0 ? NO_STREAM : BigInt(options.expectedRevision - 1) },
      );
      return { streamId, revision: Number(result.nextExpectedRevision) + 1, position: Number(result.position?.commit ?? 0), recordedAt };
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) {
        const actual = await this.currentOf(streamId);
        throw new ExpectedRevisionConflictError(streamId, options.expectedRevision, actual.revision);
      }
      throw error;
    }
  }

  async readStream(streamId: string, afterRevision = 0): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    // Our revisions are 1-based, the server's 0-based: the event after our revision r is the server's r.
    const fromRevision = afterRevision > 0 ? BigInt(afterRevision) : START;
    try {
      for await (const resolved of this.client.readStream(streamId, { direction: FORWARDS, fromRevision })) events.push(toRecorded(resolved));
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return events;
  }

  /** EventStoreDB has no read of several streams in one call: the reads go out together, at most 16 at a time. */
  async readStreams(streamIds: readonly string[]): Promise<Map<string, RecordedEvent[]>> {
    const ids = [...new Set(streamIds)];
    const streams = new Map<string, RecordedEvent[]>();
    for (let i = 0; i < ids.length; i += 16) {
      const chunk = ids.slice(i, i + 16);
      const read = await Promise.all(chunk.map((id) => this.readStream(id)));
      chunk.forEach((id, k) => streams.set(id, read[k]));
    }
    return new Map(streamIds.map((id) => [id, streams.get(id)!]));
  }

  async readAll({ after, limit }: ReadAllOptions): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    const fromPosition = after > 0 ? { commit: BigInt(after), prepare: BigInt(after) } : START;
    // No maxCount: system and idempotency events are skipped here, so a page stops at `limit` of
    // ours or at the end of the log — never early, with an empty page that would read as the end.
    for await (const resolved of this.client.readAll({ fromPosition, direction: FORWARDS, maxCount: Number.MAX_SAFE_INTEGER })) {
      if (!resolved.event || resolved.event.streamId.startsWith('$') || resolved.event.streamId.startsWith('idempotency-')) continue;
      const recorded = toRecorded(resolved as AllStreamResolvedEvent);
      if (recorded.position <= after) continue;
      events.push(recorded);
      if (events.length >= limit) break;
    }
    return events;
  }

  async headPosition(): Promise<number> {
    // Backwards from the end until the first event of ours, however many system or idempotency events come after it.
    for await (const resolved of this.client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: Number.MAX_SAFE_INTEGER })) {
      if (resolved.event && !resolved.event.streamId.startsWith('$') && !resolved.event.streamId.startsWith('idempotency-'))
        return Number((resolved as AllStreamResolvedEvent).event!.position.commit);
    }
    return 0;
  }

  /** Subscription failures since start (access denied, a lost connection, a failing handler): each logged and retried with backoff. */
  subscriptionErrors = 0;

  subscribe(after: number, onBatch: (events: RecordedEvent[]) => Promise<void>, options: { batchSize?: number; onError?: (error: unknown) => void } = {}): Subscription {
    const batchSize = options.batchSize ?? 1000;
    let open = true;
    let position = after;
    let current: ReturnType<EventStoreDBClient['subscribeToAll']> | undefined;
    // A catch-up subscription to $all without system events; on a lost connection it resubscribes
    // from the last delivered position with backoff, so the follower never stops or skips.
    const loop = (async () => {
      for (let attempt = 0; open; attempt++) {
        try {
          current = this.client.subscribeToAll({ fromPosition: position > 0 ? { commit: BigInt(position), prepare: BigInt(position) } : START, filter: excludeSystemEvents() });
          let batch: RecordedEvent[] = [];
          for await (const resolved of current as AsyncIterable<AllStreamResolvedEvent>) {
            if (!resolved.event || resolved.event.streamId.startsWith('idempotency-')) continue;
            const recorded = toRecorded(resolved);
            if (recorded.position <= position) continue;
            batch.push(recorded);
            if (batch.length >= batchSize || (current as unknown as { readableLength: number }).readableLength === 0) {
              await onBatch(batch);
              position = batch[batch.length - 1].position;
              batch = [];
              attempt = 0;
            }
          }
        } catch (error) {
          if (!open) return;
          this.subscriptionErrors += 1;
          const delay = Math.min(30_000, 250 * 2 ** attempt);
          (options.onError ?? ((e: unknown) => console.error(`event store subscription failed (${e instanceof Error ? e.message : String(e)}); resubscribing from ${position} in ${delay} ms`)))(error);
          await new Promise((r) => setTimeout(r, delay));
        }
      }
    })();
    return {
      close: async () => {
        open = false;
        await current?.unsubscribe().catch(() => undefined);
        await loop.catch(() => undefined);
      },
    };
  }

  async findIdempotentOutcome(scope: string, key: string): Promise<IdempotentOutcome | undefined> {
    const events = await this.readStream(idempotencyStream(scope, key));
    const stored = events[0]?.data as (IdempotentOutcome & { status?: number }) | undefined;
    // Outcomes stored before December 2026 hold the HTTP status (201: created) instead of `created`.
    return stored && { requestHash: stored.requestHash, created: stored.created ?? stored.status === 201, body: stored.body };
  }

  async rememberOutcome(scope: string, key: string, outcome: IdempotentOutcome): Promise<IdempotentOutcome> {
    try {
      await this.client.appendToStream(idempotencyStream(scope, key), jsonEvent({ type: 'IdempotentOutcomeRemembered', data: outcome as never }), { expectedRevision: NO_STREAM });
      return outcome;
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) return (await this.findIdempotentOutcome(scope, key))!;
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }

  private async findInTail(streamId: string, scope: string, key: string): Promise<IdempotentOutcome | undefined> {
    try {
      for await (const resolved of this.client.readStream(streamId, { direction: BACKWARDS, fromRevision: END, maxCount: KEY_LOOKBACK })) {
        const meta = resolved.event?.metadata as StoredMetadata | undefined;
        const claim = meta?.idempotency;
        // The position of an append is known only after it; the stored answer takes it from the event.
        if (claim && claim.scope === scope && claim.key === key)
          return { requestHash: claim.requestHash, created: claim.created, body: { ...(claim.body as object), position: Number(resolved.event!.position?.commit ?? 0) } };
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return undefined;
      throw error;
    }
    return undefined;
  }

  private async currentOf(streamId: string): Promise<AppendResult> {
    try {
      for await (const resolved of this.client.readStream(streamId, { direction: BACKWARDS, fromRevision: END, maxCount: 1 })) {
        const recorded = toRecorded(resolved);
        return { streamId, revision: recorded.revision, position: recorded.position, recordedAt: recorded.recordedAt };
      }
    } catch (error) {
      if (!(error instanceof StreamNotFoundError)) throw error;
    }
    return { streamId, revision: 0, position: 0, recordedAt: '' };
  }
}

function toRecorded(resolved: ResolvedEvent | AllStreamResolvedEvent): RecordedEvent {
  const e = resolved.event!;
  const { recordedAt, idempotency: _claim, ...metadata } = (e.metadata ?? {}) as StoredMetadata;
  return {
    streamId: e.streamId,
    revision: Number(e.revision) + 1,
    position: Number(e.position?.commit ?? 0),
    type: e.type,
    data: e.data,
    metadata,
    recordedAt: recordedAt ?? e.created.toISOString(),
  };
}
