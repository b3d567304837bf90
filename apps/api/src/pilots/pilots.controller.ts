import { Body, Controller, Get, Param, Post, Query, Res, UseInterceptors } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DesignatePilot, DesignatePilotInput, ReportInvestmentInput, ReportPilotInvestment, type CommandMeta } from '../../../../libs/application/src/index.js';
import { parseAsOf, ValidationFailedError } from '../../../../libs/domain/src/index.js';
import { answer, Context, Meta, Roles, type RequestContext } from '../http/auth.js';
import { ETagInterceptor } from '../http/etag.interceptor.js';
import { GetPilotQuery, ListPilotsQuery, PilotProgressQuery, type PilotDetailView, type PilotView, type ProgressItem } from './pilot.queries.js';

function regionParam(code: string): string {
  if (!/^(\d{4}|\d{6})$/.test(code)) throw ValidationFailedError.field('regionCode', 'must be a 4- or 6-digit region code');
  return code;
}

function intParam(name: string, value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^\d{1,4}$/.test(value)) throw ValidationFailedError.field(name, 'must be a whole number');
  return Number(value);
}

@ApiTags('pilots')
@ApiBearerAuth()
@Controller('v1/pilots')
export class PilotsController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
  ) {}

  @Post()
  @Roles('admin')
  @ApiOperation({ summary: 'Designate a pilot region with its committed targets (restating targets amends them)' })
  async designate(@Meta() meta: CommandMeta, @Body() input: DesignatePilotInput, @Res({ passthrough: true }) reply: FastifyReply): Promise<ReturnType<typeof answer>> {
    return answer(reply, await this.commandBus.execute(new DesignatePilot(meta, input)));
  }

  @Post(':regionCode/investments')
  @Roles('admin')
  @ApiOperation({ summary: 'Report the government money a pilot put in for a year' })
  async invest(
    @Meta() meta: CommandMeta,
    @Param('regionCode') regionCode: string,
    @Body() input: ReportInvestmentInput,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ReturnType<typeof answer>> {
    return answer(reply, await this.commandBus.execute(new ReportPilotInvestment(meta, regionParam(regionCode), input)));
  }

  @Get()
  @Roles('bureau', 'regulator', 'admin')
  @ApiOperation({ summary: 'Every pilot region with targets and reported investments' })
  @ApiQuery({ name: 'batch', required: false })
  @ApiQuery({ name: 'asOf', required: false })
  list(@Query('batch') batch?: string, @Query('asOf') asOf?: string): Promise<PilotView[]> {
    const b = intParam('batch', batch);
    if (b !== undefined && b !== 1 && b !== 2) throw ValidationFailedError.field('batch', 'must be 1 or 2');
    return this.queryBus.execute(new ListPilotsQuery(b, parseAsOf(asOf)));
  }

  @Get(':regionCode')
  @UseInterceptors(ETagInterceptor)
  @Roles('bureau', 'regulator', 'admin')
  @ApiOperation({ summary: 'A pilot with its targets, investments and the history of every commitment and restatement (with reasons)' })
  @ApiQuery({ name: 'asOf', required: false })
  get(@Param('regionCode') regionCode: string, @Query('asOf') asOf?: string): Promise<PilotDetailView> {
    return this.queryBus.execute(new GetPilotQuery(regionParam(regionCode), parseAsOf(asOf)));
  }

  @Get(':regionCode/progress')
  @Roles('bureau', 'regulator', 'admin')
  @ApiOperation({ summary: 'Targets against actuals with achievement and status (achieved, on_track, at_risk, behind, no_data)' })
  @ApiQuery({ name: 'year', required: false, description: 'evaluation year (default: this year, within the pilot years)' })
  @ApiQuery({ name: 'asOf', required: false })
  progress(@Context() context: RequestContext, @Param('regionCode') regionCode: string, @Query('year') year?: string, @Query('asOf') asOf?: string): Promise<ProgressItem[]> {
    return this.queryBus.execute(new PilotProgressQuery(context, regionParam(regionCode), intParam('year', year), parseAsOf(asOf)));
  }
}
