import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';

export class FileMonthlyReportRequestDto {
  @ApiProperty({ example: '1234567.80', description: '主营业务收入, yuan, at most 2 decimals' })
  @IsString({ message: 'must be a decimal string such as "1234.50"' })
  readonly revenue: string;

  @ApiProperty({ example: '45678.90', description: '税金, yuan, at most 2 decimals' })
  @IsString({ message: 'must be a decimal string such as "1234.50"' })
  readonly taxPaid: string;

  @ApiProperty({ example: 120, description: '从业人员, end-of-month headcount' })
  @IsInt({ message: 'must be a whole number' })
  readonly employees: number;

  @ApiPropertyOptional({ example: { 'revenue-yoy': '新生产线于本月投产，订单量较去年同期大幅增加。' }, description: 'soft-edit rule id → written explanation' })
  @IsOptional()
  @IsObject()
  readonly explanations?: Record<string, string>;

  @ApiPropertyOptional({ example: '财务复核后更正收入口径', description: 'required for a correction' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  readonly reason?: string;
}
