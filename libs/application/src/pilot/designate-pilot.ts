import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsDefined, IsInt, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { pilotDecider, type PilotTarget } from '../../../domain/src/index.js';
import { decision, StreamHandler, type CommandMeta, type CommandResult } from '../command-handler.js';

export class PilotTargetInput {
  @ApiProperty({ enum: ['revenue', 'tax', 'employment', 'employment-added', 'enterprises', 'community-coverage', 'outlets-active', 'investment', 'beneficiaries'] })
  @IsString()
  readonly indicator: string;

  @ApiProperty({ example: 2023 })
  @IsInt()
  readonly year: number;

  @ApiProperty({ example: '11000000000.00', description: 'yuan string for money, a count, or a ratio in (0, 1] for community-coverage' })
  @IsDefined()
  readonly value: string | number;

  @ApiProperty({ example: '全市康复辅助器具产业主营业务收入达到110亿元', description: 'the exact words of the commitment' })
  @IsString()
  @MaxLength(2000)
  readonly source: string;

  @ApiPropertyOptional({ description: 'outlet kind counted by an outlets-active target' })
  @IsOptional()
  @IsString()
  readonly kind?: string;
}

export class DesignatePilotInput {
  @ApiProperty({ example: '1311', description: 'city (4-digit) or district (6-digit) code' })
  @IsString()
  readonly regionCode: string;

  @ApiProperty({ example: '河北省衡水市' })
  @IsString()
  @MaxLength(200)
  readonly name: string;

  @ApiProperty({ example: 2, description: '1 = 2017 (民发〔2017〕150号), 2 = 2020 (民发〔2020〕149号)' })
  @IsInt()
  readonly batch: number;

  @ApiProperty({ example: 2021 })
  @IsInt()
  readonly startYear: number;

  @ApiProperty({ example: 2023 })
  @IsInt()
  readonly endYear: number;

  @ApiProperty({ type: [PilotTargetInput] })
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => PilotTargetInput)
  readonly targets: PilotTargetInput[];

  @ApiPropertyOptional({ description: 'why the targets change: required when a designated pilot restates them' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  readonly reason?: string;
}

/** Designates a pilot region with its commitments, or restates them (with a reason). */
export class DesignatePilot extends Command<CommandResult> {
  constructor(
    readonly meta: CommandMeta,
    readonly input: DesignatePilotInput,
  ) {
    super();
  }
}

@CommandHandler(DesignatePilot)
export class DesignatePilotHandler implements ICommandHandler<DesignatePilot> {
  constructor(private readonly streams: StreamHandler) {}

  execute({ meta, input }: DesignatePilot): Promise<CommandResult> {
    return this.streams.handle(meta, {
      ...decision(pilotDecider, input.regionCode, { type: 'DesignatePilot', data: { ...input, targets: input.targets as PilotTarget[] } }),
      created: (events) => events[0]?.type === 'PilotDesignated',
    });
  }
}
