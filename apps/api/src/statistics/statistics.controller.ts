import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { INDICATORS, type Indicator } from '../../../../libs/analytics/src/index.js';
import { Context, Roles, type RequestContext } from '../common/auth.js';
import { GetStatisticsQuery, type StatisticsView } from './queries/get-statistics/get-statistics.query.js';
import { GetStatisticsRequestDto } from './queries/get-statistics/get-statistics.request.dto.js';

@ApiTags('statistics')
@ApiBearerAuth()
@Controller('v1/statistics')
export class StatisticsController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get()
  @Roles('bureau', 'regulator', 'admin')
  @ApiOperation({ summary: 'The indicator catalogue' })
  catalogue(): Omit<Indicator, 'family'>[] {
    return INDICATORS.map(({ family: _family, ...entry }) => entry);
  }

  @Get(':indicator')
  @Roles('bureau', 'regulator', 'admin')
  @ApiOperation({ summary: 'Industry figures for a period and region, optionally grouped, as of any instant' })
  figures(@Context() context: RequestContext, @Param('indicator') indicator: string, @Query() params: GetStatisticsRequestDto): Promise<StatisticsView> {
    return this.queryBus.execute(new GetStatisticsQuery(context, indicator, params));
  }
}
