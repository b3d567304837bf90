import { CommandHandler, Command, type ICommandHandler } from '@nestjs/cqrs';
import { assertRegionAccess, type RequestContext } from '../../../common/auth.js';
import { StreamCommandExecutor, type WriteResult } from '../../../common/stream-command.executor.js';
import { enterpriseCommand } from '../../enterprise-stream.js';
import type { RegisterEnterpriseRequestDto } from './register-enterprise.request.dto.js';

export class RegisterEnterpriseCommand extends Command<WriteResult> {
  constructor(
    readonly context: RequestContext,
    readonly body: RegisterEnterpriseRequestDto,
  ) {
    super();
  }
}

@CommandHandler(RegisterEnterpriseCommand)
export class RegisterEnterpriseHandler implements ICommandHandler<RegisterEnterpriseCommand> {
  constructor(private readonly executor: StreamCommandExecutor) {}

  execute({ context, body }: RegisterEnterpriseCommand): Promise<WriteResult> {
    assertRegionAccess(context.principal, String(body.regionCode), 'register enterprises in');
    return this.executor.execute(
      context,
      enterpriseCommand('RegisterEnterprise', { ...body, industryCode: body.industryCode ?? null }, { request: ['POST', '/v1/enterprises', body] }),
    );
  }
}
