import { Inject, Injectable, Optional } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { IdempotencyKeyReusedError, PreconditionFailedError, type CommandContext, type Decider, type DomainEvent } from '../../domain/src/index.js';
import {
  EVENT_STORE,
  ExpectedRevisionConflictError,
  IdempotencyKeyTakenError,
  type AppendPart,
  type AppendResult,
  type EventStore,
  type IdempotencyClaim,
  type IdempotentOutcome,
} from '../../event-store/src/index.js';
import type { Principal } from './actor.js';

/** The version a write expects its resource at: a number (0: must not exist yet), or `exists` (any version, but it must exist). */
export type ExpectedVersion = number | 'exists';

/** Who sends a command and how: the actor, a correlation id, and optionally a version and an idempotency key. */
export interface CommandMeta {
  readonly actor: Principal;
  readonly requestId: string;
  /** The version the resource must be at (an optimistic lock the caller holds, such as an ETag it read). */
  readonly expectedVersion?: ExpectedVersion;
  /** A retry with the same key and the same fingerprint appends nothing and gets the first answer. */
  readonly idempotency?: { readonly key: string; readonly fingerprint: string };
}

/** What a command did: the last event of its stream and whether it created the resource. */
export interface CommandResult {
  readonly streamId: string;
  readonly revision: number;
  readonly position: number;
  readonly recordedAt: string;
  /** True when the events appended brought something new into being (a registration, a first filing). */
  readonly created: boolean;
  /** False for a no-op (the state already was what the command asks) or a replayed idempotency key. */
  readonly appended: boolean;
}

/** How one command is carried out on one stream, around a decider. */
export interface Handling<S, E extends DomainEvent, F = undefined> {
  readonly decider: Pick<Decider<unknown, S, E>, 'initialState' | 'evolve' | 'fold'>;
  readonly streamId: string;
  /** Facts from other streams the decision needs, loaded afresh on every attempt. */
  readonly facts?: () => Promise<F>;
  /** Access checks that depend on the stream's state (run before deciding). */
  readonly authorize?: (state: S, facts: F) => void;
  /** The decider's decision given the state; may throw domain errors. */
  readonly decide: (state: S, context: CommandContext, facts: F) => E[];
  /**
   * Runs after deciding and before appending, e.g. to reserve a device in its own stream.
   * An ExpectedRevisionConflictError thrown here makes the whole command retry.
   */
  readonly beforeAppend?: (events: E[], facts: F) => Promise<void>;
  /** Whether the events create something new (default: yes). */
  readonly created?: (events: E[]) => boolean;
  /**
   * The version of the resource written, as its reads show it: the stream's revision by default;
   * a sub-resource (a monthly report) has its own. `expectedVersion` is compared with this.
   */
  readonly versionOf?: (state: S, streamRevision: number) => number;
}

const MAX_ATTEMPTS = 5;

/** What one command of a batch came to: its result, or the error `handle` would have thrown. */
export type Settled = { result: CommandResult; error?: undefined } | { error: unknown; result?: undefined };

/**
 * How much folded state stays in memory (least recently used streams are dropped first): at
 * most `streams` streams, and states folded from at most `events` events in all. A state grows
 * with its stream (an enterprise's state holds every month it filed), so the bound is on
 * events — a count of streams alone would let memory grow with history for as long as the
 * server runs. The defaults: about 100 bytes of state per event (measured in `npm run soak`),
 * some 20 MB.
 */
export interface StateCacheBounds {
  readonly streams: number;
  readonly events: number;
}
/** Injection token for other bounds than the defaults (tests use small ones). */
export const STATE_CACHE_BOUNDS = Symbol('STATE_CACHE_BOUNDS');
const DEFAULT_BOUNDS: StateCacheBounds = { streams: 10_000, events: 200_000 };

type Last = Omit<CommandResult, 'created' | 'appended'>;

interface CachedState {
  readonly evolve: unknown;
  readonly state: unknown;
  readonly revision: number;
  readonly last: Last;
}

