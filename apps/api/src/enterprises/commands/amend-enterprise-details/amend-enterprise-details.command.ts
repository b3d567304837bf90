import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ForbiddenError } from '../../../../../../libs/domain/src/index.js';
import { assertEnterpriseAccess, type RequestContext } from '../../../common/auth.js';
import { StreamCommandExecutor, type WriteResult } from '../../../common/stream-command.executor.js';
import { enterpriseCommand } from '../../enterprise-stream.js';
import type { AmendEnterpriseDetailsRequestDto } from './amend-enterprise-details.request.dto.js';

export class AmendEnterpriseDetailsCommand extends Command<WriteResult> {
  constructor(
    readonly context: RequestContext,
    readonly uscc: string,
    readonly body: AmendEnterpriseDetailsRequestDto,
  ) {
    super();
  }
}

/** Admins and the bureau of the enterprise's region correct the register (EnterpriseDetailsAmended). */
@CommandHandler(AmendEnterpriseDetailsCommand)
export class AmendEnterpriseDetailsHandler implements ICommandHandler<AmendEnterpriseDetailsCommand> {
  constructor(private readonly executor: StreamCommandExecutor) {}

  execute({ context, uscc, body }: AmendEnterpriseDetailsCommand): Promise<WriteResult> {
    return this.executor.execute(
      context,
      enterpriseCommand('AmendEnterpriseDetails', { uscc, ...body }, {
        request: ['PATCH', `/v1/enterprises/${uscc}`, body],
        authorize: (state) => {
          if (context.principal.role === 'enterprise') throw new ForbiddenError('an enterprise asks its bureau to amend its register details');
          assertEnterpriseAccess(context.principal, uscc, state.regionCode, 'amend the details of');
        },
        statusFor: () => 200,
      }),
    );
  }
}
