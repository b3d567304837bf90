import { Body, Controller, Get, Inject, Param, Patch, Post, Put, Query, Res, UseInterceptors } from '@nestjs/common';
import type { ClickHouseClient } from '@clickhouse/client';
import { ANALYTICS_CONFIG, CLICKHOUSE_CLIENT, ProjectionProgress, queryDirectory, type AnalyticsConfig, type DirectoryEntry } from '../../../../libs/analytics/src/index.js';
import { findRegion, SEGMENTS } from '../../../../libs/reference/src/index.js';
import { ApiPaging, choice, listScope, pageView, parsePaging, singleValued, type PageView } from '../http/paging.js';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  AmendEnterpriseDetails,
  AmendEnterpriseDetailsInput,
  DeregisterEnterprise,
  DeregisterEnterpriseInput,
  FileAnnualReport,
  FileAnnualReportInput,
  FileMonthlyReport,
  FileMonthlyReportInput,
  RegisterEnterprise,
  RegisterEnterpriseInput,
  RelocateEnterprise,
  RelocateEnterpriseInput,
  ReviewFiling,
  QueryFilingInput,
  AnswerQueryInput,
  ReturnFilingInput,
  type CommandMeta,
} from '../../../../libs/application/src/index.js';
import { isMonth, parseAsOf, PERIOD_RANGE_TEXT, usccProblem, ValidationFailedError } from '../../../../libs/domain/src/index.js';
import { answer, Context, Meta, Roles, type RequestContext } from '../http/auth.js';
import { ETagInterceptor } from '../http/etag.interceptor.js';
import {
  GetAnnualReportQuery,
  GetEnterpriseQuery,
  GetFilingReviewQuery,
  GetMonthlyReportQuery,
  GetObligationsQuery,
  type AnnualReportView,
  type EnterpriseView,
  type MonthlyReportView,
  type ObligationsView,
  type ReviewView,
} from './enterprise.queries.js';

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
    @Inject(CLICKHOUSE_CLIENT) private readonly client: ClickHouseClient,
    @Inject(ANALYTICS_CONFIG) private readonly config: AnalyticsConfig,
    private readonly progress: ProjectionProgress,
  ) {}

  @Get()
  @Roles('bureau', 'regulator', 'admin')
  @ApiOperation({ summary: 'The enterprise directory: search by name (Chinese or not) or USCC prefix, filter by region, segment and status, page by USCC; a bureau lists its region' })
  @ApiQuery({ name: 'q', required: false, description: 'part of the name, or the start of the USCC' })
  @ApiQuery({ name: 'region', required: false })
  @ApiQuery({ name: 'segment', required: false })
  @ApiQuery({ name: 'status', required: false, enum: ['active', 'deregistered'] })
  @ApiPaging()
  async directory(
    @Context() context: RequestContext,
    @Query() raw: { q?: string; region?: string; segment?: string; status?: string; page?: string; pageSize?: string; position?: string; asOf?: string },
  ): Promise<PageView<DirectoryEntry & { regionName: string | null }>> {
    singleValued(raw);
    const q = typeof raw.q === 'string' ? raw.q.trim() : '';
    if (q.length > 50) throw ValidationFailedError.field('q', 'must be at most 50 characters');
    const segment = choice('segment', raw.segment, SEGMENTS);
    const status = choice('status', raw.status, ['active', 'deregistered'] as const);
    const { region } = listScope(context.principal, raw, 'enterprises');
    const paging = parsePaging(raw, this.progress.position);
    const { items, total } = await queryDirectory(this.client, this.config.database, { q, region, segment, status, ...paging });
    return pageView(
      items.map((e) => ({ ...e, regionName: findRegion(e.regionCode)?.name ?? null })),
      total,
      paging,
      '/v1/enterprises',
      { q, region, segment, status },
    );
  }

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

  @Put(':uscc/annual-reports/:year')
  @Roles('enterprise', 'bureau')
  @ApiOperation({ summary: 'File or correct the annual report (年报) of a year that has ended; due by 31 March of the following year (the enterprise itself; its bureau)' })
  @ApiHeader({ name: 'If-Match', required: false, description: 'the annual report revision the write expects, e.g. "1"' })
  async fileAnnualReport(
    @Meta() meta: CommandMeta,
    @Param('uscc') uscc: string,
    @Param('year') year: string,
    @Body() input: FileAnnualReportInput,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Written> {
    return answer(reply, await this.commands.execute(new FileAnnualReport(meta, usccParam(uscc), year, input)));
  }

  @Get(':uscc/annual-reports/:year')
  @UseInterceptors(ETagInterceptor)
  @ApiOperation({ summary: "An annual report with its full revision history and the year's monthly reports it is checked against" })
  @ApiQuery({ name: 'asOf', required: false })
  annualReport(@Context() context: RequestContext, @Param('uscc') uscc: string, @Param('year') year: string, @Query('asOf') asOf?: string): Promise<AnnualReportView> {
    usccParam(uscc);
    if (!/^\d{4}$/.test(year)) throw ValidationFailedError.field('year', 'must be a year YYYY');
    return this.queries.execute(new GetAnnualReportQuery(context, uscc, Number(year), parseAsOf(asOf)));
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

  @Post(':uscc/reports/:period/queries')
  @Roles('bureau', 'admin')
  @ApiOperation({ summary: 'Query a filed report (查询): the bureau of the enterprise\'s region asks; open until answered or corrected' })
  async query(
    @Meta() meta: CommandMeta,
    @Param('uscc') uscc: string,
    @Param('period') period: string,
    @Body() input: QueryFilingInput,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Written & { queryId: string }> {
    const written = answer(reply, await this.commands.execute(new ReviewFiling(meta, usccParam(uscc), period, { type: 'QueryFiling', question: input.question })));
    // The query asked by this write (or by the first write of a replayed key) is the one at its log position.
    const review: ReviewView = await this.queries.execute(new GetFilingReviewQuery({ principal: meta.actor, requestId: meta.requestId }, uscc, period));
    const asked = review.queries.find((q) => q.position === written.position)!;
    return { ...written, queryId: asked.queryId };
  }

  @Post(':uscc/reports/:period/queries/:queryId/answer')
  @Roles('enterprise', 'admin')
  @ApiOperation({ summary: 'Answer a query about a report (the enterprise itself); correcting the report also closes it' })
  async answerQuery(
    @Meta() meta: CommandMeta,
    @Param('uscc') uscc: string,
    @Param('period') period: string,
    @Param('queryId') queryId: string,
    @Body() input: AnswerQueryInput,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Written> {
    return answer(reply, await this.commands.execute(new ReviewFiling(meta, usccParam(uscc), period, { type: 'AnswerQuery', queryId, answer: input.answer })));
  }

  @Post(':uscc/reports/:period/returns')
  @Roles('bureau', 'admin')
  @ApiOperation({ summary: 'Send a report back for correction (退回): not accepted until corrected' })
  async returnFiling(
    @Meta() meta: CommandMeta,
    @Param('uscc') uscc: string,
    @Param('period') period: string,
    @Body() input: ReturnFilingInput,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Written> {
    return answer(reply, await this.commands.execute(new ReviewFiling(meta, usccParam(uscc), period, { type: 'ReturnFiling', reason: input.reason })));
  }

  @Post(':uscc/reports/:period/acceptance')
  @Roles('bureau', 'admin')
  @ApiOperation({ summary: 'Accept a report (审核通过) at its current revision: only with no open query; a later correction re-opens review' })
  async accept(@Meta({ body: false }) meta: CommandMeta, @Param('uscc') uscc: string, @Param('period') period: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<Written> {
    return answer(reply, await this.commands.execute(new ReviewFiling(meta, usccParam(uscc), period, { type: 'AcceptFiling' })));
  }

  @Get(':uscc/obligations')
  @ApiOperation({ summary: 'The months the enterprise must file, each with its deadline (China time), status (filed, late, missing, due), review, open queries, returns and reminders' })
  @ApiQuery({ name: 'asOf', required: false })
  obligations(@Context() context: RequestContext, @Param('uscc') uscc: string, @Query('asOf') asOf?: string): Promise<ObligationsView> {
    return this.queries.execute(new GetObligationsQuery(context, usccParam(uscc), parseAsOf(asOf)));
  }

  @Get(':uscc')
  @UseInterceptors(ETagInterceptor)
  @ApiOperation({ summary: 'An enterprise as it is now, or as it was known at asOf' })
  @ApiQuery({ name: 'asOf', required: false })
  get(@Context() context: RequestContext, @Param('uscc') uscc: string, @Query('asOf') asOf?: string): Promise<EnterpriseView> {
    return this.queries.execute(new GetEnterpriseQuery(context, usccParam(uscc), parseAsOf(asOf)));
  }

  @Get(':uscc/reports/:period/review')
  @ApiOperation({ summary: 'The review of a filed month (审核): status, queries and answers, return, acceptance, each with who and when' })
  @ApiQuery({ name: 'asOf', required: false })
  review(@Context() context: RequestContext, @Param('uscc') uscc: string, @Param('period') period: string, @Query('asOf') asOf?: string): Promise<ReviewView> {
    usccParam(uscc);
    if (!isMonth(period)) throw ValidationFailedError.field('period', `must be a month YYYY-MM ${PERIOD_RANGE_TEXT}`);
    return this.queries.execute(new GetFilingReviewQuery(context, uscc, period, parseAsOf(asOf)));
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