/**
 * The one command path of every stream (the shape of event-driven-io/emmett's `handle`): load the
 * state (cached or read), decide, append at the expected revision, retry on a conflict. An
 * idempotency key wraps it ({@link handle}); it knows nothing of HTTP.
 */
@Injectable()
export class StreamHandler {
  /** Commands on one stream in this process take turns; other processes are kept honest by expected revisions. */
  private readonly turns = new Map<string, Promise<unknown>>();
  /**
   * The folded state of recently used streams at a revision. A command reads only the events
   * after it (none, when this process wrote the stream last), so its cost does not grow with
   * the stream's length. States are immutable values; only stored events ever advance them.
   */
  private readonly states: LRUCache<string, CachedState>;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Optional() @Inject(STATE_CACHE_BOUNDS) bounds: StateCacheBounds = DEFAULT_BOUNDS,
  ) {
    this.states = new LRUCache({ max: bounds.streams, maxSize: bounds.events, sizeCalculation: (cached) => cached.revision + 1 });
  }

  /** Runs a command, once per idempotency key when the meta carries one. */
  handle<S, E extends DomainEvent, F = undefined>(meta: CommandMeta, handling: Handling<S, E, F>): Promise<CommandResult> {
    return idempotent(this.store, meta, (claim) => this.inTurn(handling.streamId, () => this.run(meta, handling, claim)));
  }

  /**
   * Runs commands on one stream in order, as {@link handle} would one after another, but decided
   * in one fold and appended in one write (a bulk import's lines). Each command gets what
   * `handle` would have given it: its result or its error. Anything the batch cannot vouch for —
   * a store without batched appends, facts from other streams, an expected version, another
   * process writing the stream meanwhile, a key used meanwhile — goes through `handle` one by one.
   */
  async handleBatch(items: readonly { meta: CommandMeta; handling: Handling<any, DomainEvent, any> }[]): Promise<Settled[]> {
    const first = items[0]?.handling;
    const batchable =
      first &&
      this.store.appendParts &&
      items.every((i) => i.handling.streamId === first.streamId && i.handling.decider === first.decider && !i.handling.facts && !i.handling.beforeAppend && i.meta.expectedVersion === undefined);
    if (batchable) {
      const settled = await this.inTurn(first.streamId, () => this.runBatch(items));
      if (settled) return settled;
    }
    const out: Settled[] = [];
    for (const { meta, handling } of items) out.push(await this.handle(meta, handling).then((result) => ({ result }), (error: unknown) => ({ error })));
    return out;
  }

  /** One fold and one append for a batch; undefined when it must run one by one after all. */
  private async runBatch(items: readonly { meta: CommandMeta; handling: Handling<any, DomainEvent, any> }[]): Promise<Settled[] | undefined> {
    const first = items[0].handling;
    // Read afresh: a decision made here is final (handle's second attempt decides on the same state).
    const loaded = await this.load(first, true);
    let state = loaded.state;
    const settled: Settled[] = new Array(items.length);
    const parts: AppendPart[] = [];
    const answered: { index: number; created: boolean; appended: boolean }[] = [];
    for (const [index, { meta, handling }] of items.entries()) {
      const request = meta.idempotency;
      if (request) {
        const stored = await this.store.findIdempotentOutcome(meta.actor.subject, request.key);
        if (stored) {
          settled[index] = stored.requestHash === request.fingerprint ? { result: { ...(stored.body as Last), created: stored.created, appended: false } } : { error: new IdempotencyKeyReusedError() };
          continue;
        }
      }
      const context: CommandContext = {
        actor: meta.actor.subject,
        role: meta.actor.role,
        requestId: meta.requestId,
        ...(request ? { idempotencyKey: request.key } : {}),
        now: new Date().toISOString(),
      };
      let events: DomainEvent[];
      try {
        handling.authorize?.(state, undefined);
        events = handling.decide(state, context, undefined);
      } catch (error) {
        settled[index] = { error };
        continue;
      }
      const created = events.length > 0 && (handling.created ? handling.created(events) : true);
      const claim = request ? { scope: meta.actor.subject, key: request.key, requestHash: request.fingerprint, outcome: (r: Last) => ({ created, body: lastOf(r) }) } : undefined;
      parts.push({ events: events.map((e) => ({ type: e.type, data: e.data, metadata: { ...e.metadata } })), ...(claim ? { idempotency: claim } : {}) });
      answered.push({ index, created, appended: events.length > 0 });
      state = events.reduce(first.decider.evolve, state);
    }
    if (!parts.length) return settled;
    let results: AppendResult[];
    try {
      results = await this.store.appendParts!(first.streamId, parts, { expectedRevision: loaded.revision });
    } catch (error) {
      if (error instanceof ExpectedRevisionConflictError || error instanceof IdempotencyKeyTakenError) return undefined;
      throw error;
    }
    answered.forEach(({ index, created, appended }, k) => (settled[index] = { result: { ...lastOf(results[k]), created, appended } }));
    const last = results[results.length - 1];
    if (last.revision !== loaded.revision) this.advance(first, loaded.revision, state, lastOf(last));
    return settled;
  }

  private async inTurn<T>(streamId: string, work: () => Promise<T>): Promise<T> {
    const turn = (this.turns.get(streamId) ?? Promise.resolve()).catch(() => undefined).then(work);
    this.turns.set(streamId, turn);
    try {
      return await turn;
    } finally {
      if (this.turns.get(streamId) === turn) this.turns.delete(streamId);
    }
  }

  private async run<S, E extends DomainEvent, F>(meta: CommandMeta, handling: Handling<S, E, F>, claim: Claim | undefined): Promise<Outcome> {
    const expected = meta.expectedVersion;
    // The first pass decides on the cached state without reading the store (optimistic: the
    // append's expected revision catches a stale cache). Anything short of a clean append — a
    // rejection, a no-op, a revision mismatch — is decided again on state read afresh.
    let fresh = false;
    const stale = () => {
      const retry = !fresh;
      fresh = true;
      return retry;
    };
    for (let attempt = 1; ; ) {
      const { state, revision, last } = await this.load(handling, fresh);
      const version = handling.versionOf ? handling.versionOf(state, revision) : revision;
      if (expected !== undefined && (expected === 'exists' ? version === 0 : expected !== version)) {
        if (stale()) continue;
        throw new PreconditionFailedError(
          expected === 'exists' ? `${handling.streamId} does not exist yet` : `${handling.streamId} is at revision ${version}, not ${expected}`,
        );
      }
      const context: CommandContext = {
        actor: meta.actor.subject,
        role: meta.actor.role,
        requestId: meta.requestId,
        ...(meta.idempotency ? { idempotencyKey: meta.idempotency.key } : {}),
        now: new Date().toISOString(),
      };
      let events: E[];
      let facts: F;
      try {
        facts = (handling.facts ? await handling.facts() : undefined) as F;
        handling.authorize?.(state, facts);
        events = handling.decide(state, context, facts);
      } catch (error) {
        if (stale()) continue;
        throw error;
      }
      if (!events.length) {
        if (stale()) continue;
        return { result: { ...last, created: false, appended: false } };
      }
      const created = handling.created ? handling.created(events) : true;
      try {
        await handling.beforeAppend?.(events, facts);
        const appended = await this.store.append(
          handling.streamId,
          events.map((e) => ({ type: e.type, data: e.data, metadata: { ...e.metadata } })),
          { expectedRevision: revision, ...(claim ? { idempotency: claim(created) } : {}) },
        );
        if (appended.replayed) return { replayed: appended.replayed };
        this.advance(handling, revision, events.reduce(handling.decider.evolve, state), lastOf(appended));
        return { result: { ...lastOf(appended), created, appended: true } };
      } catch (error) {
        if (!(error instanceof ExpectedRevisionConflictError)) throw error;
        if (expected !== undefined) throw new PreconditionFailedError(`${handling.streamId} changed while the command was decided`);
        if (attempt++ >= MAX_ATTEMPTS) throw error;
        fresh = true;
      }
    }
  }

  /** The stream's state: the cached fold as it is, or (fresh) caught up with the events stored after it. */
  private async load<S, E extends DomainEvent, F>(handling: Handling<S, E, F>, fresh: boolean): Promise<{ state: S; revision: number; last: Last }> {
    const { decider, streamId } = handling;
    const cached = this.states.get(streamId);
    const from = cached && cached.evolve === decider.evolve ? cached : undefined;
    const newer = from && !fresh ? [] : await this.store.readStream(streamId, from?.revision ?? 0);
    if (from && !newer.length) return { state: from.state as S, revision: from.revision, last: from.last };
    const base = from ? (from.state as S) : decider.initialState();
    const events = newer as unknown as E[];
    const state = decider.fold ? decider.fold(base, events) : events.reduce(decider.evolve, base);
    const revision = newer.length ? newer[newer.length - 1].revision : 0;
    const last = newer.length ? lastOf(newer[newer.length - 1]) : { streamId, revision: 0, position: 0, recordedAt: '' };
    this.states.set(streamId, { evolve: decider.evolve, state, revision, last });
    return { state, revision, last };
  }

  /** After an append: the cached fold moves on with the events just stored (if nothing else moved it). */
  private advance<S, E extends DomainEvent, F>(handling: Handling<S, E, F>, from: number, state: S, last: Last): void {
    const cached = this.states.get(handling.streamId);
    if (!cached || cached.evolve !== handling.decider.evolve || cached.revision !== from) return;
    this.states.set(handling.streamId, { evolve: handling.decider.evolve, state, revision: last.revision, last });
  }
}

