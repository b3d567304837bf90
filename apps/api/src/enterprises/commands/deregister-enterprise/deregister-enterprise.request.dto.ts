import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';

export class DeregisterEnterpriseRequestDto {
  @ApiProperty({ example: '2025-01', description: 'first month in which the enterprise no longer exists' })
  @IsString()
  readonly effectiveFrom: string;

  @ApiProperty({ example: '企业注销' })
  @IsString()
  @MaxLength(2000)
  readonly reason: string;
}
