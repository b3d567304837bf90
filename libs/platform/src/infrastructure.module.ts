import { Global, Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { ClickHouseClient } from '@clickhouse/client';
import { ANALYTICS_CONFIG, CLICKHOUSE_CLIENT, createAnalyticsClient, type AnalyticsConfig } from '../../analytics/src/index.js';
import { EVENT_STORE, SqliteEventStore, type EventStore } from '../../event-store/src/index.js';
import type { AppConfig } from './app-config.js';
import { loadJwtSecret } from './tokens.js';

export const APP_CONFIG = Symbol('APP_CONFIG');
export const JWT_SECRET = Symbol('JWT_SECRET');

/** The adapters behind the ports, chosen by configuration: embedded SQLite + chDB by default. */
@Global()
@Module({})
export class InfrastructureModule implements OnApplicationShutdown {
  private readonly logger = new Logger('infrastructure');

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLICKHOUSE_CLIENT) private readonly client: ClickHouseClient,
  ) {}

  static forConfig(config: AppConfig) {
    return {
      module: InfrastructureModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: ANALYTICS_CONFIG, useValue: config.clickhouse satisfies AnalyticsConfig },
        { provide: EVENT_STORE, useFactory: () => new SqliteEventStore(config.eventStoreFile) },
        { provide: CLICKHOUSE_CLIENT, useFactory: () => createAnalyticsClient(config.clickhouse) },
        { provide: JWT_SECRET, useFactory: () => loadJwtSecret(config.dataDir, config.jwtSecret) },
      ],
      exports: [APP_CONFIG, ANALYTICS_CONFIG, EVENT_STORE, CLICKHOUSE_CLIENT, JWT_SECRET],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
    await this.client.close().catch((error: unknown) => this.logger.warn(`closing ClickHouse: ${String(error)}`));
  }
}