function lastOf(r: Last): Last {
  return { streamId: r.streamId, revision: r.revision, position: r.position, recordedAt: r.recordedAt };
}

/** The claim an append stores its outcome under, given whether the command created something. */
type Claim = (created: boolean) => IdempotencyClaim;
/** A command's own result, or the answer stored for its key by an earlier request. */
type Outcome = { result: CommandResult; replayed?: undefined } | { replayed: IdempotentOutcome };

/**
 * Idempotency as a wrapper around a command (keys scoped to the actor): a key already used
 * replays its stored answer, or is refused when it came with another request; a new key's answer
 * is stored in the same transaction as the events it appends (a no-op's answer on its own).
 */
export async function idempotent(store: EventStore, meta: CommandMeta, command: (claim: Claim | undefined) => Promise<Outcome>): Promise<CommandResult> {
  const request = meta.idempotency;
  if (!request) {
    const outcome = await command(undefined);
    if (outcome.replayed) throw new Error('a stored answer came back for a command sent without an idempotency key');
    return outcome.result;
  }
  const scope = meta.actor.subject;
  const replay = (stored: IdempotentOutcome): CommandResult => {
    if (stored.requestHash !== request.fingerprint) throw new IdempotencyKeyReusedError();
    return { ...(stored.body as Last), created: stored.created, appended: false };
  };
  const stored = await store.findIdempotentOutcome(scope, request.key);
  if (stored) return replay(stored);
  const outcome = await command((created) => ({ scope, key: request.key, requestHash: request.fingerprint, outcome: (r) => ({ created, body: lastOf(r) }) }));
  if (outcome.replayed) return replay(outcome.replayed);
  if (outcome.result.appended) return outcome.result;
  const { created, appended: _, ...body } = outcome.result;
  return replay(await store.rememberOutcome(scope, request.key, { requestHash: request.fingerprint, created, body }));
}

/** A domain command without its context (the handler adds actor, request id and instant). */
export type Uncontextual<C> = C extends { context: CommandContext } ? Omit<C, 'context'> : never;

/** The decider part of a handling: the command goes to the aggregate's stream for `key` and is decided there. */
export function decision<C extends { context: CommandContext }, S, E extends DomainEvent>(
  decider: Decider<C, S, E>,
  key: string,
  command: Uncontextual<C>,
): Pick<Handling<S, E, never>, 'decider' | 'streamId' | 'decide'> {
  return { decider, streamId: decider.streamId(key), decide: (state, context) => decider.decide({ ...command, context } as unknown as C, state) };
}
