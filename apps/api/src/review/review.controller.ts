import { Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG, type AppConfig } from '../../../../libs/platform/src/index.js';
import { fileRequest, sendFile, type Column } from '../http/tabular.js';
import type { ClickHouseClient } from '@clickhouse/client';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ANALYTICS_CONFIG, CLICKHOUSE_CLIENT, ProjectionProgress, queryFilingCompliance, queryReviews, type AnalyticsConfig } from '../../../../libs/analytics/src/index.js';
import { access } from '../../../../libs/application/src/index.js';
import { FieldParser, filingDeadline, monthIndex, ValidationFailedError } from '../../../../libs/domain/src/index.js';
import { isRegionPrefix } from '../../../../libs/reference/src/index.js';
import { Context, Roles, type RequestContext } from '../http/auth.js';
import { queueItem, QUEUE_STATUSES, type QueueItem, type QueueStatus, type ReviewQueueView } from './review.queue.js';

function pageParam(name: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  if (!/^\d{1,6}$/.test(value) || Number(value) < 1 || Number(value) > max) throw ValidationFailedError.field(name, `must be a whole number from 1 to ${max}`);
  return Number(value);
}

/** The bureau's review queue (审核): every enterprise that owes a month, with its filing and review status. */
@ApiTags('review')
@ApiBearerAuth()
@Controller('v1/review')
export class ReviewController {
  constructor(
    @Inject(CLICKHOUSE_CLIENT) private readonly client: ClickHouseClient,
    @Inject(ANALYTICS_CONFIG) private readonly config: AnalyticsConfig,
    private readonly progress: ProjectionProgress,
    @Inject(APP_CONFIG) private readonly appConfig: AppConfig,
  ) {}

  @Get()
  @Roles('bureau', 'regulator', 'admin')
  @ApiOperation({ summary: 'The review queue of a month: filings to review (soft edits first), open queries, returns, late and missing filers; paged' })
  @ApiQuery({ name: 'period', example: '2024-05' })
  @ApiQuery({ name: 'region', required: false, description: 'region code prefix (a bureau: its own region when absent)' })
  @ApiQuery({ name: 'status', required: false, enum: QUEUE_STATUSES })
  @ApiQuery({ name: 'page', required: false })
  @ApiQuery({ name: 'pageSize', required: false })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv', 'xlsx'], description: 'csv or xlsx: every item of the queue (all pages) as a download' })
  @ApiQuery({ name: 'lang', required: false, enum: ['zh', 'en'], description: "the language of a file's column headers" })
  async queue(
    @Context() { principal }: RequestContext,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Query('period') period?: string,
    @Query('region') region?: string,
    @Query('status') status?: string,
    @Query('page') page?: string,
    @Query('pageSize') pageSize?: string,
    @Query('format') rawFormat?: string,
    @Query('lang') lang?: string,
  ): Promise<ReviewQueueView | Buffer | string> {
    const { format, language } = fileRequest(request, { format: rawFormat, lang }, this.appConfig.language);
    const f = new FieldParser();
    const month = f.month('period', period);
    const prefix = region ?? (principal.role === 'bureau' ? (principal.region ?? '') : '');
    if (prefix !== '' && !(/^\d{2}(\d{2}){0,2}$/.test(prefix) && isRegionPrefix(prefix))) f.check('region', 'must be an existing 2-, 4- or 6-digit GB/T 2260 region code');
    if (status !== undefined && !(QUEUE_STATUSES as readonly string[]).includes(status)) f.check('status', `must be one of ${QUEUE_STATUSES.join(', ')}`);
    f.done();
    const [p, size] = [pageParam('page', page, 1, 100_000), pageParam('pageSize', pageSize, 50, 500)];
    access.assertRegion(principal, prefix, 'review filings in');
    const upTo = this.progress.cut;
    const due = await queryFilingCompliance(this.client, this.config.database, { month: monthIndex(month), period: month, region: prefix, ...upTo });
    const reviews = await queryReviews(this.client, this.config.database, { month: monthIndex(month), usccs: due.map((d) => d.uscc), ...upTo });
    const now = new Date().toISOString();
    const items = due.map((d) => queueItem(d, reviews.get(d.uscc), month, filingDeadline(month), now));
    const counts = Object.fromEntries(QUEUE_STATUSES.map((s) => [s, items.filter((i) => i.statuses.includes(s)).length])) as Record<QueueStatus, number>;
    const chosen = status ? items.filter((i) => i.statuses.includes(status as QueueStatus)) : items;
    chosen.sort((a, b) => a.priority - b.priority || a.regionCode.localeCompare(b.regionCode) || a.uscc.localeCompare(b.uscc));
    if (format) return sendFile(reply, format, `review-${month}-${prefix || 'national'}`, language, QUEUE_COLUMNS, chosen);
    return {
      period: month,
      region: prefix || null,
      status: (status as QueueStatus | undefined) ?? null,
      deadline: filingDeadline(month),
      counts,
      total: chosen.length,
      page: p,
      pageSize: size,
      items: chosen.slice((p - 1) * size, p * size).map(({ priority: _priority, ...item }) => item),
    };
  }
}

const QUEUE_COLUMNS: Column<QueueItem>[] = [
  { zh: '统一社会信用代码', en: 'uscc', value: (i) => i.uscc },
  { zh: '企业名称', en: 'name', value: (i) => i.name },
  { zh: '地区代码', en: 'region_code', value: (i) => i.regionCode },
  { zh: '报告期', en: 'period', value: (i) => i.period },
  { zh: '报送状态', en: 'filing', value: (i) => i.filing },
  { zh: '首次报送时间', en: 'first_filed_at', value: (i) => i.firstFiledAt },
  { zh: '修订版本', en: 'revision', type: 'number', value: (i) => i.revision },
  { zh: '审核状态', en: 'review', value: (i) => i.review },
  { zh: '核实性审核规则', en: 'soft_edits', value: (i) => i.softEdits.join(' ') },
  { zh: '未答复查询数', en: 'open_queries', type: 'number', value: (i) => i.openQueries },
  { zh: '催报时间', en: 'reminded_at', value: (i) => i.remindedAt },
];
