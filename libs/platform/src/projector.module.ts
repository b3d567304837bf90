import { Inject, Logger, Module, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { ClickHouseClient } from '@clickhouse/client';
import { ANALYTICS_CONFIG, CLICKHOUSE_CLIENT, migrate, ProjectionProgress, Projector, queryRows, rebuildRequired, type AnalyticsConfig } from '../../analytics/src/index.js';
import { EVENT_STORE, type EventStore } from '../../event-store/src/index.js';
import { KafkaEventFeed } from '../../messaging/src/index.js';
import type { AppConfig } from './app-config.js';
import { APP_CONFIG } from './infrastructure.module.js';

/**
 * The projector composition: migrations at start, then a catch-up subscription from the
 * checkpoint that keeps following the event store.
 */
@Module({
  providers: [
    {
      provide: Projector,
      inject: [EVENT_STORE, CLICKHOUSE_CLIENT, ANALYTICS_CONFIG, APP_CONFIG],
      useFactory: (store: EventStore, client: ClickHouseClient, config: AnalyticsConfig, app: AppConfig) => {
        const logger = new Logger('projector');
        // With Kafka configured the projector is a consumer group on the relay's topic.
        const feed = app.kafka ? new KafkaEventFeed(app.kafka, `${app.kafka.clientId}-projector`, { log: (m) => logger.log(m), error: (m) => logger.error(m) }) : store;
        return new Projector(store, client, config.database, { log: (m) => logger.log(m), error: (m) => logger.error(m) }, 5000, feed);
      },
    },
    { provide: ProjectionProgress, useExisting: Projector },
  ],
  exports: [Projector, ProjectionProgress],
})
export class ProjectorModule implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('projector');
  private rebuildFirst = false;

  constructor(
    private readonly projector: Projector,
    @Inject(CLICKHOUSE_CLIENT) private readonly client: ClickHouseClient,
    @Inject(ANALYTICS_CONFIG) private readonly config: AnalyticsConfig,
  ) {}

  private prepared = false;
  private stopped = false;

  /**
   * Migrations first. A ClickHouse server that is not reachable at boot does not stop the process
   * (README: retried in the background, reported by /health, never a crash loop).
   */
  async onModuleInit(): Promise<void> {
    try {
      await this.prepare();
    } catch (error) {
      this.logger.warn(`ClickHouse is not reachable (${messageOf(error)}); serving anyway, /health reports it down; retrying in the background`);
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.prepared) return this.begin();
    void this.retryInBackground();
  }

  private async prepare(): Promise<void> {
    const applied = await migrate(this.client, this.config.database);
    if (applied.length) this.logger.log(`applied ClickHouse migrations ${applied.join(', ')}`);
    // A database created just now (migration 1 applied) needs no rebuild: the projector follows the log from its start.
    this.rebuildFirst = (rebuildRequired(applied) && !applied.includes(1)) || (await this.deltasMissing());
    this.prepared = true;
  }

  private async retryInBackground(): Promise<void> {
    for (let delay = 1000; !this.stopped; delay = Math.min(delay * 2, 30_000)) {
      await new Promise((resolve) => setTimeout(resolve, delay).unref());
      if (this.stopped) return;
      try {
        await this.prepare();
        await this.begin();
        this.logger.log('ClickHouse is reachable again: migrations checked, the projector follows the log');
        return;
      } catch (error) {
        this.logger.warn(`ClickHouse still not reachable (${messageOf(error)}); next try in ${Math.min(delay * 2, 30_000) / 1000} s`);
      }
    }
  }

  private async begin(): Promise<void> {
    if (!this.rebuildFirst) {
      await this.projector.start();
      this.logger.log(`following the event store from position ${this.projector.position}`);
      return;
    }
    // In the background: the api serves meanwhile, and a store that is down does not stop the boot.
    this.logger.log('a migration added projected tables: rebuilding the read model from the event log');
    let reported = 0;
    this.projector
      .rebuild(({ processed, total }) => {
        if (processed - reported >= 100_000) {
          reported = processed;
          this.logger.log(`rebuild: ${processed} of ${total} events`);
        }
      })
      .then(
        (done) => this.logger.log(`rebuild done: ${done.total} events; following the event store from position ${this.projector.position}`),
        (error: unknown) =>
          this.logger.error(`rebuild failed (${error instanceof Error ? error.message : String(error)}); it is tried again at the next start, or run \`npm run cli -- replay\``),
      );
  }

  /** Reports projected before the delta table existed, and a rebuild that never finished since. */
  private async deltasMissing(): Promise<boolean> {
    const count = async (table: string) =>
      Number((await queryRows<{ n: string }>(this.client, `SELECT toString(count()) AS n FROM {db:Identifier}.{table:Identifier}`, { db: this.config.database, table }))[0]?.n ?? 0);
    return (await count('report_deltas')) === 0 && (await count('report_revisions')) > 0;
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.projector.stop();
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
