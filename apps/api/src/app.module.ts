import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { ApplicationModule } from '../../../libs/application/src/index.js';
import { InfrastructureModule, ReadModelModule, RelayModule, type AppConfig } from '../../../libs/platform/src/index.js';
import { AuditModule } from './audit/audit.module.js';
import { BatchModule } from './batch/batch.module.js';
import { DemoModule } from './demo/demo.module.js';
import { EnterprisesModule } from './enterprises/enterprises.module.js';
import { AuthGuard } from './http/auth.js';
import { FixedWindowThrottlerStorage } from './http/fixed-window-throttler.storage.js';
import { ProblemDetailsFilter } from './http/problem-details.filter.js';
import { ImportsModule } from './imports/imports.module.js';
import { SdmxModule } from './sdmx/sdmx.module.js';
import { RateLimitGuard } from './http/rate-limit.guard.js';
import { MonitoringModule } from './monitoring/monitoring.module.js';
import { OperationsModule } from './operations/operations.module.js';
import { OutletsModule } from './outlets/outlets.module.js';
import { PilotsModule } from './pilots/pilots.module.js';
import { ReferenceModule } from './reference/reference.module.js';
import { ReleasesModule } from './releases/releases.module.js';
import { RentalsModule } from './rentals/rentals.module.js';
import { ReviewQueueModule } from './review/review.module.js';
import { StatisticsModule } from './statistics/statistics.module.js';

/**
 * The api composition root: the adapters, the use cases, the read side (with the projector in
 * this process for the embedded default), the relay to Kafka when configured, and one module per
 * feature; HTTP concerns (authentication, rate limits, problem details) apply to every route.
 */
@Module({})
export class AppModule {
  static forConfig(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        InfrastructureModule.forConfig(config),
        ApplicationModule,
        ReadModelModule.forConfig(config),
        RelayModule,
        ThrottlerModule.forRoot({ throttlers: [{ ttl: 60_000, limit: config.rateLimitPerMinute }], storage: new FixedWindowThrottlerStorage() }),
        EnterprisesModule,
        OutletsModule,
        RentalsModule,
        PilotsModule,
        StatisticsModule,
        MonitoringModule,
        ReviewQueueModule,
        ReleasesModule,
        AuditModule,
        ReferenceModule,
        DemoModule,
        OperationsModule,
        BatchModule,
        ImportsModule,
        SdmxModule,
      ],
      providers: [
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
      ],
    };
  }
}
