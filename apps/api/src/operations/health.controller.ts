import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ClickHouseClient } from '@clickhouse/client';
import type { FastifyReply } from 'fastify';
import { CLICKHOUSE_CLIENT, ProjectionProgress } from '../../../../libs/analytics/src/index.js';
import { EVENT_STORE, type EventStore } from '../../../../libs/event-store/src/index.js';
import { Public } from '../http/auth.js';

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLICKHOUSE_CLIENT) private readonly client: ClickHouseClient,
    private readonly projector: ProjectionProgress,
  ) {}

  @Get()
  @Public()
  @ApiOperation({ summary: 'Liveness and readiness: event store, projector lag, ClickHouse' })
  async health(@Res({ passthrough: true }) reply: FastifyReply) {
    const head = await within(this.store.headPosition(), 3000, 'the event store did not answer within 3 s').then(
      (position) => ({ status: 'up' as const, head: position }),
      (error: unknown) => ({ status: 'down' as const, error: String(error) }),
    );
    const clickhouse = await within(this.client.ping(), 3000, 'ClickHouse did not answer within 3 s').then(
      (r) => (r.success ? { status: 'up' as const } : { status: 'down' as const, error: String(r.error) }),
      (error: unknown) => ({ status: 'down' as const, error: String(error) }),
    );
    const position = this.projector.position;
    const projector = {
      status: this.projector.error ? ('retrying' as const) : ('following' as const),
      position,
      lag: 'head' in head ? Math.max(0, head.head - position) : null,
      rebuilding: this.projector.isRebuilding,
      ...(this.projector.error ? { error: this.projector.error } : {}),
      // Fed by Kafka: the consumer's connection and the messages it could not read (dead-lettered).
      ...(this.projector.kafka ? { kafka: this.projector.kafka } : {}),
    };
    const up = head.status === 'up' && clickhouse.status === 'up';
    reply.status(up ? 200 : 503);
    const memory = process.memoryUsage();
    const mib = (bytes: number) => Math.round(bytes / 2 ** 20);
    return { status: up ? 'ok' : 'unavailable', eventStore: head, projector, clickhouse, memory: { rssMiB: mib(memory.rss), heapUsedMiB: mib(memory.heapUsed) } };
  }
}

/** Health must answer promptly even when a server hangs: a slow dependency counts as down. */
function within<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(message)), ms);
    work.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
