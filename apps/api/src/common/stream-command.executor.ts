import { Inject, Injectable, Optional } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { IdempotencyKeyReusedError, PreconditionFailedError, ValidationFailedError, type CommandContext, type DomainEvent } from '../../../../libs/domain/src/index.js';
import { EVENT_STORE, ExpectedRevisionConflictError, type EventStore } from '../../../../libs/event-store/src/index.js';
import { canonicalJson, sha256 } from './canonical-json.js';
import type { RequestContext } from './auth.js';

/** The answer to a write: the last event appended, or the stream's current state. */
export interface WriteResult {
  readonly status: number;
  readonly body: { streamId: string; revision: number; position: number; recordedAt: string };
  /** Whether this request appended events (false for an identical resubmission or a replayed key). */
  readonly appended: boolean;
}

export interface StreamCommand<S, E extends DomainEvent, F = undefined> {
  readonly streamId: string;
  readonly initial: () => S;
  readonly evolve: (state: S, event: E) => S;
  /** The same as folding `evolve` over the events, faster for long streams (loading an uncached one). */
  readonly fold?: (state: S, events: readonly E[]) => S;
  /** Facts from other aggregates the decision needs, loaded afresh on every attempt. */
  readonly loadFacts?: () => Promise<F>;
  /** Decides given the current state; may throw domain errors. */
  readonly decide: (state: S, context: CommandContext, facts: F) => E[];
  /** Checks run against current state before deciding (authorisation that depends on the stream). */
  readonly authorize?: (state: S, facts: F) => void;
  /**
   * Runs after deciding and before appending, e.g. to reserve a device in its own stream.
   * An ExpectedRevisionConflictError thrown here makes the whole command retry.
   */
  readonly beforeAppend?: (events: E[], facts: F) => Promise<void>;
  /** 201 when the events create something new, 200 otherwise. */
  readonly statusFor: (events: E[]) => number;
  /** What identifies this request for idempotency: method, route and body. */
  readonly request: unknown;
  /**
   * The version of the resource the request writes, as its GET shows it (revision and ETag):
   * the stream's revision by default; a sub-resource (a monthly report) has its own. `If-Match`
   * is compared with this.
   */
  readonly versionOf?: (state: S, streamRevision: number) => number;
}

const MAX_ATTEMPTS = 5;
/** `If-Match: *`: any current version (the resource must exist). */
export const IF_MATCH_ANY = -2;
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

interface CachedState {
  readonly evolve: unknown;
  readonly state: unknown;
  readonly revision: number;
  readonly last: WriteResult['body'];
}

/**
 * The thin command path of every stream: load → decide → append at the expected revision,
 * honouring `If-Match` and `Idempotency-Key` (scoped to the actor, stored with the events).
 */
@Injectable()
export class StreamCommandExecutor {
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

  async execute<S, E extends DomainEvent, F = undefined>(ctx: RequestContext, command: StreamCommand<S, E, F>): Promise<WriteResult> {
    const previous = this.turns.get(command.streamId) ?? Promise.resolve();
    const turn = previous.catch(() => undefined).then(() => this.run(ctx, command));
    this.turns.set(command.streamId, turn);
    try {
      return await turn;
    } finally {
      if (this.turns.get(command.streamId) === turn) this.turns.delete(command.streamId);
    }
  }

