import { Body, Controller, Get, Inject, Param, Post, Query, Res, UseInterceptors } from '@nestjs/common';
import type { ClickHouseClient } from '@clickhouse/client';
import { ANALYTICS_CONFIG, CLICKHOUSE_CLIENT, ProjectionProgress, queryRentalList, type AnalyticsConfig, type RentalEntry } from '../../../../libs/analytics/src/index.js';
import { BENEFICIARIES, normaliseProductClass } from '../../../../libs/reference/src/index.js';
import { ValidationFailedError } from '../../../../libs/domain/src/index.js';
import { ApiPaging, choice, listScope, pageView, parsePaging, singleValued, type PageView } from '../http/paging.js';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { parseAsOf } from '../../../../libs/domain/src/index.js';
import { ReturnRental, ReturnRentalInput, StartRental, StartRentalInput, type CommandMeta } from '../../../../libs/application/src/index.js';
import { answer, Context, Meta, Roles, type RequestContext } from '../http/auth.js';
import { ETagInterceptor } from '../http/etag.interceptor.js';
import { assertIdentifierParam } from '../http/path-params.js';
import { GetDeviceHistoryQuery, GetRentalQuery, type DeviceHistoryView, type RentalView } from './rental.queries.js';

@ApiTags('rentals')
@ApiBearerAuth()
@Controller('v1')
export class RentalsController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
    @Inject(CLICKHOUSE_CLIENT) private readonly client: ClickHouseClient,
    @Inject(ANALYTICS_CONFIG) private readonly config: AnalyticsConfig,
    private readonly progress: ProjectionProgress,
  ) {}

  @Get('rentals')
  @ApiOperation({ summary: 'Rentals by id, filtered by region, outlet, enterprise, ISO 9999 class, beneficiary and status (an enterprise lists its own; a bureau its region)' })
  @ApiQuery({ name: 'region', required: false })
  @ApiQuery({ name: 'outletId', required: false })
  @ApiQuery({ name: 'uscc', required: false })
  @ApiQuery({ name: 'productClass', required: false, description: 'a class or subclass: "12" lists every "12 xx"' })
  @ApiQuery({ name: 'beneficiary', required: false })
  @ApiQuery({ name: 'status', required: false, enum: ['active', 'ended'] })
  @ApiPaging()
  async list(
    @Context() context: RequestContext,
    @Query()
    raw: { region?: string; outletId?: string; uscc?: string; productClass?: string; beneficiary?: string; status?: string; page?: string; pageSize?: string; position?: string; asOf?: string },
  ): Promise<PageView<RentalEntry>> {
    singleValued(raw);
    const beneficiary = choice('beneficiary', raw.beneficiary, BENEFICIARIES);
    const status = choice('status', raw.status, ['active', 'ended'] as const);
    const productClass = raw.productClass ? normaliseProductClass(raw.productClass) : '';
    if (productClass === undefined) throw ValidationFailedError.field('productClass', 'must be an ISO 9999 class or subclass such as "12" or "12 22"');
    if (raw.outletId !== undefined) assertIdentifierParam('outletId', raw.outletId);
    const { region, uscc } = listScope(context.principal, raw, 'rentals');
    const paging = parsePaging(raw, this.progress.position);
    const { items, total } = await queryRentalList(this.client, this.config.database, { region, outletId: raw.outletId ?? '', uscc, productClass, beneficiary, status, ...paging });
    return pageView(items, total, paging, '/v1/rentals', { region, outletId: raw.outletId, uscc: raw.uscc, productClass, beneficiary, status });
  }

  @Post('rentals')
  @Roles('enterprise', 'bureau')
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiOperation({ summary: 'Start a device rental at an open outlet of the filing enterprise' })
  async start(@Meta() meta: CommandMeta, @Body() input: StartRentalInput, @Res({ passthrough: true }) reply: FastifyReply): Promise<ReturnType<typeof answer>> {
    return answer(reply, await this.commandBus.execute(new StartRental(meta, input)));
  }

  @Post('rentals/:rentalId/return')
  @Roles('enterprise', 'bureau')
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiOperation({ summary: 'Record the return and disinfection of a rented device' })
  async giveBack(
    @Meta() meta: CommandMeta,
    @Param('rentalId') rentalId: string,
    @Body() input: ReturnRentalInput,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ReturnType<typeof answer>> {
    assertIdentifierParam('rentalId', rentalId);
    return answer(reply, await this.commandBus.execute(new ReturnRental(meta, rentalId, input)));
  }

  @Get('rentals/:rentalId')
  @UseInterceptors(ETagInterceptor)
  @ApiOperation({ summary: 'A rental as it is now, or as known at asOf' })
  @ApiQuery({ name: 'asOf', required: false })
  get(@Context() context: RequestContext, @Param('rentalId') rentalId: string, @Query('asOf') asOf?: string): Promise<RentalView> {
    assertIdentifierParam('rentalId', rentalId);
    return this.queryBus.execute(new GetRentalQuery(context, rentalId, parseAsOf(asOf)));
  }

  @Get('devices/:traceCode/history')
  @ApiOperation({ summary: 'Every rental, return and disinfection of a device, in order (产品追溯)' })
  @ApiQuery({ name: 'asOf', required: false })
  history(@Context() context: RequestContext, @Param('traceCode') traceCode: string, @Query('asOf') asOf?: string): Promise<DeviceHistoryView> {
    assertIdentifierParam('traceCode', traceCode, 128);
    return this.queryBus.execute(new GetDeviceHistoryQuery(context, traceCode, parseAsOf(asOf)));
  }
}
