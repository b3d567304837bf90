import { Body, Controller, Get, Param, Post, Query, Res, UseInterceptors } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { parseAsOf } from '../common/as-of.js';
import { Context, Roles, type RequestContext } from '../common/auth.js';
import { assertIdentifierParam } from '../common/path-params.js';
import type { WriteResult } from '../common/stream-command.executor.js';
import { ReturnRentalCommand, StartRentalCommand } from './rental-commands.js';
import { GetDeviceHistoryQuery, GetRentalQuery, type DeviceHistoryView, type RentalView } from './rental-queries.js';
import { ReturnRentalRequestDto, StartRentalRequestDto } from './rental.requests.dto.js';
import { ETagInterceptor } from '../common/etag.interceptor.js';

@ApiTags('rentals')
@ApiBearerAuth()
@Controller('v1')
export class RentalsController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
  ) {}

  @Post('rentals')
  @Roles('enterprise', 'bureau')
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiOperation({ summary: 'Start a device rental at an open outlet of the filing enterprise' })
  async start(@Context() context: RequestContext, @Body() body: StartRentalRequestDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<WriteResult['body']> {
    const result = await this.commandBus.execute(new StartRentalCommand(context, body));
    reply.status(result.status);
    return result.body;
  }

  @Post('rentals/:rentalId/return')
  @Roles('enterprise', 'bureau')
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiOperation({ summary: 'Record the return and disinfection of a rented device' })
  async giveBack(
    @Context() context: RequestContext,
    @Param('rentalId') rentalId: string,
    @Body() body: ReturnRentalRequestDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<WriteResult['body']> {
    assertIdentifierParam('rentalId', rentalId);
    const result = await this.commandBus.execute(new ReturnRentalCommand(context, rentalId, body));
    reply.status(result.status);
    return result.body;
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