  private async run<S, E extends DomainEvent, F>(ctx: RequestContext, command: StreamCommand<S, E, F>): Promise<WriteResult> {
    const scope = ctx.principal.subject;
    const key = ctx.idempotencyKey;
    // What identifies the request for its idempotency key (only needed with one).
    const requestHash = key ? sha256(canonicalJson(command.request)) : '';
    if (key !== undefined && (key.length > 200 || !/^[\x21-\x7e]+$/.test(key)))
      throw ValidationFailedError.field('Idempotency-Key', 'must be 1-200 printable ASCII characters');
    if (ctx.ifMatch !== undefined && ctx.ifMatch < 0 && ctx.ifMatch !== IF_MATCH_ANY)
      throw ValidationFailedError.field('If-Match', 'must be the ETag a GET of the resource sent, such as "3", or *');
    if (key) {
      const stored = await this.store.findIdempotentOutcome(scope, key);
      if (stored) return this.replay(stored, requestHash);
    }
    // The first pass decides on the cached state without reading the store (optimistic: the
    // append's expected revision catches a stale cache). Anything short of a clean append — a
    // rejection, a no-op, a revision mismatch — is decided again on state read afresh.
    let fresh = false;
    for (let attempt = 1; ; ) {
      const { state, revision, last } = await this.load(command, fresh);
      const stale = () => {
        const retry = !fresh;
        fresh = true;
        return retry;
      };
      const version = command.versionOf ? command.versionOf(state, revision) : revision;
      if (ctx.ifMatch !== undefined && (ctx.ifMatch === IF_MATCH_ANY ? version === 0 : ctx.ifMatch !== version)) {
        if (stale()) continue;
        throw new PreconditionFailedError(
          ctx.ifMatch === IF_MATCH_ANY ? `${command.streamId} does not exist yet (If-Match: *)` : `${command.streamId} is at revision ${version}, not ${ctx.ifMatch} (the ETag of its GET is "${version}")`,
        );
      }
      const context: CommandContext = {
        actor: ctx.principal.subject,
        role: ctx.principal.role,
        requestId: ctx.requestId,
        ...(key ? { idempotencyKey: key } : {}),
        now: new Date().toISOString(),
      };
      let events: E[];
      let facts: F;
      try {
        facts = (command.loadFacts ? await command.loadFacts() : undefined) as F;
        command.authorize?.(state, facts);
        events = command.decide(state, context, facts);
      } catch (error) {
        if (stale()) continue;
        throw error;
      }
      if (!events.length) {
        if (stale()) continue;
        const result = { status: 200, body: last };
        if (!key) return { ...result, appended: false };
        return this.replay(await this.store.rememberOutcome(scope, key, { requestHash, ...result }), requestHash);
      }
      const status = command.statusFor(events);
      try {
        await command.beforeAppend?.(events, facts);
        const appended = await this.store.append(
          command.streamId,
          events.map((e) => ({ type: e.type, data: e.data, metadata: { ...e.metadata } })),
          {
            expectedRevision: revision,
            ...(key ? { idempotency: { scope, key, requestHash, outcome: (r) => ({ status, body: bodyOf(r) }) } } : {}),
          },
        );
        if (appended.replayed) return this.replay(appended.replayed, requestHash);
        this.advance(command, revision, events.reduce(command.evolve, state), bodyOf(appended));
        return { status, body: bodyOf(appended), appended: true };
      } catch (error) {
        if (!(error instanceof ExpectedRevisionConflictError)) throw error;
        if (ctx.ifMatch !== undefined) throw new PreconditionFailedError(`${command.streamId} changed while the request was decided`);
        if (attempt++ >= MAX_ATTEMPTS) throw error;
        fresh = true;
      }
    }
  }

  /** The stream's state: the cached fold as it is, or (fresh) caught up with the events stored after it. */
  private async load<S, E extends DomainEvent, F>(command: StreamCommand<S, E, F>, fresh: boolean): Promise<{ state: S; revision: number; last: WriteResult['body'] }> {
    const cached = this.states.get(command.streamId);
    const from = cached && cached.evolve === command.evolve ? cached : undefined;
    const newer = from && !fresh ? [] : await this.store.readStream(command.streamId, from?.revision ?? 0);
    if (from && !newer.length) return { state: from.state as S, revision: from.revision, last: from.last };
    const base = from ? (from.state as S) : command.initial();
    const events = newer as unknown as E[];
    const state = command.fold ? command.fold(base, events) : events.reduce(command.evolve, base);
    const revision = newer.length ? newer[newer.length - 1].revision : 0;
    const last = newer.length ? bodyOf(newer[newer.length - 1]) : { streamId: command.streamId, revision: 0, position: 0, recordedAt: '' };
    this.states.set(command.streamId, { evolve: command.evolve, state, revision, last });
    return { state, revision, last };
  }

  /** After an append: the cached fold moves on with the events just stored (if nothing else moved it). */
  private advance<S, E extends DomainEvent, F>(command: StreamCommand<S, E, F>, from: number, state: S, last: WriteResult['body']): void {
    const cached = this.states.get(command.streamId);
    if (!cached || cached.evolve !== command.evolve || cached.revision !== from) return;
    this.states.set(command.streamId, { evolve: command.evolve, state, revision: last.revision, last });
  }

  private replay(stored: { requestHash: string; status: number; body: unknown }, requestHash: string): WriteResult {
    if (stored.requestHash !== requestHash) throw new IdempotencyKeyReusedError();
    return { status: stored.status, body: stored.body as WriteResult['body'], appended: false };
  }
}

function bodyOf(r: { streamId: string; revision: number; position: number; recordedAt: string }): WriteResult['body'] {
  return { streamId: r.streamId, revision: r.revision, position: r.position, recordedAt: r.recordedAt };
}
