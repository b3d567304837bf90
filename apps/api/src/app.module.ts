import { Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { ClickHouseClient } from '@clickhouse/client';
import { ANALYTICS_CONFIG, CLICKHOUSE_CLIENT, ProjectionFollower, ProjectionProgress, type AnalyticsConfig } from '../../../libs/analytics/src/index.js';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { InfrastructureModule, type AppConfig } from '../../../libs/platform/src/index.js';
import { ProjectorModule } from '../../projector/src/projector.module.js';
import { ThrottlerModule } from '@nestjs/throttler';
import { FixedWindowThrottlerStorage } from './common/fixed-window-throttler.storage.js';
import { AuthGuard } from './common/auth.js';
import { RateLimitGuard } from './common/rate-limit.guard.js';
import { ProblemDetailsFilter } from './common/problem-details.filter.js';
import { EnterpriseWritesController } from './enterprises/commands/enterprise-writes.controller.js';
import { RegisterEnterpriseController } from './enterprises/commands/register-enterprise/register-enterprise.controller.js';
import { EnterpriseReadsController } from './enterprises/queries/enterprise-reads.controller.js';
import { GetEnterpriseHandler } from './enterprises/queries/get-enterprise/get-enterprise.query.js';
import { GetMonthlyReportHandler } from './enterprises/queries/get-monthly-report/get-monthly-report.query.js';
import { MonitoringController } from './monitoring/monitoring.controller.js';
import { HealthController } from './operations/health.controller.js';
import { RebuildsController } from './operations/rebuilds.controller.js';
import { RelayModule } from './operations/relay.module.js';
import { GetOutletHandler } from './outlets/outlet-queries.js';
import { OutletsController } from './outlets/outlets.controller.js';
import { GetPilotHandler, ListPilotsHandler, PilotProgressHandler } from './pilots/pilot-queries.js';
import { PilotsController } from './pilots/pilots.controller.js';
import { ReferenceController } from './reference/reference.controller.js';
import { GetDeviceHistoryHandler, GetRentalHandler } from './rentals/rental-queries.js';
import { RentalsController } from './rentals/rentals.controller.js';
import { GetStatisticsHandler } from './statistics/queries/get-statistics/get-statistics.query.js';
import { StatisticsController } from './statistics/statistics.controller.js';
import { WriteModule } from './write.module.js';
import { AuditController } from './audit/audit.controller.js';
import { DemoController } from './demo/demo.controller.js';
import { ReleaseCalculator } from './releases/release-calculator.js';
import { DiscardReleaseHandler, DraftReleaseHandler, PublishReleaseHandler } from './releases/release-commands.js';
import { DiffReleasesHandler, GetReleaseHandler, ListReleasesHandler, VerifyReleaseHandler, DisclosureAuditHandler } from './releases/release-queries.js';
import { ReleasesController } from './releases/releases.controller.js';

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

/** The api composition root; with the projector in the same process for the embedded default. */
@Module({})
export class AppModule {
  static forConfig(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        InfrastructureModule.forConfig(config),
        WriteModule,
        config.projector === 'embedded' ? ProjectorModule : ProjectionFollowerModule,
        RelayModule,
        ThrottlerModule.forRoot({ throttlers: [{ ttl: 60_000, limit: config.rateLimitPerMinute }], storage: new FixedWindowThrottlerStorage() }),
      ],
      controllers: [
        RegisterEnterpriseController,
        EnterpriseWritesController,
        EnterpriseReadsController,
        OutletsController,
        RentalsController,
        ReferenceController,
        PilotsController,
        MonitoringController,
        ReleasesController,
        AuditController,
        DemoController,
        StatisticsController,
        HealthController,
        RebuildsController,
      ],
      providers: [
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        GetEnterpriseHandler,
        GetMonthlyReportHandler,
        GetStatisticsHandler,
        GetOutletHandler,
        GetRentalHandler,
        GetDeviceHistoryHandler,
        ListPilotsHandler,
        GetPilotHandler,
        PilotProgressHandler,
        ReleaseCalculator,
        DraftReleaseHandler,
        PublishReleaseHandler,
        DiscardReleaseHandler,
        GetReleaseHandler,
        ListReleasesHandler,
        DiffReleasesHandler,
        VerifyReleaseHandler,
        DisclosureAuditHandler,
      ],
    };
  }
}
