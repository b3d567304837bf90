import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, IsString, MaxLength, ValidateIf } from 'class-validator';

/** The details to correct in the register; fields left out stay as they are. */
export class AmendEnterpriseDetailsRequestDto {
  @ApiPropertyOptional({ example: '杭州康复辅具股份有限公司' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  readonly name?: string;

  @ApiPropertyOptional({ enum: ['manufacturing', 'distribution', 'configuration_service', 'rental_service', 'rnd', 'other'], description: 'a new segment re-files the history under it' })
  @IsOptional()
  @IsString()
  readonly segment?: string;

  @ApiPropertyOptional({ example: '3586', nullable: true, type: String, description: 'GB/T 4754-2017 industry class; null removes it' })
  @ValidateIf((_, value) => value !== undefined && value !== null)
  @IsString()
  readonly industryCode?: string | null;

  @ApiPropertyOptional({ example: ['12 22', '18'], description: 'ISO 9999 classes or subclasses (the whole new list)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  readonly productClasses?: string[];
}
