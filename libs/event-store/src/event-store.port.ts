/** An event to append: a stable past-tense `type`, its data and metadata. */
export interface NewEvent {
  readonly type: string;
  readonly data: unknown;
  readonly metadata: object;
}

/** An event as stored: the store adds stream revision, global position and recording instant. */
export interface RecordedEvent extends NewEvent {
  readonly metadata: Record<string, unknown>;
  readonly streamId: string;
  /** 1-based, gap-free within a stream. */
  readonly revision: number;
  /** 1-based, strictly increasing across the whole store. */
  readonly position: number;
  /** ISO 8601 instant (UTC, millisecond precision). */
  readonly recordedAt: string;
}

/** The revision a stream must be at for an append to succeed; 0 means "the stream must not exist". */
export type ExpectedRevision = number | 'any';

/** A stored answer to a request, replayed when the same idempotency key comes again. */
export interface IdempotentOutcome {
  /** A fingerprint of the request: the same key sent with another request is refused. */
  readonly requestHash: string;
  /** Whether the request created something (a registration, a first filing) or changed nothing new. */
  readonly created: boolean;
  readonly body: unknown;
}

export interface IdempotencyClaim {
  /** Keys are scoped to the actor that sent them. */
  readonly scope: string;
  readonly key: string;
  readonly requestHash: string;
  /** Builds the answer to store from the append's result, inside the same transaction. */
  readonly outcome: (result: AppendResult) => { created: boolean; body: unknown };
}

export interface AppendOptions {
  readonly expectedRevision: ExpectedRevision;
  readonly idempotency?: IdempotencyClaim;
  /**
   * For importing historical records (the demo data set, bulk imports): the instant to record.
   * The store never lets instants go backwards in log order, so an earlier one is raised.
   */
  readonly recordedAt?: string;
}

/** One request's share of a batched append (a bulk import's line): its events and the claim its answer is stored under. */
export interface AppendPart {
  readonly events: readonly NewEvent[];
  readonly idempotency?: IdempotencyClaim;
}

export interface AppendResult {
  readonly streamId: string;
  readonly revision: number;
  readonly position: number;
  readonly recordedAt: string;
  /** Set when the idempotency key had already been used: nothing was appended, this is the stored answer. */
  readonly replayed?: IdempotentOutcome;
}

export interface ReadAllOptions {
  /** Exclusive: events with a position greater than this. */
  readonly after: number;
  readonly limit: number;
}

export interface Subscription {
  close(): Promise<void>;
}

/** The event store port: the write side's only persistence. */
export interface EventStore {
  /**
   * Appends events to a stream atomically. Fails with {@link ExpectedRevisionConflictError}
   * when the stream is not at `expectedRevision`. With an idempotency claim whose key was
   * already used, appends nothing and returns the stored outcome in `replayed`.
   */
  append(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult>;
  /**
   * Optional (the embedded store has it; callers fall back to {@link append} per request without
   * it): appends several requests' events to one stream in one atomic write. Each part's claim is
   * stored with the result of the part's own last event (for a part with no events, the stream's
   * last event before it), and one result per part comes back. Fails as a whole, writing nothing,
   * with {@link ExpectedRevisionConflictError}, or with {@link IdempotencyKeyTakenError} when a
   * part's key was already used.
   */
  appendParts?(streamId: string, parts: readonly AppendPart[], options: Omit<AppendOptions, 'idempotency'>): Promise<AppendResult[]>;
  /**
   * The events of a stream in revision order (empty for a stream that does not exist);
   * with `afterRevision`, only those after it (to catch up a cached state).
   */
  readStream(streamId: string, afterRevision?: number): Promise<RecordedEvent[]>;
  /**
   * The events of several streams at once, each in revision order (lists read this way, not one
   * stream per listed item); a stream that does not exist maps to an empty array.
   */
  readStreams(streamIds: readonly string[]): Promise<Map<string, RecordedEvent[]>>;
  /** Events after a global position, in position order. */
  readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;
  /** The position of the last event in the store (0 when empty). */
  headPosition(): Promise<number>;
  /** Delivers every event after `after` in order, then keeps following new appends until closed. */
  subscribe(after: number, onBatch: (events: RecordedEvent[]) => Promise<void>, options?: { batchSize?: number }): Subscription;
  /** The stored outcome for an idempotency key, if that key was used. */
  findIdempotentOutcome(scope: string, key: string): Promise<IdempotentOutcome | undefined>;
  /** Stores an outcome for a request that appended nothing (an identical resubmission). */
  rememberOutcome(scope: string, key: string, outcome: IdempotentOutcome): Promise<IdempotentOutcome>;
  close(): Promise<void>;
}

export const EVENT_STORE = Symbol('EVENT_STORE');

export class ExpectedRevisionConflictError extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    readonly actual: number,
  ) {
    super(`stream ${streamId} is at revision ${actual}, expected ${expected}`);
    this.name = 'ExpectedRevisionConflictError';
  }
}

/** One partition's events as the projector receives them. */
export interface PartitionBatch {
  readonly partition: number;
  readonly events: RecordedEvent[];
  /** Tells the group this member is alive (call it while a batch takes long, e.g. ClickHouse retries). */
  heartbeat(): Promise<void>;
}

/** A feed whose events come partition by partition (Kafka): per-stream order, no global order. */
export interface PartitionedFeed {
  /** The topic's partition count once connected (undefined before). */
  readonly partitions: number | undefined;
  partitionOf(streamId: string): number;
  /** Messages that could not be read as events, sent to the dead-letter topic since start. */
  readonly deadLettered: number;
  /** Whether the consumer is connected to the broker (false while it retries). */
  readonly connected: boolean;
  follow(handler: { batch(batch: PartitionBatch): Promise<void>; assigned(partitions: number[]): void }): Subscription;
}

/** A batched append met an idempotency key that was already used: nothing was written (send the parts one by one to replay it). */
export class IdempotencyKeyTakenError extends Error {
  constructor(readonly key: string) {
    super(`idempotency key ${key} was already used`);
    this.name = 'IdempotencyKeyTakenError';
  }
}
