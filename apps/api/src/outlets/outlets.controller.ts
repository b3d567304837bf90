import { Body, Controller, Get, Inject, Param, Post, Query, Res, UseInterceptors } from '@nestjs/common';
import type { ClickHouseClient } from '@clickhouse/client';
import { ANALYTICS_CONFIG, CLICKHOUSE_CLIENT, ProjectionProgress, queryOutletList, type AnalyticsConfig, type OutletEntry } from '../../../../libs/analytics/src/index.js';
import { OUTLET_KINDS } from '../../../../libs/reference/src/index.js';
import { ApiPaging, choice, listScope, pageView, parsePaging, singleValued, type PageView } from '../http/paging.js';
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
    @Inject(CLICKHOUSE_CLIENT) private readonly client: ClickHouseClient,
    @Inject(ANALYTICS_CONFIG) private readonly config: AnalyticsConfig,
    private readonly progress: ProjectionProgress,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Outlets by id, filtered by region, kind, enterprise and status (an enterprise lists its own; a bureau its region)' })
  @ApiQuery({ name: 'region', required: false })
  @ApiQuery({ name: 'kind', required: false })
  @ApiQuery({ name: 'uscc', required: false })
  @ApiQuery({ name: 'status', required: false, enum: ['open', 'closed'] })
  @ApiPaging()
  async list(
    @Context() context: RequestContext,
    @Query() raw: { region?: string; kind?: string; uscc?: string; status?: string; page?: string; pageSize?: string; position?: string; asOf?: string },
  ): Promise<PageView<OutletEntry>> {
    singleValued(raw);
    const kind = choice('kind', raw.kind, OUTLET_KINDS);
    const status = choice('status', raw.status, ['open', 'closed'] as const);
    const { region, uscc } = listScope(context.principal, raw, 'outlets');
    const paging = parsePaging(raw, this.progress.position);
    const { items, total } = await queryOutletList(this.client, this.config.database, { region, kind, uscc, status, ...paging });
    return pageView(items, total, paging, '/v1/outlets', { region, kind, uscc: raw.uscc, status });
  }

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
