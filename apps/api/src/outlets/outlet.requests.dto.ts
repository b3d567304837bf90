import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';

export class OpenOutletRequestDto {
  @ApiProperty({ example: 'HZ-XH-001', description: 'chosen by the enterprise; letters, digits, . _ : -' })
  @IsString()
  readonly outletId: string;

  @ApiProperty({ example: '91330106MA2B0000XX' })
  @IsString()
  readonly uscc: string;

  @ApiProperty({ enum: ['rental_point', 'configuration_center', 'experience_center', 'disinfection_center'] })
  @IsString()
  readonly kind: string;

  @ApiProperty({ example: '330106001001', description: '12-digit 村/居委会 code' })
  @IsString()
  readonly communityCode: string;

  @ApiProperty({ example: '北山街道康复辅具租赁服务点' })
  @IsString()
  @MaxLength(200)
  readonly name: string;

  @ApiProperty({ example: '2024-03-01' })
  @IsString()
  readonly openedOn: string;
}

export class CloseOutletRequestDto {
  @ApiProperty({ example: '2025-06-30' })
  @IsString()
  readonly closedOn: string;

  @ApiProperty({ example: '社区服务中心改造，服务点迁出' })
  @IsString()
  @MaxLength(2000)
  readonly reason: string;
}
