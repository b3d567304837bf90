import { Controller, Get, HttpCode, Inject, Logger, Param, Post, Query, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runImport, type ImportSummary, type Principal } from '../../../../libs/application/src/index.js';
import { ForbiddenError, NotFoundError, ValidationFailedError } from '../../../../libs/domain/src/index.js';
import { APP_CONFIG, type AppConfig } from '../../../../libs/platform/src/index.js';
import { Context, Roles, type RequestContext } from '../http/auth.js';
import { assertIdentifierParam } from '../http/path-params.js';

/** Import bodies may be far larger than a JSON request: up to this many bytes. */
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;

export interface ImportJobView {
  id: string;
  status: 'running' | 'succeeded' | 'failed';
  format: 'ndjson' | 'csv';
  /** Lines in the upload, lines handled so far. */
  lines: number;
  processed: number;
  accepted: number;
  unchanged: number;
  rejected: number;
  byCommand: ImportSummary['byCommand'];
  /** Where the rejected lines are, with their reasons (NDJSON), once there are any. */
  rejects: string | null;
  startedAt: string;
  finishedAt: string | null;
  error?: string;
}

/**
 * Bulk upload over HTTP for bureaus without a shell (issue 21, point 6): the body is stored under the
 * data directory and imported in the background by the very code the CLI runs — the same handlers,
 * edits and rights (each line as the caller), and idempotency keyed by the upload's content, line and
 * line text, so uploading the same file again appends nothing.
 */
@ApiTags('imports')
@ApiBearerAuth()
@Controller('v1/imports')
export class ImportsController {
  private readonly jobs = new Map<string, { view: ImportJobView; owner: Principal }>();
  private readonly logger = new Logger('imports');

  constructor(
    private readonly commands: CommandBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post()
  @HttpCode(202)
  @Roles('bureau', 'admin')
  @ApiOperation({ summary: 'Upload NDJSON (one command per line, as the CLI reads) or CSV (uscc,period,revenue,taxPaid,employees); answers 202 with the job to follow' })
  @ApiConsumes('application/x-ndjson', 'text/csv')
  @ApiBody({ schema: { type: 'string' } })
  @ApiQuery({ name: 'format', required: false, enum: ['ndjson', 'csv'], description: 'default: by Content-Type' })
  start(@Context() { principal }: RequestContext, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Query('format') format?: string): ImportJobView {
    const type = String(request.headers['content-type'] ?? '').split(';')[0].trim();
    const chosen = format ?? (type === 'text/csv' ? 'csv' : type === 'application/x-ndjson' ? 'ndjson' : undefined);
    if (chosen !== 'ndjson' && chosen !== 'csv') throw ValidationFailedError.field('format', 'must be ndjson or csv (or send Content-Type application/x-ndjson or text/csv)');
    const body = request.body;
    if (typeof body !== 'string' || !body.trim()) throw ValidationFailedError.field('body', 'must be the file to import, as text (UTF-8)');
    const id = randomUUID();
    const dir = join(this.config.dataDir, 'imports');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${id}.${chosen}`);
    writeFileSync(file, body);
    const lines = body.split('\n').filter((l) => l.trim()).length - (chosen === 'csv' ? 1 : 0);
    const view: ImportJobView = {
      id,
      status: 'running',
      format: chosen,
      lines,
      processed: 0,
      accepted: 0,
      unchanged: 0,
      rejected: 0,
      byCommand: {},
      rejects: null,
      startedAt: new Date().toISOString(),
      finishedAt: null,
    };
    this.jobs.set(id, { view, owner: principal });
    const tag = `upload-${createHash('sha256').update(body).digest('hex').slice(0, 16)}`;
    runImport(this.commands, file, { format: chosen, actor: principal, tag, rejectsFile: join(dir, `${id}.rejects.ndjson`), onProgress: (done) => (view.processed = Math.min(done, lines)) })
      .then((summary) => {
        Object.assign(view, {
          status: 'succeeded',
          processed: summary.lines,
          accepted: summary.accepted,
          unchanged: summary.unchanged,
          rejected: summary.rejected,
          byCommand: summary.byCommand,
          rejects: summary.rejected ? `/v1/imports/${id}/rejects` : null,
          finishedAt: new Date().toISOString(),
        });
      })
      .catch((error: unknown) => {
        Object.assign(view, { status: 'failed', error: error instanceof Error ? error.message : String(error), finishedAt: new Date().toISOString() });
        this.logger.warn(`import ${id} failed: ${view.error}`);
      });
    reply.header('location', `/v1/imports/${id}`);
    return view;
  }

  @Get(':id')
  @Roles('bureau', 'admin')
  @ApiOperation({ summary: 'An import job: progress, accepted, unchanged and rejected lines, and the rejects file once there are any' })
  get(@Context() { principal }: RequestContext, @Param('id') id: string): ImportJobView {
    return this.job(principal, id).view;
  }

  @Get(':id/rejects')
  @Roles('bureau', 'admin')
  @ApiOperation({ summary: 'The rejected lines of an import, each with its line number, code, reason, field errors and the line as sent (NDJSON)' })
  rejects(@Context() { principal }: RequestContext, @Param('id') id: string, @Res() reply: FastifyReply): void {
    const { view } = this.job(principal, id);
    const file = join(this.config.dataDir, 'imports', `${id}.rejects.ndjson`);
    if (!view.rejects || !existsSync(file)) throw new NotFoundError(view.status === 'running' ? `import ${id} is still running` : `import ${id} rejected no line`);
    void reply.header('content-type', 'application/x-ndjson; charset=utf-8').send(createReadStream(file));
  }

  /** A job the caller may see: its own, or any for an administrator. */
  private job(principal: Principal, id: string): { view: ImportJobView; owner: Principal } {
    assertIdentifierParam('id', id);
    const job = this.jobs.get(id);
    if (!job) throw new NotFoundError(`there is no import ${id} (jobs are kept until the server restarts; uploading the file again appends nothing twice)`);
    if (principal.role !== 'admin' && job.owner.subject !== principal.subject) throw new ForbiddenError('an import is visible to whoever uploaded it, and to administrators');
    return job;
  }
}
