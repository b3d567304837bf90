/**
 * An aggregate as one value (issue 17, the shape event-driven-io/emmett uses): where its events live,
 * the state before any, how an event changes it, and what a command decides given the state.
 * Deciders are pure: time and identity come with the command.
 */
export interface Decider<Command, State, Event, Key = string> {
  readonly streamId: (key: Key) => string;
  readonly initialState: () => State;
  readonly evolve: (state: State, event: Event) => State;
  readonly decide: (command: Command, state: State) => Event[];
  /** The same as reducing `evolve` over events, faster for long streams (optional). */
  readonly fold?: (state: State, events: readonly Event[]) => State;
}

/** The state after a stream's events. */
export function fold<Command, State, Event, Key>(decider: Decider<Command, State, Event, Key>, events: readonly Event[]): State {
  return decider.fold ? decider.fold(decider.initialState(), events) : events.reduce(decider.evolve, decider.initialState());
}

/**
 * The entry in force at `at` in a list sorted by start: the last one started by then, or the first
 * for a time before any (an enterprise's location for a month, on the write and the read side alike).
 */
export function inForceAt<T, K extends string | number>(entries: readonly T[], at: K, startOf: (entry: T) => K): T | undefined {
  let current = entries[0];
  for (const entry of entries) if (startOf(entry) <= at) current = entry;
  return current;
}
