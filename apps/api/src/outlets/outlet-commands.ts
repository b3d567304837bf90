import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  decideOutlet,
  enterpriseStreamId,
  evolveEnterprise,
  evolveOutlet,
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
import { assertServiceAccess, type RequestContext } from '../common/auth.js';
import { loadStream } from '../common/load-stream.js';
import { StreamCommandExecutor, type WriteResult } from '../common/stream-command.executor.js';
import type { CloseOutletRequestDto, OpenOutletRequestDto } from './outlet.requests.dto.js';

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
    assertServiceAccess(context.principal, String(body.uscc), String(body.communityCode), 'open outlets');
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
        if (state.status !== 'none') assertServiceAccess(context.principal, state.uscc, state.communityCode, 'close outlets');
      },
      decide: (state, ctx) => decideOutlet({ type: 'CloseOutlet', data: { outletId, ...body }, context: ctx }, state),
      statusFor: () => 201,
      request: ['POST', `/v1/outlets/${outletId}/closure`, body],
    });
  }
}
