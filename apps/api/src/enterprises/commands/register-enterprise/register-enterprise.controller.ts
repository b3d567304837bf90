import { Body, Controller, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Context, Roles, type RequestContext } from '../../../common/auth.js';
import type { WriteResult } from '../../../common/stream-command.executor.js';
import { RegisterEnterpriseCommand } from './register-enterprise.command.js';
import { RegisterEnterpriseRequestDto } from './register-enterprise.request.dto.js';

@ApiTags('enterprises')
@ApiBearerAuth()
@Controller('v1/enterprises')
export class RegisterEnterpriseController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post()
  @Roles('admin', 'bureau')
  @ApiOperation({ summary: 'Register an enterprise (admin; bureau within its region)' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  async register(@Context() context: RequestContext, @Body() body: RegisterEnterpriseRequestDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<WriteResult['body']> {
    const result = await this.commandBus.execute(new RegisterEnterpriseCommand(context, body));
    reply.status(result.status);
    return result.body;
  }
}
