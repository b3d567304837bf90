import { Global, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { StreamHandler } from './command-handler.js';
import { ExecuteInBatchHandler } from './import/batch.js';
import { AmendEnterpriseDetailsHandler } from './enterprise/amend-enterprise-details.js';
import { DeregisterEnterpriseHandler } from './enterprise/deregister-enterprise.js';
import { FileAnnualReportHandler } from './enterprise/file-annual-report.js';
import { FileMonthlyReportHandler } from './enterprise/file-monthly-report.js';
import { RegisterEnterpriseHandler } from './enterprise/register-enterprise.js';
import { RelocateEnterpriseHandler } from './enterprise/relocate-enterprise.js';
import { ReviewFilingHandler } from './enterprise/review-filing.js';
import { CloseOutletHandler } from './outlet/close-outlet.js';
import { OpenOutletHandler } from './outlet/open-outlet.js';
import { DesignatePilotHandler } from './pilot/designate-pilot.js';
import { ReportPilotInvestmentHandler } from './pilot/report-pilot-investment.js';
import { ReturnRentalHandler } from './rental/return-rental.js';
import { StartRentalHandler } from './rental/start-rental.js';

/**
 * The write side's use cases, needing only the event store. The api sends them from its
 * controllers; the CLI's import sends the very same commands, so edits and rules cannot differ.
 * Global: feature modules (releases) add their own handlers on the same stream handler and buses.
 */
@Global()
@Module({
  imports: [CqrsModule.forRoot()],
  providers: [
    StreamHandler,
    RegisterEnterpriseHandler,
    RelocateEnterpriseHandler,
    AmendEnterpriseDetailsHandler,
    DeregisterEnterpriseHandler,
    FileMonthlyReportHandler,
    FileAnnualReportHandler,
    ReviewFilingHandler,
    OpenOutletHandler,
    CloseOutletHandler,
    StartRentalHandler,
    ReturnRentalHandler,
    DesignatePilotHandler,
    ReportPilotInvestmentHandler,
    ExecuteInBatchHandler,
  ],
  exports: [CqrsModule, StreamHandler],
})
export class ApplicationModule {}
