import { Body, Controller, Get, Param, Post, Query, Res, UseInterceptors } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { parseAsOf } from '../../../../libs/domain/src/index.js';
import { CloseOutlet, CloseOutletInput, OpenOutlet, OpenOutletInput, type CommandMeta } from '../../../../libs/application/src/index.js';
import { answer, Context, Meta, Roles, type RequestContext } from '../http/auth.js';
import { ETagInterceptor } from '../http/etag.interceptor.js';
import { assertIdentifierParam } from '../http/path-params.js';
import { GetOutletQuery, type OutletView } from './outlet.queries.js';

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
  async open(@Meta() meta: CommandMeta, @Body() input: OpenOutletInput, @Res({ passthrough: true }) reply: FastifyReply): Promise<ReturnType<typeof answer>> {
    return answer(reply, await this.commandBus.execute(new OpenOutlet(meta, input)));
  }

  @Post(':outletId/closure')
  @Roles('enterprise', 'bureau')
  @ApiOperation({ summary: 'Close an outlet' })
  async close(
    @Meta() meta: CommandMeta,
    @Param('outletId') outletId: string,
    @Body() input: CloseOutletInput,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ReturnType<typeof answer>> {
    assertIdentifierParam('outletId', outletId);
    return answer(reply, await this.commandBus.execute(new CloseOutlet(meta, outletId, input)));
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
