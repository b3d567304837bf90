import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';
import { enterpriseDecider, parseFileMonthlyReport, type EnterpriseEvent, type EnterpriseState } from '../../../domain/src/index.js';
import { access } from '../access-policy.js';
import { decision, StreamHandler, type CommandMeta, type CommandResult, type Handling } from '../command-handler.js';

export class FileMonthlyReportInput {
  @ApiProperty({ example: '1234567.80', description: '主营业务收入, yuan, at most 2 decimals' })
  @IsString({ message: 'must be a decimal string such as "1234.50"' })
  readonly revenue: string;

  @ApiProperty({ example: '45678.90', description: '税金, yuan, at most 2 decimals' })
  @IsString({ message: 'must be a decimal string such as "1234.50"' })
  readonly taxPaid: string;

  @ApiProperty({ example: 120, description: '从业人员, end-of-month headcount' })
  @IsInt({ message: 'must be a whole number' })
  readonly employees: number;

  @ApiPropertyOptional({ example: { 'revenue-yoy': '新生产线于本月投产，订单量较去年同期大幅增加。' }, description: 'soft-edit rule id → written explanation' })
  @IsOptional()
  @IsObject()
  readonly explanations?: Record<string, string>;

  @ApiPropertyOptional({ example: '财务复核后更正收入口径', description: 'required for a correction' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  readonly reason?: string;
}

/** A monthly report (月报), filed or corrected by the enterprise itself or its bureau. */
export class FileMonthlyReport extends Command<CommandResult> {
  constructor(
    readonly meta: CommandMeta,
    readonly uscc: string,
    readonly period: string,
    readonly input: FileMonthlyReportInput,
  ) {
    super();
  }
}

@CommandHandler(FileMonthlyReport)
export class FileMonthlyReportHandler implements ICommandHandler<FileMonthlyReport> {
  constructor(private readonly streams: StreamHandler) {}

  execute(command: FileMonthlyReport): Promise<CommandResult> {
    return this.streams.handle(command.meta, this.handling(command));
  }

  /** How the command is carried out on the enterprise's stream (bulk imports batch it). */
  handling({ meta, uscc, period, input }: FileMonthlyReport) {
    return {
      ...decision(enterpriseDecider, uscc, parseFileMonthlyReport({ uscc, period, ...input }, new Date().toISOString())),
      authorize: (state: EnterpriseState) => access.assertEnterprise(meta.actor, uscc, state.regionCode, 'file reports for'),
      created: (events: EnterpriseEvent[]) => events[0]?.type === 'MonthlyReportFiled',
      // The report's own revision, as its read shows it: an expected version is about this report.
      versionOf: (state: EnterpriseState) => state.reports[period]?.revision ?? 0,
    } satisfies Handling<EnterpriseState, EnterpriseEvent, never>;
  }
}
