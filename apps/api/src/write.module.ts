import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { StreamCommandExecutor } from './common/stream-command.executor.js';
import { DeregisterEnterpriseHandler } from './enterprises/commands/deregister-enterprise/deregister-enterprise.command.js';
import { FileMonthlyReportHandler } from './enterprises/commands/file-monthly-report/file-monthly-report.command.js';
import { RegisterEnterpriseHandler } from './enterprises/commands/register-enterprise/register-enterprise.command.js';
import { AmendEnterpriseDetailsHandler } from './enterprises/commands/amend-enterprise-details/amend-enterprise-details.command.js';
import { RelocateEnterpriseHandler } from './enterprises/commands/relocate-enterprise/relocate-enterprise.command.js';
import { CloseOutletHandler, OpenOutletHandler } from './outlets/outlet-commands.js';
import { DesignatePilotHandler, ReportPilotInvestmentHandler } from './pilots/pilot-commands.js';
import { ReturnRentalHandler, StartRentalHandler } from './rentals/rental-commands.js';

/**
 * Every command handler of the write side, needing only the event store. The api serves them
 * over HTTP; the CLI's import runs the very same handlers, so edits and rules cannot differ.
 */
@Module({
  imports: [CqrsModule.forRoot()],
  providers: [
    StreamCommandExecutor,
    RegisterEnterpriseHandler,
    RelocateEnterpriseHandler,
    AmendEnterpriseDetailsHandler,
    DeregisterEnterpriseHandler,
    FileMonthlyReportHandler,
    OpenOutletHandler,
    CloseOutletHandler,
    StartRentalHandler,
    ReturnRentalHandler,
    DesignatePilotHandler,
    ReportPilotInvestmentHandler,
  ],
  exports: [CqrsModule, StreamCommandExecutor],
})
export class WriteModule {}
