import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { assertEnterpriseAccess, assertRegionAccess, type RequestContext } from '../../../common/auth.js';
import { StreamCommandExecutor, type WriteResult } from '../../../common/stream-command.executor.js';
import { enterpriseCommand } from '../../enterprise-stream.js';
import type { RelocateEnterpriseRequestDto } from './relocate-enterprise.request.dto.js';

export class RelocateEnterpriseCommand extends Command<WriteResult> {
  constructor(
    readonly context: RequestContext,
    readonly uscc: string,
    readonly body: RelocateEnterpriseRequestDto,
  ) {
    super();
  }
}

@CommandHandler(RelocateEnterpriseCommand)
export class RelocateEnterpriseHandler implements ICommandHandler<RelocateEnterpriseCommand> {
  constructor(private readonly executor: StreamCommandExecutor) {}

  execute({ context, uscc, body }: RelocateEnterpriseCommand): Promise<WriteResult> {
    return this.executor.execute(
      context,
      enterpriseCommand('RelocateEnterprise', { uscc, ...body }, {
        request: ['POST', `/v1/enterprises/${uscc}/relocations`, body],
        authorize: (state) => {
          assertEnterpriseAccess(context.principal, uscc, state.regionCode, 'relocate');
          // A bureau moves an enterprise only within its own region.
          if (context.principal.role === 'bureau') assertRegionAccess(context.principal, body.regionCode, 'move enterprises to');
        },
      }),
    );
  }
}
