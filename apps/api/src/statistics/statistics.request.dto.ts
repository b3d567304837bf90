import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';

export class GetStatisticsRequestDto {
  @ApiPropertyOptional({ example: '2023', description: 'YYYY, YYYY-Qn or YYYY-MM (or from + to + granularity for a series)' })
  @IsOptional()
  @IsString()
  readonly period?: string;

  @ApiPropertyOptional({ example: '2023-01', description: 'first period of a series' })
  @IsOptional()
  @IsString()
  readonly from?: string;

  @ApiPropertyOptional({ example: '2023-12', description: 'last period of a series' })
  @IsOptional()
  @IsString()
  readonly to?: string;

  @ApiPropertyOptional({ enum: ['month', 'quarter', 'year'], description: 'sub-periods of a series or of groupBy=period (default month)' })
  @IsOptional()
  @IsString()
  readonly granularity?: string;

  @ApiPropertyOptional({ example: '33', description: 'region code prefix: 2 province, 4 city, 6 county; absent = national' })
  @IsOptional()
  @IsString()
  readonly region?: string;

  @ApiPropertyOptional({ example: 'region,segment', description: 'comma list of region, segment, productClass, beneficiary, kind, period' })
  @IsOptional()
  @IsString()
  readonly groupBy?: string;

  @ApiPropertyOptional({ enum: ['province', 'city', 'county'] })
  @IsOptional()
  @IsString()
  readonly regionLevel?: string;

  @ApiPropertyOptional({ description: 'outlet kind filter (outlet indicators)' })
  @IsOptional()
  @IsString()
  readonly kind?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'true: year to date (1–N月累计), from January of the period\'s year to its end, compared with the same months a year earlier' })
  @IsOptional()
  @IsString()
  readonly cumulative?: string;

  @ApiPropertyOptional({
    enum: ['none', 'include'],
    description: 'report indicators: include = months owed and not filed are estimated (ratio-yoy v1 for revenue and tax, carry-forward v1 for employment; see the catalogue); none (default) = filed figures only',
  })
  @IsOptional()
  @IsString()
  readonly imputation?: string;

  @ApiPropertyOptional({ example: '2024-03-01T08:00:00Z', description: 'the answer as it was known at this instant' })
  @IsOptional()
  @IsString()
  readonly asOf?: string;

  @ApiPropertyOptional({
    enum: ['json', 'csv', 'xlsx', 'sdmx-json', 'sdmx-csv'],
    description: 'csv (UTF-8 with BOM) or xlsx (numbers as numbers): the same rows as the JSON answer, as a download; sdmx-json or sdmx-csv: SDMX 2.0 data of the dataflow of the indicator (GET /v1/sdmx/structure)',
  })
  @IsOptional()
  @IsString()
  readonly format?: string;

  @ApiPropertyOptional({ enum: ['zh', 'en'], description: 'the language of a file\'s column headers (default: Accept-Language)' })
  @IsOptional()
  @IsString()
  readonly lang?: string;
}
