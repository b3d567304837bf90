import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, IsString, MaxLength } from 'class-validator';

export class RegisterEnterpriseRequestDto {
  @ApiProperty({ example: '91330106MA2B0000XX', description: '统一社会信用代码 (GB 32100-2015)' })
  @IsString()
  readonly uscc: string;

  @ApiProperty({ example: '杭州康复辅具有限公司' })
  @IsString()
  @MaxLength(200)
  readonly name: string;

  @ApiProperty({ example: '330106', description: 'county-level GB/T 2260 code' })
  @IsString()
  readonly regionCode: string;

  @ApiProperty({ enum: ['manufacturing', 'distribution', 'configuration_service', 'rental_service', 'rnd', 'other'] })
  @IsString()
  readonly segment: string;

  @ApiPropertyOptional({ example: '3586', description: 'GB/T 4754-2017 industry class' })
  @IsOptional()
  @IsString()
  readonly industryCode?: string;

  @ApiProperty({ example: ['12 22', '18'], description: 'ISO 9999 classes or subclasses' })
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  readonly productClasses: string[];

  @ApiProperty({ example: '2020-05-01' })
  @IsString()
  readonly registeredOn: string;
}
