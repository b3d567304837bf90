import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { InfrastructureModule, type AppConfig } from '../../../libs/platform/src/index.js';
import { ProjectorModule } from '../../projector/src/projector.module.js';
import { AuthGuard } from './common/auth.js';
import { ProblemDetailsFilter } from './common/problem-details.filter.js';
import { StreamCommandExecutor } from './common/stream-command.executor.js';
import { DeregisterEnterpriseHandler } from './enterprises/commands/deregister-enterprise/deregister-enterprise.command.js';
import { EnterpriseWritesController } from './enterprises/commands/enterprise-writes.controller.js';
import { FileMonthlyReportHandler } from './enterprises/commands/file-monthly-report/file-monthly-report.command.js';
import { RegisterEnterpriseHandler } from './enterprises/commands/register-enterprise/register-enterprise.command.js';
import { RegisterEnterpriseController } from './enterprises/commands/register-enterprise/register-enterprise.controller.js';
import { RelocateEnterpriseHandler } from './enterprises/commands/relocate-enterprise/relocate-enterprise.command.js';
import { EnterpriseReadsController } from './enterprises/queries/enterprise-reads.controller.js';
import { GetEnterpriseHandler } from './enterprises/queries/get-enterprise/get-enterprise.query.js';
import { GetMonthlyReportHandler } from './enterprises/queries/get-monthly-report/get-monthly-report.query.js';
import { HealthController } from './operations/health.controller.js';
import { RebuildsController } from './operations/rebuilds.controller.js';
import { GetStatisticsHandler } from './statistics/queries/get-statistics/get-statistics.query.js';
import { StatisticsController } from './statistics/statistics.controller.js';
import { CloseOutletHandler, OpenOutletHandler } from './outlets/outlet-commands.js';
import { GetOutletHandler } from './outlets/outlet-queries.js';
import { OutletsController } from './outlets/outlets.controller.js';
import { ReferenceController } from './reference/reference.controller.js';
import { ReturnRentalHandler, StartRentalHandler } from './rentals/rental-commands.js';
import { GetDeviceHistoryHandler, GetRentalHandler } from './rentals/rental-queries.js';
import { RentalsController } from './rentals/rentals.controller.js';

/** The api composition root; with the projector in the same process for the embedded default. */
@Module({})
export class AppModule {
  static forConfig(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [InfrastructureModule.forConfig(config), CqrsModule.forRoot(), ProjectorModule],
      controllers: [
        RegisterEnterpriseController,
        EnterpriseWritesController,
        EnterpriseReadsController,
        OutletsController,
        RentalsController,
        ReferenceController,
        StatisticsController,
        HealthController,
        RebuildsController,
      ],
      providers: [
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        StreamCommandExecutor,
        RegisterEnterpriseHandler,
        RelocateEnterpriseHandler,
        DeregisterEnterpriseHandler,
        FileMonthlyReportHandler,
        GetEnterpriseHandler,
        GetMonthlyReportHandler,
        GetStatisticsHandler,
        OpenOutletHandler,
        CloseOutletHandler,
        GetOutletHandler,
        StartRentalHandler,
        ReturnRentalHandler,
        GetRentalHandler,
        GetDeviceHistoryHandler,
      ],
    };
  }
}
