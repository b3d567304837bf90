import type { AppendOptions, AppendResult, EventStore, IdempotentOutcome, NewEvent, ReadAllOptions, RecordedEvent, Subscription } from './event-store.port.js';

/** What the store needs of the event schemas (the domain's registry): the version to write, and the current shape of what is read. */
export interface SchemaRegistry {
  stamp<E extends NewEvent>(event: E): E;
  upcast<E extends NewEvent>(event: E): E;
}

/**
 * Any event store with schema evolution: appends are stamped with each type's current schema
 * version, and every read — streams, the whole log, subscriptions — returns events upcast to the
 * current shape. What is stored is never rewritten.
 */
export class UpcastingEventStore implements EventStore {
  /** Batched appends, when the store underneath has them. */
  readonly appendParts?: EventStore['appendParts'];

  constructor(
    readonly inner: EventStore,
    private readonly schemas: SchemaRegistry,
  ) {
    const parts = inner.appendParts?.bind(inner);
    if (parts) this.appendParts = (streamId, list, options) => parts(streamId, list.map((p) => ({ ...p, events: p.events.map((e) => this.schemas.stamp(e)) })), options);
  }

  private readonly up = (events: RecordedEvent[]): RecordedEvent[] => events.map((e) => this.schemas.upcast(e));

  append(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    return this.inner.append(
      streamId,
      events.map((e) => this.schemas.stamp(e)),
      options,
    );
  }

  async readStream(streamId: string, afterRevision?: number): Promise<RecordedEvent[]> {
    return this.up(await this.inner.readStream(streamId, afterRevision));
  }

  async readStreams(streamIds: readonly string[]): Promise<Map<string, RecordedEvent[]>> {
    const streams = await this.inner.readStreams(streamIds);
    return new Map([...streams].map(([id, events]) => [id, this.up(events)]));
  }

  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.up(await this.inner.readAll(options));
  }

  headPosition(): Promise<number> {
    return this.inner.headPosition();
  }

  subscribe(after: number, onBatch: (events: RecordedEvent[]) => Promise<void>, options?: { batchSize?: number }): Subscription {
    return this.inner.subscribe(after, (events) => onBatch(this.up(events)), options);
  }

  findIdempotentOutcome(scope: string, key: string): Promise<IdempotentOutcome | undefined> {
    return this.inner.findIdempotentOutcome(scope, key);
  }

  rememberOutcome(scope: string, key: string, outcome: IdempotentOutcome): Promise<IdempotentOutcome> {
    return this.inner.rememberOutcome(scope, key, outcome);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
