import { Controller, Get, Param, Query, UseInterceptors } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { isMonth, PERIOD_RANGE_TEXT, ValidationFailedError } from '../../../../../libs/domain/src/index.js';
import { parseAsOf } from '../../common/as-of.js';
import { Context, type RequestContext } from '../../common/auth.js';
import { assertUsccParam } from '../enterprise-stream.js';
import { GetEnterpriseQuery, type EnterpriseView } from './get-enterprise/get-enterprise.query.js';
import { GetMonthlyReportQuery, type MonthlyReportView } from './get-monthly-report/get-monthly-report.query.js';
import { ETagInterceptor } from '../../common/etag.interceptor.js';

@ApiTags('enterprises')
@ApiBearerAuth()
@Controller('v1/enterprises/:uscc')
export class EnterpriseReadsController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get()
  @UseInterceptors(ETagInterceptor)
  @ApiOperation({ summary: 'An enterprise as it is now, or as it was known at asOf' })
  @ApiQuery({ name: 'asOf', required: false })
  get(@Context() context: RequestContext, @Param('uscc') uscc: string, @Query('asOf') asOf?: string): Promise<EnterpriseView> {
    assertUsccParam(uscc);
    return this.queryBus.execute(new GetEnterpriseQuery(context, uscc, parseAsOf(asOf)));
  }

  @Get('reports/:period')
  @UseInterceptors(ETagInterceptor)
  @ApiOperation({ summary: 'A monthly report with its full revision history' })
  @ApiQuery({ name: 'asOf', required: false })
  report(@Context() context: RequestContext, @Param('uscc') uscc: string, @Param('period') period: string, @Query('asOf') asOf?: string): Promise<MonthlyReportView> {
    assertUsccParam(uscc);
    if (!isMonth(period)) throw ValidationFailedError.field('period', `must be a month YYYY-MM ${PERIOD_RANGE_TEXT}`);
    return this.queryBus.execute(new GetMonthlyReportQuery(context, uscc, period, parseAsOf(asOf)));
  }
}
