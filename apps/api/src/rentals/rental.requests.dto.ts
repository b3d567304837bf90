import { ApiProperty } from '@nestjs/swagger';
import { IsString } from 'class-validator';

export class StartRentalRequestDto {
  @ApiProperty({ example: 'R-2024-000123' })
  @IsString()
  readonly rentalId: string;

  @ApiProperty({ example: 'HZ-XH-001' })
  @IsString()
  readonly outletId: string;

  @ApiProperty({ example: '12 22', description: 'ISO 9999 class or subclass (e.g. 12 22 wheelchairs, 18 12 beds)' })
  @IsString()
  readonly productClass: string;

  @ApiProperty({ example: 'WC-0001-2024', description: 'the device trace code (产品追溯码)' })
  @IsString()
  readonly traceCode: string;

  @ApiProperty({ enum: ['elderly', 'disabled', 'injured', 'other'] })
  @IsString()
  readonly beneficiary: string;

  @ApiProperty({ example: '2024-04-02' })
  @IsString()
  readonly startedOn: string;

  @ApiProperty({ example: '120.00' })
  @IsString({ message: 'must be a decimal string such as "1234.50"' })
  readonly monthlyFee: string;

  @ApiProperty({ example: '60.00' })
  @IsString({ message: 'must be a decimal string such as "1234.50"' })
  readonly monthlySubsidy: string;
}

export class ReturnRentalRequestDto {
  @ApiProperty({ example: '2024-09-30' })
  @IsString()
  readonly endedOn: string;

  @ApiProperty({ example: '2024-10-02', description: 'cleaning and disinfection (清洗消毒), not before endedOn' })
  @IsString()
  readonly disinfectedOn: string;
}
