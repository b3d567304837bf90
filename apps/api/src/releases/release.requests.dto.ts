import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';

export class ReleaseTableDto {
  @ApiProperty({ example: 'revenue' })
  @IsString()
  readonly indicator: string;

  @ApiPropertyOptional({
    oneOf: [{ type: 'string', example: 'region,segment' }, { type: 'array', items: { type: 'string' }, example: ['region', 'segment'] }],
    description: 'region, segment, productClass, beneficiary, kind, period: a comma list as in the statistics API, or an array as releases answer it',
  })
  @IsOptional()
  @IsString({ each: true, message: 'must be a comma list or an array of strings' })
  readonly groupBy?: string | string[];

  @ApiPropertyOptional({ enum: ['province', 'city', 'county'] })
  @IsOptional()
  @IsString()
  readonly regionLevel?: string;
}

export class DraftReleaseRequestDto {
  @ApiProperty({ example: '2024年浙江省康复辅具产业主要指标' })
  @IsString()
  @MaxLength(300)
  readonly title: string;

  @ApiProperty({ example: '2024' })
  @IsString()
  readonly period: string;

  @ApiPropertyOptional({ example: '33' })
  @IsOptional()
  @IsString()
  readonly region?: string;

  @ApiProperty({ type: [ReleaseTableDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => ReleaseTableDto)
  readonly tables: ReleaseTableDto[];
}

export class DiscardReleaseRequestDto {
  @ApiProperty({ example: '期别填写错误，重新起草' })
  @IsString()
  @MaxLength(2000)
  readonly reason: string;
}
