import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  decideOutlet,
  enterpriseStreamId,
  evolveEnterprise,
  evolveOutlet,
  ForbiddenError,
  initialEnterpriseState,
  initialOutletState,
  outletStreamId,
  type EnterpriseEvent,
  type EnterpriseState,
  type OutletCommand,
  type OutletEvent,
  type OutletState,
} from '../../../../libs/domain/src/index.js';
import { EVENT_STORE, type EventStore } from '../../../../libs/event-store/src/index.js';
import type { Principal } from '../../../../libs/platform/src/index.js';
import type { RequestContext } from '../common/auth.js';
import { loadStream } from '../common/load-stream.js';
import { StreamCommandExecutor, type WriteResult } from '../common/stream-command.executor.js';
import type { CloseOutletRequestDto, OpenOutletRequestDto } from './outlet.requests.dto.js';

/**
 * Outlets are opened and closed by the owning enterprise, or by the bureau of the region the
 * outlet's community lies in.
 */
export function assertOutletAccess(principal: Principal, ownerUscc: string, communityCode: string, action: string): void {
  // Admin only reaches this through the CLI import (the HTTP routes admit enterprise and bureau).
  if (principal.role === 'admin') return;
  if (principal.role === 'enterprise' && principal.uscc === ownerUscc) return;
  if (principal.role === 'bureau' && principal.region && communityCode.startsWith(principal.region)) return;
  throw new ForbiddenError(`the ${principal.role} token may not ${action} outlets of enterprise ${ownerUscc} in community ${communityCode}`);
}

export class OpenOutletCommand extends Command<WriteResult> {
  constructor(
    readonly context: RequestContext,
    readonly body: OpenOutletRequestDto,
  ) {
    super();
  }
}

@CommandHandler(OpenOutletCommand)
export class OpenOutletHandler implements ICommandHandler<OpenOutletCommand> {
  constructor(
    private readonly executor: StreamCommandExecutor,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  execute({ context, body }: OpenOutletCommand): Promise<WriteResult> {
    assertOutletAccess(context.principal, String(body.uscc), String(body.communityCode), 'open');
    return this.executor.execute<OutletState, OutletEvent, EnterpriseState>(context, {
      streamId: outletStreamId(body.outletId),
      initial: initialOutletState,
      evolve: evolveOutlet,
      loadFacts: async () =>
        (await loadStream<EnterpriseState, EnterpriseEvent>(this.store, enterpriseStreamId(body.uscc), initialEnterpriseState, evolveEnterprise)).state,
      decide: (state, ctx, owner) =>
        decideOutlet(
          {
            type: 'OpenOutlet',
            data: {
              ...body,
              owner: { registered: owner.status !== 'unregistered', registeredOn: owner.registeredOn || null, deregisteredFrom: owner.deregisteredFrom },
            },
            context: ctx,
          } satisfies OutletCommand,
          state,
        ),
      statusFor: () => 201,
      request: ['POST', '/v1/outlets', body],
    });
  }
}

export class CloseOutletCommand extends Command<WriteResult> {
  constructor(
    readonly context: RequestContext,
    readonly outletId: string,
    readonly body: CloseOutletRequestDto,
  ) {
    super();
  }
}

@CommandHandler(CloseOutletCommand)
export class CloseOutletHandler implements ICommandHandler<CloseOutletCommand> {
  constructor(private readonly executor: StreamCommandExecutor) {}

  execute({ context, outletId, body }: CloseOutletCommand): Promise<WriteResult> {
    return this.executor.execute<OutletState, OutletEvent>(context, {
      streamId: outletStreamId(outletId),
      initial: initialOutletState,
      evolve: evolveOutlet,
      authorize: (state) => {
        if (state.status !== 'none') assertOutletAccess(context.principal, state.uscc, state.communityCode, 'close');
      },
      decide: (state, ctx) => decideOutlet({ type: 'CloseOutlet', data: { outletId, ...body }, context: ctx }, state),
      statusFor: () => 201,
      request: ['POST', `/v1/outlets/${outletId}/closure`, body],
    });
  }
}
