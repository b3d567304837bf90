import { Readable } from 'node:stream';
import { Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '../../../../libs/event-store/src/index.js';
import { APP_CONFIG, type AppConfig } from '../../../../libs/platform/src/index.js';
import { fileRequest, sendFile, type Column } from '../http/tabular.js';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { ClickHouseClient } from '@clickhouse/client';
import { ANALYTICS_CONFIG, CLICKHOUSE_CLIENT, queryAuditEvents, queryReportVintages, type AnalyticsConfig, type AuditEvent } from '../../../../libs/analytics/src/index.js';
import { formatFen, parseAsOf, parsePeriod, PERIOD_RANGE_TEXT, ValidationFailedError } from '../../../../libs/domain/src/index.js';
import { isRegionPrefix } from '../../../../libs/reference/src/index.js';
import { Roles } from '../http/auth.js';

const VINTAGE_INDICATORS = ['revenue', 'tax', 'employment', 'enterprises'] as const;

/** The regulator's audit trail, answered from ClickHouse. */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('v1/audit')
@Roles('regulator')
export class AuditController {
  constructor(
    @Inject(CLICKHOUSE_CLIENT) private readonly client: ClickHouseClient,
    @Inject(ANALYTICS_CONFIG) private readonly config: AnalyticsConfig,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly appConfig: AppConfig,
  ) {}

  @Get('log')
  @ApiOperation({
    summary:
      'The whole event log as NDJSON, one event per line in position order, from after=<position> up to the head when asked (X-Log-Head); resume with after=<the last position received>',
  })
  @ApiQuery({ name: 'after', required: false, description: 'position of the last event already received (0: from the start)' })
  async log(@Res() reply: FastifyReply, @Query('after') after?: string): Promise<void> {
    if (after !== undefined && !/^\d{1,15}$/.test(after)) throw ValidationFailedError.field('after', 'must be a log position (a whole number)');
    const head = await this.store.headPosition();
    const store = this.store;
    async function* lines(): AsyncGenerator<string> {
      let position = Number(after ?? 0);
      while (position < head) {
        const batch: RecordedEvent[] = await store.readAll({ after: position, limit: 5000 });
        if (!batch.length) break;
        let text = '';
        for (const e of batch) {
          if (e.position > head) return;
          text += `${JSON.stringify({ position: e.position, streamId: e.streamId, revision: e.revision, type: e.type, data: e.data, metadata: e.metadata, recordedAt: e.recordedAt })}\n`;
        }
        yield text;
        position = batch[batch.length - 1].position;
      }
    }
    await reply.header('content-type', 'application/x-ndjson; charset=utf-8').header('x-log-head', String(head)).send(Readable.from(lines()));
  }

  @Get('events')
  @ApiOperation({ summary: 'Events with metadata in log order, filtered, paginated by after=<position>' })
  @ApiQuery({ name: 'streamId', required: false })
  @ApiQuery({ name: 'type', required: false })
  @ApiQuery({ name: 'actor', required: false })
  @ApiQuery({ name: 'from', required: false, description: 'recorded at or after this instant' })
  @ApiQuery({ name: 'to', required: false, description: 'recorded at or before this instant' })
  @ApiQuery({ name: 'after', required: false, description: 'position of the last event already seen' })
  @ApiQuery({ name: 'limit', required: false, description: '1-1000, default 100 (a file: up to 100000, default 10000)' })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv', 'xlsx'], description: 'csv or xlsx: the events as a download' })
  @ApiQuery({ name: 'lang', required: false, enum: ['zh', 'en'], description: "the language of a file's column headers" })
  async events(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Query('streamId') streamId?: string,
    @Query('type') type?: string,
    @Query('actor') actor?: string,
    @Query('from') from?: string,
    @Query('to') to?: string,
    @Query('after') after?: string,
    @Query('limit') limit?: string,
    @Query('format') rawFormat?: string,
    @Query('lang') lang?: string,
  ): Promise<{ events: AuditEvent[]; next: number | null } | Buffer | string> {
    const { format, language } = fileRequest(request, { format: rawFormat, lang }, this.appConfig.language);
    const max = format ? 100_000 : 1000;
    if (after !== undefined && !/^\d{1,15}$/.test(after)) throw ValidationFailedError.field('after', 'must be a log position (a whole number)');
    if (limit !== undefined && !(/^\d{1,6}$/.test(limit) && Number(limit) >= 1 && Number(limit) <= max)) throw ValidationFailedError.field('limit', `must be between 1 and ${max}`);
    for (const [name, value] of [['streamId', streamId], ['type', type], ['actor', actor]] as const)
      if (value !== undefined && value.length > 200) throw ValidationFailedError.field(name, 'must be at most 200 characters');
    const size = Number(limit ?? (format ? 10_000 : 100));
    const events = await queryAuditEvents(this.client, this.config.database, {
      after: Number(after ?? 0),
      limit: size,
      streamId,
      type,
      actor,
      from: parseAsOf(from, 'from'),
      to: parseAsOf(to, 'to'),
    });
    if (format) return sendFile(reply, format, `audit-events-after-${after ?? 0}`, language, EVENT_COLUMNS, events);
    return { events, next: events.length === size ? events[events.length - 1].position : null };
  }

  @Get('vintages')
  @ApiOperation({ summary: 'Every distinct value a figure has had and the instant it became known (ALFRED-style)' })
  @ApiQuery({ name: 'indicator', enum: VINTAGE_INDICATORS })
  @ApiQuery({ name: 'period' })
  @ApiQuery({ name: 'region', required: false })
  async vintages(@Query('indicator') indicator?: string, @Query('period') period?: string, @Query('region') region?: string) {
    if (!VINTAGE_INDICATORS.includes(indicator as never)) throw ValidationFailedError.field('indicator', `must be one of ${VINTAGE_INDICATORS.join(', ')}`);
    const p = period === undefined ? undefined : parsePeriod(period);
    if (!p) throw ValidationFailedError.field('period', `must be YYYY, YYYY-Qn or YYYY-MM ${PERIOD_RANGE_TEXT}`);
    const prefix = region ?? '';
    if (prefix && !(/^\d{2}(\d{2}){0,2}$/.test(prefix) && isRegionPrefix(prefix))) throw ValidationFailedError.field('region', 'must be an existing 2-, 4- or 6-digit region code');
    const money = indicator === 'revenue' || indicator === 'tax';
    const vintages = await queryReportVintages(this.client, this.config.database, {
      indicator: indicator as (typeof VINTAGE_INDICATORS)[number],
      fromMonth: p.fromMonth,
      toMonth: p.toMonth,
      region: prefix,
    });
    return {
      indicator,
      period: p.label,
      region: prefix || null,
      vintages: vintages.map((v) => ({ value: money ? formatFen(v.value) : Number(v.value), knownFrom: v.knownFrom, position: v.position })),
    };
  }
}

const EVENT_COLUMNS: Column<AuditEvent>[] = [
  { zh: '日志位置', en: 'position', type: 'number', value: (e) => e.position },
  { zh: '记录时间', en: 'recorded_at', value: (e) => e.recordedAt },
  { zh: '事件流', en: 'stream_id', value: (e) => e.streamId },
  { zh: '版本', en: 'revision', type: 'number', value: (e) => e.revision },
  { zh: '事件类型', en: 'type', value: (e) => e.type },
  { zh: '操作人', en: 'actor', value: (e) => String(e.metadata.actor ?? '') },
  { zh: '角色', en: 'role', value: (e) => String(e.metadata.role ?? '') },
  { zh: '数据', en: 'data', value: (e) => JSON.stringify(e.data) },
];
