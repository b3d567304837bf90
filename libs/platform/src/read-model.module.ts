import { Global, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { ClickHouseClient } from '@clickhouse/client';
import { ANALYTICS_CONFIG, CLICKHOUSE_CLIENT, ProjectionFollower, ProjectionProgress, StatisticsService, type AnalyticsConfig } from '../../analytics/src/index.js';
import type { AppConfig } from './app-config.js';
import { ProjectorModule } from './projector.module.js';

/**
 * Beside a projector process of its own (PROJECTOR=separate: compose, Kubernetes), the api does not
 * project and never joins the projector's consumer group: it reads the projector's progress from
 * the checkpoints in the shared ClickHouse.
 */
@Module({
  providers: [
    {
      provide: ProjectionProgress,
      inject: [CLICKHOUSE_CLIENT, ANALYTICS_CONFIG],
      useFactory: (client: ClickHouseClient, config: AnalyticsConfig) => new ProjectionFollower(client, config.database),
    },
  ],
  exports: [ProjectionProgress],
})
class ProjectionFollowerModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(private readonly progress: ProjectionProgress) {}

  onApplicationBootstrap(): void {
    (this.progress as ProjectionFollower).start();
  }

  onApplicationShutdown(): void {
    (this.progress as ProjectionFollower).stop();
  }
}

/**
 * The read side a serving process needs: the projection's progress (its own projector for the
 * embedded default, or following a separate one) and the statistics service over it.
 */
@Global()
@Module({})
export class ReadModelModule {
  static forConfig(config: AppConfig): DynamicModule {
    const progress = config.projector === 'embedded' ? ProjectorModule : ProjectionFollowerModule;
    return { module: ReadModelModule, imports: [progress], providers: [StatisticsService], exports: [progress, StatisticsService] };
  }
}
