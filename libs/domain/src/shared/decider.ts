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
}

/** The state after a stream's events. */
export function fold<Command, State, Event, Key>(decider: Decider<Command, State, Event, Key>, events: readonly Event[]): State {
  return events.reduce(decider.evolve, decider.initialState());
}
