import { Body, Controller, Get, Param, Patch, Post, Put, Query, Res, UseInterceptors } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  AmendEnterpriseDetails,
  AmendEnterpriseDetailsInput,
  DeregisterEnterprise,
  DeregisterEnterpriseInput,
  FileMonthlyReport,
  FileMonthlyReportInput,
  RegisterEnterprise,
  RegisterEnterpriseInput,
  RelocateEnterprise,
  RelocateEnterpriseInput,
  type CommandMeta,
} from '../../../../libs/application/src/index.js';
import { isMonth, parseAsOf, PERIOD_RANGE_TEXT, usccProblem, ValidationFailedError } from '../../../../libs/domain/src/index.js';
import { answer, Context, Meta, Roles, type RequestContext } from '../http/auth.js';
import { ETagInterceptor } from '../http/etag.interceptor.js';
import { GetEnterpriseQuery, GetMonthlyReportQuery, type EnterpriseView, type MonthlyReportView } from './enterprise.queries.js';

type Written = ReturnType<typeof answer>;

/** A USCC from a URL path: malformed ones are a 400 naming the parameter. */
function usccParam(uscc: string): string {
  const problem = usccProblem(uscc);
  if (problem) throw ValidationFailedError.field('uscc', problem);
  return uscc;
}

@ApiTags('enterprises')
@ApiBearerAuth()
@ApiHeader({ name: 'Idempotency-Key', required: false, description: 'a retry with the same key and body appends nothing' })
@Controller('v1/enterprises')
export class EnterprisesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @Roles('admin', 'bureau')
  @ApiOperation({ summary: 'Register an enterprise (admin; bureau within its region)' })
  async register(@Meta() meta: CommandMeta, @Body() input: RegisterEnterpriseInput, @Res({ passthrough: true }) reply: FastifyReply): Promise<Written> {
    return answer(reply, await this.commands.execute(new RegisterEnterprise(meta, input)));
  }

  @Put(':uscc/reports/:period')
  @Roles('enterprise', 'bureau')
  @ApiOperation({ summary: 'File or correct a monthly report (the enterprise itself; its bureau)' })
  @ApiHeader({ name: 'If-Match', required: false, description: 'the report revision the write expects, e.g. "3"' })
  async fileReport(
    @Meta() meta: CommandMeta,
    @Param('uscc') uscc: string,
    @Param('period') period: string,
    @Body() input: FileMonthlyReportInput,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Written> {
    return answer(reply, await this.commands.execute(new FileMonthlyReport(meta, usccParam(uscc), period, input)));
  }

  @Patch(':uscc')
  @Roles('admin', 'bureau')
  @ApiOperation({ summary: 'Amend the register details (name, segment, industry class, product classes); fields left out stay as they are' })
  @ApiHeader({ name: 'If-Match', required: false, description: 'the stream revision the write expects, e.g. "3"' })
  async amend(@Meta() meta: CommandMeta, @Param('uscc') uscc: string, @Body() input: AmendEnterpriseDetailsInput, @Res({ passthrough: true }) reply: FastifyReply): Promise<Written> {
    return answer(reply, await this.commands.execute(new AmendEnterpriseDetails(meta, usccParam(uscc), input)));
  }

  @Post(':uscc/relocations')
  @Roles('admin', 'bureau')
  @ApiOperation({ summary: 'Relocate an enterprise from a month on' })
  @ApiHeader({ name: 'If-Match', required: false, description: 'the stream revision the write expects, e.g. "3"' })
  async relocate(@Meta() meta: CommandMeta, @Param('uscc') uscc: string, @Body() input: RelocateEnterpriseInput, @Res({ passthrough: true }) reply: FastifyReply): Promise<Written> {
    return answer(reply, await this.commands.execute(new RelocateEnterprise(meta, usccParam(uscc), input)));
  }

  @Post(':uscc/deregistrations')
  @Roles('admin', 'bureau')
  @ApiOperation({ summary: 'Deregister an enterprise from a month on' })
  @ApiHeader({ name: 'If-Match', required: false, description: 'the stream revision the write expects, e.g. "3"' })
  async deregister(@Meta() meta: CommandMeta, @Param('uscc') uscc: string, @Body() input: DeregisterEnterpriseInput, @Res({ passthrough: true }) reply: FastifyReply): Promise<Written> {
    return answer(reply, await this.commands.execute(new DeregisterEnterprise(meta, usccParam(uscc), input)));
  }

  @Get(':uscc')
  @UseInterceptors(ETagInterceptor)
  @ApiOperation({ summary: 'An enterprise as it is now, or as it was known at asOf' })
  @ApiQuery({ name: 'asOf', required: false })
  get(@Context() context: RequestContext, @Param('uscc') uscc: string, @Query('asOf') asOf?: string): Promise<EnterpriseView> {
    return this.queries.execute(new GetEnterpriseQuery(context, usccParam(uscc), parseAsOf(asOf)));
  }

  @Get(':uscc/reports/:period')
  @UseInterceptors(ETagInterceptor)
  @ApiOperation({ summary: 'A monthly report with its full revision history' })
  @ApiQuery({ name: 'asOf', required: false })
  report(@Context() context: RequestContext, @Param('uscc') uscc: string, @Param('period') period: string, @Query('asOf') asOf?: string): Promise<MonthlyReportView> {
    usccParam(uscc);
    if (!isMonth(period)) throw ValidationFailedError.field('period', `must be a month YYYY-MM ${PERIOD_RANGE_TEXT}`);
    return this.queries.execute(new GetMonthlyReportQuery(context, uscc, period, parseAsOf(asOf)));
  }
}
