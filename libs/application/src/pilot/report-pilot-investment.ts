import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, MaxLength } from 'class-validator';
import { parseReportPilotInvestment, pilotDecider } from '../../../domain/src/index.js';
import { decision, StreamHandler, type CommandMeta, type CommandResult } from '../command-handler.js';

export class ReportInvestmentInput {
  @ApiProperty({ example: 2021 })
  @IsInt()
  readonly year: number;

  @ApiProperty({ example: '331000000.00', description: 'yuan' })
  @IsString({ message: 'must be a decimal string such as "1234.50"' })
  readonly amount: string;

  @ApiProperty({ example: '衡水市2021年康复辅具产业试点资金决算' })
  @IsString()
  @MaxLength(2000)
  readonly source: string;

  @ApiPropertyOptional({ description: 'why the amount changes, required when the year already has a reported investment' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  readonly reason?: string;
}

/** A pilot region's investment in a year (试点资金投入). */
export class ReportPilotInvestment extends Command<CommandResult> {
  constructor(
    readonly meta: CommandMeta,
    readonly regionCode: string,
    readonly input: ReportInvestmentInput,
  ) {
    super();
  }
}

@CommandHandler(ReportPilotInvestment)
export class ReportPilotInvestmentHandler implements ICommandHandler<ReportPilotInvestment> {
  constructor(private readonly streams: StreamHandler) {}

  execute({ meta, regionCode, input }: ReportPilotInvestment): Promise<CommandResult> {
    return this.streams.handle(meta, decision(pilotDecider, regionCode, parseReportPilotInvestment({ regionCode, ...input })));
  }
}
