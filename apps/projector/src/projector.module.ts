import { Inject, Logger, Module, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { ClickHouseClient } from '@clickhouse/client';
import { ANALYTICS_CONFIG, CLICKHOUSE_CLIENT, migrate, Projector, type AnalyticsConfig } from '../../../libs/analytics/src/index.js';
import { EVENT_STORE, type EventStore } from '../../../libs/event-store/src/index.js';
import { KafkaEventFeed } from '../../../libs/messaging/src/index.js';
import { APP_CONFIG, type AppConfig } from '../../../libs/platform/src/index.js';

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
        const feed = app.kafka ? new KafkaEventFeed(app.kafka, `${app.kafka.clientId}-projector`) : store;
        return new Projector(store, client, config.database, { log: (m) => logger.log(m), error: (m) => logger.error(m) }, 5000, feed);
      },
    },
  ],
  exports: [Projector],
})
export class ProjectorModule implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('projector');

  constructor(
    private readonly projector: Projector,
    @Inject(CLICKHOUSE_CLIENT) private readonly client: ClickHouseClient,
    @Inject(ANALYTICS_CONFIG) private readonly config: AnalyticsConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    const applied = await migrate(this.client, this.config.database);
    if (applied.length) this.logger.log(`applied ClickHouse migrations ${applied.join(', ')}`);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.projector.start();
    this.logger.log(`following the event store from position ${this.projector.position}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.projector.stop();
  }
}
