import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { access } from '../../../../libs/application/src/index.js';
import { findIndicator, INDICATORS, parseQuestion, ProjectionProgress, StatisticsService, type Indicator } from '../../../../libs/analytics/src/index.js';
import { NotFoundError } from '../../../../libs/domain/src/index.js';
import { Context, Roles, type RequestContext } from '../http/auth.js';
import { GetStatisticsRequestDto } from './statistics.request.dto.js';
import { statisticsView, type StatisticsView } from './statistics.view.js';

@ApiTags('statistics')
@ApiBearerAuth()
@Controller('v1/statistics')
export class StatisticsController {
  constructor(
    private readonly statistics: StatisticsService,
    private readonly progress: ProjectionProgress,
  ) {}

  @Get()
  @Roles('bureau', 'regulator', 'admin')
  @ApiOperation({ summary: 'The indicator catalogue' })
  catalogue(): (Omit<Indicator, 'family'> & { frequency: 'monthly' | 'annual' })[] {
    // Annual-report indicators are asked for whole years: the catalogue says so.
    return INDICATORS.map(({ family, ...entry }) => ({ ...entry, frequency: family === 'annual' ? 'annual' : 'monthly' }));
  }

  @Get(':indicator')
  @Roles('bureau', 'regulator', 'admin')
  @ApiOperation({ summary: 'Industry figures for a period and region, optionally grouped, as of any instant' })
  async figures(@Context() { principal }: RequestContext, @Param('indicator') id: string, @Query() params: GetStatisticsRequestDto): Promise<StatisticsView> {
    const indicator = findIndicator(id);
    if (!indicator) throw new NotFoundError(`there is no indicator "${id}"; GET /v1/statistics lists them`);
    // A bureau that names no region reads its own (API.md); naming a wider one stays forbidden.
    const scoped = principal.role === 'bureau' && params.region === undefined && principal.region ? { ...params, region: principal.region } : params;
    const question = parseQuestion(scoped, indicator);
    access.assertRegion(principal, question.region);
    // The position is read before the figures: they include at least every event up to it.
    const position = this.progress.position;
    return statisticsView(await this.statistics.figures(question), { position, now: new Date().toISOString() });
  }
}
