import { Body, Controller, Get, Param, Post, Query, Res, UseInterceptors } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { parseAsOf } from '../common/as-of.js';
import { Context, Roles, type RequestContext } from '../common/auth.js';
import { assertIdentifierParam } from '../common/path-params.js';
import type { WriteResult } from '../common/stream-command.executor.js';
import { CloseOutletCommand, OpenOutletCommand } from './outlet-commands.js';
import { GetOutletQuery, type OutletView } from './outlet-queries.js';
import { CloseOutletRequestDto, OpenOutletRequestDto } from './outlet.requests.dto.js';
import { ETagInterceptor } from '../common/etag.interceptor.js';

@ApiTags('outlets')
@ApiBearerAuth()
@ApiHeader({ name: 'Idempotency-Key', required: false })
@Controller('v1/outlets')
export class OutletsController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
  ) {}

  @Post()
  @Roles('enterprise', 'bureau')
  @ApiOperation({ summary: 'Open a service outlet in a community (the owning enterprise; the bureau of its region)' })
  async open(@Context() context: RequestContext, @Body() body: OpenOutletRequestDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<WriteResult['body']> {
    const result = await this.commandBus.execute(new OpenOutletCommand(context, body));
    reply.status(result.status);
    return result.body;
  }

  @Post(':outletId/closure')
  @Roles('enterprise', 'bureau')
  @ApiOperation({ summary: 'Close an outlet' })
  async close(
    @Context() context: RequestContext,
    @Param('outletId') outletId: string,
    @Body() body: CloseOutletRequestDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<WriteResult['body']> {
    assertIdentifierParam('outletId', outletId);
    const result = await this.commandBus.execute(new CloseOutletCommand(context, outletId, body));
    reply.status(result.status);
    return result.body;
  }

  @Get(':outletId')
  @UseInterceptors(ETagInterceptor)
  @ApiOperation({ summary: 'An outlet as it is now, or as known at asOf' })
  @ApiQuery({ name: 'asOf', required: false })
  get(@Context() context: RequestContext, @Param('outletId') outletId: string, @Query('asOf') asOf?: string): Promise<OutletView> {
    assertIdentifierParam('outletId', outletId);
    return this.queryBus.execute(new GetOutletQuery(context, outletId, parseAsOf(asOf)));
  }
}
