import { Controller, Get, HttpCode, Logger, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { ProjectionProgress } from '../../../../libs/analytics/src/index.js';
import { ConflictError, NotFoundError } from '../../../../libs/domain/src/index.js';
import { Roles } from '../http/auth.js';

export interface RebuildJob {
  id: string;
  status: 'running' | 'succeeded' | 'failed';
  processed: number;
  total: number;
  startedAt: string;
  finishedAt?: string;
  error?: string;
}

/**
 * Rebuilds of the read model from the log. They run inside the server because the embedded
 * ClickHouse engine belongs to one process; `npm run cli -- replay` drives these endpoints.
 */
@ApiTags('operations')
@ApiBearerAuth()
@Controller('v1/admin/rebuilds')
export class RebuildsController {
  private readonly jobs = new Map<string, RebuildJob>();
  private readonly logger = new Logger('rebuild');

  constructor(private readonly projector: ProjectionProgress) {}

  @Post()
  @HttpCode(202)
  @Roles('admin')
  @ApiOperation({ summary: 'Rebuild every projection from the event log beside the live tables, then swap them in' })
  start(): RebuildJob {
    if (!this.projector.projectsHere)
      throw new ConflictError('the projector runs as its own process (PROJECTOR=separate): rebuild the read model there, with `npm run cli -- replay` against it');
    if (this.projector.isRebuilding) throw new ConflictError('a rebuild is already running');
    const job: RebuildJob = { id: randomUUID(), status: 'running', processed: 0, total: 0, startedAt: new Date().toISOString() };
    this.jobs.set(job.id, job);
    this.projector
      .rebuild((p) => Object.assign(job, p))
      .then(
        () => Object.assign(job, { status: 'succeeded', finishedAt: new Date().toISOString() }),
        (error: unknown) => {
          this.logger.error(`rebuild ${job.id} failed: ${String(error)}`);
          Object.assign(job, { status: 'failed', error: error instanceof Error ? error.message : String(error), finishedAt: new Date().toISOString() });
        },
      );
    return { ...job };
  }

  @Get(':id')
  @Roles('admin')
  @ApiOperation({ summary: 'Progress of a rebuild' })
  get(@Param('id') id: string): RebuildJob {
    const job = this.jobs.get(id);
    if (!job) throw new NotFoundError(`there is no rebuild ${id}`);
    return { ...job };
  }
}
