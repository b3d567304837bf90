import { Body, Controller, Get, Param, Post, Query, Res, UseInterceptors } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ValidationFailedError } from '../../../../libs/domain/src/index.js';
import { findIndicator } from '../../../../libs/analytics/src/index.js';
import { DiscardRelease, DiscardReleaseInput, DraftRelease, DraftReleaseInput, PublishRelease, type CommandMeta, type CommandResult } from '../../../../libs/application/src/index.js';
import { Context, Meta, OptionalAuth, Roles, type RequestContext } from '../http/auth.js';
import { isSdmxFormat, SDMX_FORMATS, sendSdmx } from '../http/sdmx.js';
import { releaseDatasets } from '../http/sdmx-views.js';
import { ETagInterceptor } from '../http/etag.interceptor.js';
import { assertIdentifierParam } from '../http/path-params.js';
import { releaseCsv, releaseXlsx } from './release.formats.js';
import { DiffReleasesQuery, DisclosureAuditQuery, GetReleaseQuery, ListReleasesQuery, VerifyReleaseQuery, type DisclosureAuditView, type ReleaseDiff, type ReleaseVerification, type ReleaseView } from './release.queries.js';

const optional = (ctx: RequestContext) => (ctx.principal.subject === 'anonymous' ? undefined : ctx);
const status = (reply: FastifyReply, result: CommandResult) => reply.status(result.created ? 201 : 200);

@ApiTags('releases')
@ApiBearerAuth()
@Controller('v1/releases')
export class ReleasesController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
  ) {}

  @Post()
  @Roles('bureau', 'admin')
  @ApiOperation({ summary: 'Draft a release: tables (indicator × groupBy × regionLevel) for a period and region, cut off at the current log position' })
  async draft(@Meta() meta: CommandMeta, @Context() context: RequestContext, @Body() input: DraftReleaseInput, @Res({ passthrough: true }) reply: FastifyReply): Promise<ReleaseView> {
    const result = await this.commandBus.execute(new DraftRelease(meta, input));
    status(reply, result);
    return this.queryBus.execute(new GetReleaseQuery(context, result.releaseId));
  }

  @Post(':id/publication')
  @Roles('bureau', 'admin')
  @ApiOperation({ summary: 'Publish: freeze the cells with disclosure control applied, and their content hash' })
  async publish(@Meta({ body: false }) meta: CommandMeta, @Context() context: RequestContext, @Param('id') id: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<ReleaseView> {
    assertIdentifierParam('id', id);
    status(reply, await this.commandBus.execute(new PublishRelease(meta, id)));
    return this.queryBus.execute(new GetReleaseQuery(context, id));
  }

  @Post(':id/discard')
  @Roles('bureau', 'admin')
  @ApiOperation({ summary: 'Discard a draft that will not be published (a published release cannot be withdrawn: publish a revision)' })
  async discard(
    @Meta() meta: CommandMeta,
    @Context() context: RequestContext,
    @Param('id') id: string,
    @Body() input: DiscardReleaseInput,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ReleaseView> {
    assertIdentifierParam('id', id);
    status(reply, await this.commandBus.execute(new DiscardRelease(meta, id, input)));
    return this.queryBus.execute(new GetReleaseQuery(context, id));
  }

  @Post(':id/revisions')
  @Roles('bureau', 'admin')
  @ApiOperation({ summary: 'Draft a revision: the same tables at a later cut-off' })
  async revise(@Meta({ body: false }) meta: CommandMeta, @Context() context: RequestContext, @Param('id') id: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<ReleaseView> {
    assertIdentifierParam('id', id);
    const original = await this.queryBus.execute(new GetReleaseQuery(context, id));
    const input: DraftReleaseInput = {
      title: original.title,
      period: original.period,
      ...(original.region ? { region: original.region } : {}),
      tables: original.tables.map((t) => ({ indicator: t.indicator, ...(t.groupBy.length ? { groupBy: t.groupBy } : {}), ...(t.regionLevel ? { regionLevel: t.regionLevel } : {}) })),
    };
    const result = await this.commandBus.execute(new DraftRelease(meta, input, id));
    status(reply, result);
    return this.queryBus.execute(new GetReleaseQuery(context, result.releaseId));
  }

  @Get()
  @OptionalAuth()
  @ApiOperation({ summary: 'Releases: published ones for everyone, drafts for their bureau, admins and regulators' })
  list(@Context() context: RequestContext): Promise<ReleaseView[]> {
    return this.queryBus.execute(new ListReleasesQuery(optional(context)));
  }

  @Get(':id')
  @UseInterceptors(ETagInterceptor)
  @OptionalAuth()
  @ApiOperation({ summary: 'A release with its cells; suppressed cells have value null and flag confidential' })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv', 'xlsx', 'sdmx-json', 'sdmx-csv'] })
  async get(@Context() context: RequestContext, @Param('id') id: string, @Res({ passthrough: true }) reply: FastifyReply, @Query('format') format = 'json'): Promise<unknown> {
    assertIdentifierParam('id', id);
    if (!['json', 'csv', 'xlsx', ...SDMX_FORMATS].includes(format)) throw ValidationFailedError.field('format', 'must be json, csv, xlsx, sdmx-json or sdmx-csv');
    const release: ReleaseView = await this.queryBus.execute(new GetReleaseQuery(optional(context), id));
    if (isSdmxFormat(format)) return sendSdmx(reply, format, releaseDatasets(release, (indicator) => findIndicator(indicator)?.unit ?? ''));
    if (format === 'csv') {
      reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${id}.csv"`);
      return releaseCsv(release);
    }
    if (format === 'xlsx') {
      reply
        .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="${id}.xlsx"`);
      return releaseXlsx(release);
    }
    return release;
  }

  @Get(':id/diff/:otherId')
  @OptionalAuth()
  @ApiOperation({ summary: 'Cells that changed between two published releases of the same tables' })
  diff(@Context() context: RequestContext, @Param('id') id: string, @Param('otherId') otherId: string): Promise<ReleaseDiff> {
    assertIdentifierParam('id', id);
    assertIdentifierParam('otherId', otherId);
    return this.queryBus.execute(new DiffReleasesQuery(optional(context), id, otherId));
  }

  @Get(':id/disclosure-audit')
  @Roles('regulator')
  @ApiOperation({ summary: 'Each confidential cell: the interval an attacker can narrow it to from everything published, and the protection required (p·x each side)' })
  disclosureAudit(@Context() context: RequestContext, @Param('id') id: string): Promise<DisclosureAuditView> {
    assertIdentifierParam('id', id);
    return this.queryBus.execute(new DisclosureAuditQuery(context, id));
  }

  @Get(':id/verification')
  @Roles('regulator', 'admin')
  @ApiOperation({ summary: 'Recompute every cell from the event log as of the cut-off and compare the content hash' })
  verify(@Context() context: RequestContext, @Param('id') id: string): Promise<ReleaseVerification> {
    assertIdentifierParam('id', id);
    return this.queryBus.execute(new VerifyReleaseQuery(context, id));
  }
}
