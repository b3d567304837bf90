import { fold, type CommandContext, type Decider } from '../../libs/domain/src/index.js';

/**
 * given(events).when(command).then(events) | .thenThrows(ErrorType, problems) — one helper for every
 * aggregate's decider specs (issue 17), as in emmett's decider tests. The command is given without
 * its context; `context` supplies the actor, role, request and instant. With `parse`, commands are
 * given raw, as the wire carries them, and parsed as the application's edge parses them (its
 * problems are the command's), so a spec covers the whole way from input to events.
 */
export function deciderSpec<Command extends { context: CommandContext }, State, Event, Raw = Omit<Command, 'context'>>(
  decider: Decider<Command, State, Event>,
  context: CommandContext,
  parse?: (raw: Raw, now: string) => Omit<Command, 'context'>,
) {
  return function given(events: readonly Event[]) {
    const state = fold(decider, events);
    return {
      when(command: Raw) {
        const run = () => decider.decide({ ...(parse ? parse(command, context.now) : command), context } as Command, state);
        return {
          then: (expected: readonly Event[]) => expect(run()).toEqual(expected),
          thenThrows: (type: abstract new (...args: never[]) => Error, problems?: readonly { path: string; message?: string }[]) => {
            let error: unknown;
            try {
              run();
            } catch (e) {
              error = e;
            }
            expect(error).toBeInstanceOf(type);
            if (problems) {
              const reported = (error as { errors?: { path: string; message: string }[] }).errors ?? [];
              expect(reported.map((p) => ({ path: p.path, ...(problems.find((x) => x.path === p.path)?.message ? { message: p.message } : {}) }))).toEqual(problems);
            }
          },
        };
      },
    };
  };
}
