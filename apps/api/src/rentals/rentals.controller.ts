import { Body, Controller, Get, Param, Post, Query, Res, UseInterceptors } from '@nestjs/common';
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
  ) {}

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
