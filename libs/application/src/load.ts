import type { Decider } from '../../domain/src/index.js';
import type { EventStore, RecordedEvent } from '../../event-store/src/index.js';

/** An aggregate's state from its stream (up to an instant, if given), with its events and revision. */
export async function load<S, E>(
  store: EventStore,
  decider: Pick<Decider<never, S, E>, 'initialState' | 'evolve' | 'fold' | 'streamId'>,
  key: string,
  asOf?: string,
): Promise<{ state: S; events: RecordedEvent[]; revision: number }> {
  return fold(decider, await store.readStream(decider.streamId(key)), asOf);
}

/** Several aggregates of one kind in a single read of the store (lists: never one read per item). */
export async function loadMany<S, E>(
  store: EventStore,
  decider: Pick<Decider<never, S, E>, 'initialState' | 'evolve' | 'fold' | 'streamId'>,
  keys: readonly string[],
  asOf?: string,
): Promise<{ key: string; state: S; events: RecordedEvent[]; revision: number }[]> {
  const streams = await store.readStreams(keys.map(decider.streamId));
  return keys.map((key) => ({ key, ...fold(decider, streams.get(decider.streamId(key))!, asOf) }));
}

function fold<S, E>(decider: Pick<Decider<never, S, E>, 'initialState' | 'evolve' | 'fold'>, all: RecordedEvent[], asOf?: string) {
  const events = asOf ? all.filter((e) => e.recordedAt <= asOf) : all;
  const typed = events as unknown as E[];
  const state = decider.fold ? decider.fold(decider.initialState(), typed) : typed.reduce(decider.evolve, decider.initialState());
  return { state, events, revision: all.length ? all[all.length - 1].revision : 0 };
}
