import { ApiProperty } from '@nestjs/swagger';
import { IsString } from 'class-validator';

export class RelocateEnterpriseRequestDto {
  @ApiProperty({ example: '330108', description: 'the new county-level region' })
  @IsString()
  readonly regionCode: string;

  @ApiProperty({ example: '2024-07', description: 'first month counted in the new region' })
  @IsString()
  readonly effectiveFrom: string;
}
