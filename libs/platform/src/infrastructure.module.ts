import { Global, Inject, Logger, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { ClickHouseClient } from '@clickhouse/client';
import { ANALYTICS_CONFIG, CLICKHOUSE_CLIENT, createAnalyticsClient, type AnalyticsConfig } from '../../analytics/src/index.js';
import { DISCLOSURE_RULES } from '../../application/src/index.js';
import { EVENT_SCHEMAS } from '../../domain/src/index.js';
import { EVENT_STORE, EventStoreDbEventStore, SqliteEventStore, UpcastingEventStore, type EventStore } from '../../event-store/src/index.js';
import type { AppConfig } from './app-config.js';
import { loadJwtSecret } from './tokens.js';

export const APP_CONFIG = Symbol('APP_CONFIG');
export const JWT_SECRET = Symbol('JWT_SECRET');

/** The write side's adapter: the event store chosen by configuration (embedded SQLite by default). */
@Global()
@Module({})
export class EventStoreModule implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  static forConfig(config: AppConfig): DynamicModule {
    return {
      module: EventStoreModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        {
          provide: EVENT_STORE,
          // Whichever store, every read sees each event in its current shape (schema evolution: libs/domain/src/shared/upcasting.ts).
          useFactory: () =>
            new UpcastingEventStore(
              config.eventStoreConnectionString ? new EventStoreDbEventStore(config.eventStoreConnectionString) : new SqliteEventStore(config.eventStoreFile),
              EVENT_SCHEMAS,
            ),
        },
        { provide: JWT_SECRET, useFactory: () => loadJwtSecret(config.dataDir, config.jwtSecret) },
        { provide: DISCLOSURE_RULES, useValue: config.disclosure },
      ],
      exports: [APP_CONFIG, EVENT_STORE, JWT_SECRET, DISCLOSURE_RULES],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

/** The read side's adapter: ClickHouse over HTTP, or the embedded chDB engine (one process per data directory). */
@Global()
@Module({})
export class AnalyticsModule implements OnApplicationShutdown {
  private readonly logger = new Logger('analytics');

  constructor(@Inject(CLICKHOUSE_CLIENT) private readonly client: ClickHouseClient) {}

  static forConfig(config: AppConfig): DynamicModule {
    return {
      module: AnalyticsModule,
      providers: [
        { provide: ANALYTICS_CONFIG, useValue: config.clickhouse satisfies AnalyticsConfig },
        { provide: CLICKHOUSE_CLIENT, useFactory: () => createAnalyticsClient(config.clickhouse) },
      ],
      exports: [ANALYTICS_CONFIG, CLICKHOUSE_CLIENT],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close().catch((error: unknown) => this.logger.warn(`closing ClickHouse: ${String(error)}`));
  }
}

/** Both adapters, for processes that write and read (the api with its projector). */
export const InfrastructureModule = {
  forConfig(config: AppConfig): DynamicModule {
    return { module: class Infrastructure {}, imports: [EventStoreModule.forConfig(config), AnalyticsModule.forConfig(config)] };
  },
};
