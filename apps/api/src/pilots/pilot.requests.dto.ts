import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsDefined, IsInt, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';

export class PilotTargetDto {
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

export class DesignatePilotRequestDto {
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

  @ApiProperty({ type: [PilotTargetDto] })
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => PilotTargetDto)
  readonly targets: PilotTargetDto[];

  @ApiPropertyOptional({ description: 'why the targets change: required when a designated pilot restates them' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  readonly reason?: string;
}

export class ReportInvestmentRequestDto {
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
