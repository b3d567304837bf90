import { Controller, Get, Inject, Query } from '@nestjs/common';
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
  ) {}

  @Get('events')
  @ApiOperation({ summary: 'Events with metadata in log order, filtered, paginated by after=<position>' })
  @ApiQuery({ name: 'streamId', required: false })
  @ApiQuery({ name: 'type', required: false })
  @ApiQuery({ name: 'actor', required: false })
  @ApiQuery({ name: 'from', required: false, description: 'recorded at or after this instant' })
  @ApiQuery({ name: 'to', required: false, description: 'recorded at or before this instant' })
  @ApiQuery({ name: 'after', required: false, description: 'position of the last event already seen' })
  @ApiQuery({ name: 'limit', required: false, description: '1-1000, default 100' })
  async events(
    @Query('streamId') streamId?: string,
    @Query('type') type?: string,
    @Query('actor') actor?: string,
    @Query('from') from?: string,
    @Query('to') to?: string,
    @Query('after') after?: string,
    @Query('limit') limit?: string,
  ): Promise<{ events: AuditEvent[]; next: number | null }> {
    if (after !== undefined && !/^\d{1,15}$/.test(after)) throw ValidationFailedError.field('after', 'must be a log position (a whole number)');
    if (limit !== undefined && !(/^\d{1,4}$/.test(limit) && Number(limit) >= 1 && Number(limit) <= 1000)) throw ValidationFailedError.field('limit', 'must be between 1 and 1000');
    for (const [name, value] of [['streamId', streamId], ['type', type], ['actor', actor]] as const)
      if (value !== undefined && value.length > 200) throw ValidationFailedError.field(name, 'must be at most 200 characters');
    const size = Number(limit ?? 100);
    const events = await queryAuditEvents(this.client, this.config.database, {
      after: Number(after ?? 0),
      limit: size,
      streamId,
      type,
      actor,
      from: parseAsOf(from, 'from'),
      to: parseAsOf(to, 'to'),
    });
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
