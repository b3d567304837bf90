import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ValidationFailedError } from '../../../../../../libs/domain/src/index.js';
import { assertEnterpriseAccess, type RequestContext } from '../../../common/auth.js';
import { StreamCommandExecutor, type WriteResult } from '../../../common/stream-command.executor.js';
import { enterpriseCommand } from '../../enterprise-stream.js';
import type { FileMonthlyReportRequestDto } from './file-monthly-report.request.dto.js';

export class FileMonthlyReportCommand extends Command<WriteResult> {
  constructor(
    readonly context: RequestContext,
    readonly uscc: string,
    readonly period: string,
    readonly body: FileMonthlyReportRequestDto,
  ) {
    super();
  }
}

@CommandHandler(FileMonthlyReportCommand)
export class FileMonthlyReportHandler implements ICommandHandler<FileMonthlyReportCommand> {
  constructor(private readonly executor: StreamCommandExecutor) {}

  execute({ context, uscc, period, body }: FileMonthlyReportCommand): Promise<WriteResult> {
    const explanations = body.explanations ?? {};
    for (const [rule, text] of Object.entries(explanations))
      if (typeof text !== 'string') throw ValidationFailedError.field(`explanations.${rule}`, 'must be a written explanation');
    return this.executor.execute(
      context,
      enterpriseCommand('FileMonthlyReport', { uscc, period, ...body }, {
        request: ['PUT', `/v1/enterprises/${uscc}/reports/${period}`, body],
        authorize: (state) => assertEnterpriseAccess(context.principal, uscc, state.regionCode, 'file reports for'),
        statusFor: (events) => (events[0]?.type === 'MonthlyReportFiled' ? 201 : 200),
        // The report's own revision, as GET …/reports/{period} shows it: If-Match is about this report.
        versionOf: (state) => state.reports[period]?.revision ?? 0,
      }),
    );
  }
}
