import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { assertEnterpriseAccess, type RequestContext } from '../../../common/auth.js';
import { StreamCommandExecutor, type WriteResult } from '../../../common/stream-command.executor.js';
import { enterpriseCommand } from '../../enterprise-stream.js';
import type { DeregisterEnterpriseRequestDto } from './deregister-enterprise.request.dto.js';

export class DeregisterEnterpriseCommand extends Command<WriteResult> {
  constructor(
    readonly context: RequestContext,
    readonly uscc: string,
    readonly body: DeregisterEnterpriseRequestDto,
  ) {
    super();
  }
}

@CommandHandler(DeregisterEnterpriseCommand)
export class DeregisterEnterpriseHandler implements ICommandHandler<DeregisterEnterpriseCommand> {
  constructor(private readonly executor: StreamCommandExecutor) {}

  execute({ context, uscc, body }: DeregisterEnterpriseCommand): Promise<WriteResult> {
    return this.executor.execute(
      context,
      enterpriseCommand('DeregisterEnterprise', { uscc, ...body }, {
        request: ['POST', `/v1/enterprises/${uscc}/deregistrations`, body],
        authorize: (state) => assertEnterpriseAccess(context.principal, uscc, state.regionCode, 'deregister'),
      }),
    );
  }
}
