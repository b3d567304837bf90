import type { EventStore, RecordedEvent } from '../../../../libs/event-store/src/index.js';

/** Folds a stream (up to an instant, if given) into its state with a decider's `evolve`. */
export async function loadStream<S, E>(
  store: EventStore,
  streamId: string,
  initial: () => S,
  evolve: (state: S, event: E) => S,
  asOf?: string,
): Promise<{ state: S; events: RecordedEvent[]; revision: number }> {
  const all = await store.readStream(streamId);
  const events = asOf ? all.filter((e) => e.recordedAt <= asOf) : all;
  const state = events.reduce((s, e) => evolve(s, e as unknown as E), initial());
  return { state, events, revision: all.length ? all[all.length - 1].revision : 0 };
}
