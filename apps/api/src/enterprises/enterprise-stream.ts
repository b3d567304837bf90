import {
  decideEnterprise,
  enterpriseStreamId,
  evolveEnterprise,
  foldEnterprise,
  initialEnterpriseState,
  usccProblem,
  ValidationFailedError,
  type CommandContext,
  type EnterpriseCommand,
  type EnterpriseEvent,
  type EnterpriseState,
} from '../../../../libs/domain/src/index.js';
import type { StreamCommand } from '../common/stream-command.executor.js';

type CommandOf<T extends EnterpriseCommand['type']> = Extract<EnterpriseCommand, { type: T }>;

/** An enterprise command for the executor: the decider bound to one `enterprise-{uscc}` stream. */
export function enterpriseCommand<T extends EnterpriseCommand['type']>(
  type: T,
  data: CommandOf<T>['data'],
  options: {
    request: unknown;
    authorize?: (state: EnterpriseState) => void;
    statusFor?: (events: EnterpriseEvent[]) => number;
    versionOf?: (state: EnterpriseState, streamRevision: number) => number;
  },
): StreamCommand<EnterpriseState, EnterpriseEvent> {
  return {
    streamId: enterpriseStreamId(data.uscc),
    initial: initialEnterpriseState,
    evolve: evolveEnterprise,
    fold: foldEnterprise,
    decide: (state, context: CommandContext) => decideEnterprise({ type, data, context } as EnterpriseCommand, state),
    authorize: options.authorize,
    statusFor: options.statusFor ?? (() => 201),
    request: options.request,
    versionOf: options.versionOf,
  };
}

/** A USCC from a URL path: malformed ones are a 400 naming the parameter. */
export function assertUsccParam(uscc: string): void {
  const problem = usccProblem(uscc);
  if (problem) throw ValidationFailedError.field('uscc', problem);
}
