import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';
import { enterpriseDecider, parseFileAnnualReport } from '../../../domain/src/index.js';
import { access } from '../access-policy.js';
import { decision, StreamHandler, type CommandMeta, type CommandResult } from '../command-handler.js';

export class FileAnnualReportInput {
  @ApiProperty({
    example: { '12 22': '8200000.00', other: '150000.00' },
    description: '主营业务收入 of the year by ISO 9999 class the enterprise declared ("other" for the rest), yuan with at most 2 decimals',
  })
  @IsObject({ message: 'must be an object of ISO 9999 class → revenue in yuan' })
  readonly revenueByClass: Record<string, string>;

  @ApiProperty({ example: '1200000.00', description: '出口交货值 (export revenue), yuan; at most the revenue of the year' })
  @IsString({ message: 'must be a decimal string such as "1234.50"' })
  readonly exportRevenue: string;

  @ApiProperty({ example: '450000.00', description: '研发经费支出 (R&D spending), yuan' })
  @IsString({ message: 'must be a decimal string such as "1234.50"' })
  readonly rdSpending: string;

  @ApiProperty({ example: 120, description: '年末从业人员, headcount at the year end' })
  @IsInt({ message: 'must be a whole number' })
  readonly employees: number;

  @ApiPropertyOptional({ example: { 'annual-revenue-vs-months': '年末一次性确认了全年的售后服务收入，月报未包含该部分。' }, description: 'soft-edit rule id → written explanation' })
  @IsOptional()
  @IsObject()
  readonly explanations?: Record<string, string>;

  @ApiPropertyOptional({ example: '审计后调整出口收入口径', description: 'required for a correction' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  readonly reason?: string;
}

/** An annual report (年报), filed or corrected by the enterprise itself or its bureau. */
export class FileAnnualReport extends Command<CommandResult> {
  constructor(
    readonly meta: CommandMeta,
    readonly uscc: string,
    readonly year: string,
    readonly input: FileAnnualReportInput,
  ) {
    super();
  }
}

@CommandHandler(FileAnnualReport)
export class FileAnnualReportHandler implements ICommandHandler<FileAnnualReport> {
  constructor(private readonly streams: StreamHandler) {}

  execute({ meta, uscc, year, input }: FileAnnualReport): Promise<CommandResult> {
    const command = parseFileAnnualReport({ uscc, year, ...input }, new Date().toISOString());
    return this.streams.handle(meta, {
      ...decision(enterpriseDecider, uscc, command),
      authorize: (state) => access.assertEnterprise(meta.actor, uscc, state.regionCode, 'file annual reports for'),
      created: (events) => events[0]?.type === 'AnnualReportFiled',
      // The annual report's own revision: an expected version is about this report.
      versionOf: (state) => state.annualReports[command.data.year]?.revision ?? 0,
    });
  }
}
