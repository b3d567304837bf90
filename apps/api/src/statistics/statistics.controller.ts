import { Controller, Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG, type AppConfig } from '../../../../libs/platform/src/index.js';
import { fileRequest, sendFile, type Column } from '../http/tabular.js';
import { isSdmxFormat, sendSdmx } from '../http/sdmx.js';
import { statisticsDataset } from '../http/sdmx-views.js';
import { access } from '../../../../libs/application/src/index.js';
import { findIndicator, INDICATORS, parseQuestion, ProjectionProgress, StatisticsService, type Indicator } from '../../../../libs/analytics/src/index.js';
import { NotFoundError } from '../../../../libs/domain/src/index.js';
import { Context, Roles, type RequestContext } from '../http/auth.js';
import { GetStatisticsRequestDto } from './statistics.request.dto.js';
import { statisticsView, type StatisticsRow, type StatisticsView } from './statistics.view.js';

@ApiTags('statistics')
@ApiBearerAuth()
@Controller('v1/statistics')
export class StatisticsController {
  constructor(
    private readonly statistics: StatisticsService,
    private readonly progress: ProjectionProgress,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
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
  async figures(
    @Context() { principal }: RequestContext,
    @Param('indicator') id: string,
    @Query() { format: rawFormat, lang, ...params }: GetStatisticsRequestDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StatisticsView | Buffer | string> {
    const sdmx = isSdmxFormat(rawFormat) ? rawFormat : undefined;
    const { format, language } = sdmx ? { format: undefined, language: this.config.language } : fileRequest(request, { format: rawFormat, lang }, this.config.language);
    const indicator = findIndicator(id);
    if (!indicator) throw new NotFoundError(`there is no indicator "${id}"; GET /v1/statistics lists them`);
    // A bureau that names no region reads its own (API.md); naming a wider one stays forbidden.
    const scoped = principal.role === 'bureau' && params.region === undefined && principal.region ? { ...params, region: principal.region } : params;
    const question = parseQuestion(scoped, indicator);
    access.assertRegion(principal, question.region);
    // The position is read before the figures: they include at least every event up to it.
    const position = this.progress.position;
    const view = statisticsView(await this.statistics.figures(question), { position, now: new Date().toISOString() });
    if (sdmx) return sendSdmx(reply, sdmx, [statisticsDataset(view)]);
    if (!format) return view;
    return sendFile(reply, format, `${view.indicator}-${view.period.replace('/', '_')}-${view.region ?? 'national'}`, language, statisticsColumns(view), view.rows);
  }
}

/** The columns of a statistics file: the answer's groupings, its value and what the JSON says of each cell. */
function statisticsColumns(view: StatisticsView): Column<StatisticsRow>[] {
  const first = view.rows[0] ?? ({} as Partial<StatisticsRow>);
  const has = (key: keyof StatisticsRow) => view.rows.some((r) => r[key] !== undefined) || key in first;
  const columns: Column<StatisticsRow>[] = [];
  if (has('region')) columns.push({ zh: '地区代码', en: 'region_code', value: (r) => r.region?.code }, { zh: '地区', en: 'region_name', value: (r) => r.region?.name });
  if (has('segment')) columns.push({ zh: '类型', en: 'segment', value: (r) => r.segment });
  if (has('kind')) columns.push({ zh: '网点类型', en: 'kind', value: (r) => r.kind });
  if (has('productClass')) columns.push({ zh: '产品类别', en: 'product_class', value: (r) => r.productClass });
  if (has('beneficiary')) columns.push({ zh: '受益人群', en: 'beneficiary', value: (r) => r.beneficiary });
  columns.push({ zh: '时期', en: 'period', value: (r) => r.period ?? view.period });
  columns.push({ zh: `数值（${view.unit}）`, en: `value (${view.unit})`, type: view.unit === 'yuan' ? 'money' : 'number', value: (r) => r.value });
  if (has('numerator')) columns.push({ zh: '分子', en: 'numerator', type: 'number', value: (r) => r.numerator }, { zh: '分母', en: 'denominator', type: 'number', value: (r) => r.denominator });
  columns.push({ zh: '填报单位数', en: 'contributors', type: 'number', value: (r) => r.contributors }, { zh: '同比', en: 'yoy', type: 'number', value: (r) => r.yoy });
  if (has('imputed')) columns.push({ zh: '推算部分', en: 'imputed', type: view.unit === 'yuan' ? 'money' : 'number', value: (r) => r.imputed }, { zh: '推算单位数', en: 'imputed_contributors', type: 'number', value: (r) => r.imputedContributors });
  if (has('response'))
    columns.push(
      { zh: '应报单位数', en: 'expected', type: 'number', value: (r) => r.response?.expected },
      { zh: '已报单位数', en: 'filed', type: 'number', value: (r) => r.response?.filed },
      { zh: '回答率', en: 'response_rate', type: 'number', value: (r) => r.response?.rate },
      { zh: '加权回答率', en: 'weighted_response_rate', type: 'number', value: (r) => r.response?.weightedRate },
    );
  return columns;
}
