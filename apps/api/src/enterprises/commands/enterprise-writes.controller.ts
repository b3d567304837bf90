import { Body, Controller, Param, Patch, Post, Put, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Context, Roles, type RequestContext } from '../../common/auth.js';
import type { WriteResult } from '../../common/stream-command.executor.js';
import { assertUsccParam } from '../enterprise-stream.js';
import { AmendEnterpriseDetailsCommand } from './amend-enterprise-details/amend-enterprise-details.command.js';
import { AmendEnterpriseDetailsRequestDto } from './amend-enterprise-details/amend-enterprise-details.request.dto.js';
import { DeregisterEnterpriseCommand } from './deregister-enterprise/deregister-enterprise.command.js';
import { DeregisterEnterpriseRequestDto } from './deregister-enterprise/deregister-enterprise.request.dto.js';
import { FileMonthlyReportCommand } from './file-monthly-report/file-monthly-report.command.js';
import { FileMonthlyReportRequestDto } from './file-monthly-report/file-monthly-report.request.dto.js';
import { RelocateEnterpriseCommand } from './relocate-enterprise/relocate-enterprise.command.js';
import { RelocateEnterpriseRequestDto } from './relocate-enterprise/relocate-enterprise.request.dto.js';

@ApiTags('enterprises')
@ApiBearerAuth()
@ApiHeader({ name: 'Idempotency-Key', required: false, description: 'a retry with the same key and body appends nothing' })
@ApiHeader({ name: 'If-Match', required: false, description: 'the stream revision the write expects, e.g. "3"' })
@Controller('v1/enterprises/:uscc')
export class EnterpriseWritesController {
  constructor(private readonly commandBus: CommandBus) {}

  @Put('reports/:period')
  @Roles('enterprise', 'bureau')
  @ApiOperation({ summary: 'File or correct a monthly report (the enterprise itself; its bureau)' })
  async fileReport(
    @Context() context: RequestContext,
    @Param('uscc') uscc: string,
    @Param('period') period: string,
    @Body() body: FileMonthlyReportRequestDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<WriteResult['body']> {
    assertUsccParam(uscc);
    return this.send(reply, await this.commandBus.execute(new FileMonthlyReportCommand(context, uscc, period, body)));
  }

  @Patch()
  @Roles('admin', 'bureau')
  @ApiOperation({ summary: 'Amend the register details (name, segment, industry class, product classes); fields left out stay as they are' })
  async amend(
    @Context() context: RequestContext,
    @Param('uscc') uscc: string,
    @Body() body: AmendEnterpriseDetailsRequestDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<WriteResult['body']> {
    assertUsccParam(uscc);
    return this.send(reply, await this.commandBus.execute(new AmendEnterpriseDetailsCommand(context, uscc, body)));
  }

  @Post('relocations')
  @Roles('admin', 'bureau')
  @ApiOperation({ summary: 'Relocate an enterprise from a month on' })
  async relocate(
    @Context() context: RequestContext,
    @Param('uscc') uscc: string,
    @Body() body: RelocateEnterpriseRequestDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<WriteResult['body']> {
    assertUsccParam(uscc);
    return this.send(reply, await this.commandBus.execute(new RelocateEnterpriseCommand(context, uscc, body)));
  }

  @Post('deregistrations')
  @Roles('admin', 'bureau')
  @ApiOperation({ summary: 'Deregister an enterprise from a month on' })
  async deregister(
    @Context() context: RequestContext,
    @Param('uscc') uscc: string,
    @Body() body: DeregisterEnterpriseRequestDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<WriteResult['body']> {
    assertUsccParam(uscc);
    return this.send(reply, await this.commandBus.execute(new DeregisterEnterpriseCommand(context, uscc, body)));
  }

  private send(reply: FastifyReply, result: WriteResult): WriteResult['body'] {
    reply.status(result.status);
    return result.body;
  }
}
