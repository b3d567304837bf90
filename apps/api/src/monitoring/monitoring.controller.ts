import { Body, Controller, Get, HttpCode, Inject, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG, type AppConfig } from '../../../../libs/platform/src/index.js';
import { fileRequest, sendFile, type Column } from '../http/tabular.js';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { ClickHouseClient } from '@clickhouse/client';
import {
  ANALYTICS_CONFIG,
  ANNUAL_VS_MONTHS_CHECK,
  CLICKHOUSE_CLIENT,
  consistencyChecks,
  REVENUE_PER_EMPLOYEE_CHECK,
  STOCK_FLOW_CHECKS,
  type AnnualVsMonthsFinding,
  type CheckDescription,
  type RangeCell,
  type RevenuePerEmployeeFinding,
  type StockFlowCell,
  type StockFlowRecord,
  ProjectionProgress,
  queryFilingCompliance, queryReviews, querySoftEditFlags, type AnalyticsConfig, type ComplianceRow, type FlagRow, type ReviewStatus } from '../../../../libs/analytics/src/index.js';
import { filingDeadline, isMonth, monthIndex, parseAsOf, parsePeriod, PERIOD_RANGE_TEXT, ValidationFailedError } from '../../../../libs/domain/src/index.js';
import { findRegion, isRegionPrefix } from '../../../../libs/reference/src/index.js';
import { access, SendReminders, SendRemindersInput, type CommandMeta, type RemindersSent } from '../../../../libs/application/src/index.js';
import { Context, Meta, Roles, type RequestContext } from '../http/auth.js';

/** A bureau that names no region monitors its own (as for statistics). */
function ownRegion(context: RequestContext): string | undefined {
  return context.principal.role === 'bureau' ? context.principal.region : undefined;
}

/** A region prefix from the query ('' = the country); anything but an existing code is a 400 naming `region`. */
function regionParam(region: string | undefined): string {
  const prefix = region ?? '';
  if (prefix !== '' && !(/^\d{2}(\d{2}){0,2}$/.test(prefix) && isRegionPrefix(prefix)))
    throw ValidationFailedError.field('region', 'must be an existing 2-, 4- or 6-digit GB/T 2260 region code');
  return prefix;
}

function monitoringParams(period: string | undefined, region: string | undefined) {
  if (!isMonth(period)) throw ValidationFailedError.field('period', `is required: a month YYYY-MM ${PERIOD_RANGE_TEXT}`);
  return { period, prefix: regionParam(region) };
}

export interface ComplianceView {
  period: string;
  region: string | null;
  deadline: string;
  deadlinePassed: boolean;
  asOf: string | null;
  summary: { due: number; filed: number; onTime: number; late: number; missing: number; reviewStatus?: ReviewCounts };
  byRegion: { region: { code: string; name: string | null }; due: number; filed: number; late: number; missing: number; reviewStatus?: ReviewCounts }[];
  missing: { uscc: string; name: string; regionCode: string }[];
  late: { uscc: string; name: string; regionCode: string; firstFiledAt: string }[];
}

type Named = { code: string; name: string | null };
const named = (code: string): Named => ({ code, name: findRegion(code)?.name ?? null });

/** A stock–flow identity: every county's figures, and the counties where it does not hold with the records that explain it. */
interface StockFlowView extends CheckDescription {
  cells: (Omit<StockFlowCell, 'region'> & { region: Named })[];
  findings: { region: Named; difference: number; enterprises: string[]; records: Omit<StockFlowRecord, 'region'>[] }[];
}

export interface ConsistencyView {
  period: string;
  region: string | null;
  asOf: string | null;
  /** The instant the opening stocks are taken as known at. */
  openingKnownAt: string;
  summary: { checks: number; findings: number };
  checks: [
    StockFlowView,
    StockFlowView,
    CheckDescription & { cells: RangeCell[]; findings: RevenuePerEmployeeFinding[] },
    CheckDescription & { applies: boolean; findings: AnnualVsMonthsFinding[] },
  ];
}

function stockFlowView(check: CheckDescription, { cells, records }: { cells: StockFlowCell[]; records: StockFlowRecord[] }): StockFlowView {
  return {
    ...check,
    cells: cells.map(({ region, ...c }) => ({ region: named(region), ...c })),
    findings: cells
      .filter((c) => c.difference !== 0)
      .map((c) => {
        const own = records.filter((r) => r.region === c.region);
        return { region: named(c.region), difference: c.difference, enterprises: [...new Set(own.map((r) => r.uscc))].sort(), records: own.map(({ region: _region, ...r }) => r) };
      }),
  };
}

/** How the filed reports of a cell stand in review. */
type ReviewCounts = Record<ReviewStatus, number>;

const noReviews = (): ReviewCounts => ({ submitted: 0, queried: 0, returned: 0, accepted: 0 });

/** Monthly monitoring a statistics bureau needs: who has not filed, who filed late, what was explained. */
@ApiTags('monitoring')
@ApiBearerAuth()
@Controller('v1/monitoring')
export class MonitoringController {
  constructor(
    @Inject(CLICKHOUSE_CLIENT) private readonly client: ClickHouseClient,
    @Inject(ANALYTICS_CONFIG) private readonly config: AnalyticsConfig,
    private readonly progress: ProjectionProgress,
    private readonly commands: CommandBus,
    @Inject(APP_CONFIG) private readonly appConfig: AppConfig,
  ) {}

  private get upTo(): { upTo?: number } {
    return this.progress.cut;
  }

  @Get('filing-compliance')
  @Roles('bureau', 'regulator', 'admin')
  @ApiOperation({ summary: 'Registered enterprises without a report for the month, and late filers (after the 15th of the next month)' })
  @ApiQuery({ name: 'period', example: '2024-05' })
  @ApiQuery({ name: 'region', required: false })
  @ApiQuery({ name: 'asOf', required: false })
  @ApiQuery({ name: 'reviewStatus', required: false, description: 'true: how the filed reports stand in review (submitted, queried, returned, accepted), in total and per region' })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv', 'xlsx'], description: 'csv or xlsx: the missing and late filers as a download' })
  @ApiQuery({ name: 'lang', required: false, enum: ['zh', 'en'], description: "the language of a file's column headers" })
  async compliance(
    @Context() context: RequestContext,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Query('period') period?: string,
    @Query('region') region?: string,
    @Query('asOf') asOf?: string,
    @Query('reviewStatus') reviewStatus?: string,
    @Query('format') rawFormat?: string,
    @Query('lang') lang?: string,
  ): Promise<ComplianceView | Buffer | string> {
    const { format, language } = fileRequest(request, { format: rawFormat, lang }, this.appConfig.language);
    if (reviewStatus !== undefined && reviewStatus !== 'true' && reviewStatus !== 'false') throw ValidationFailedError.field('reviewStatus', 'must be true or false');
    const { period: month, prefix } = monitoringParams(period, region ?? ownRegion(context));
    const at = parseAsOf(asOf);
    access.assertRegion(context.principal, prefix, 'monitor filings in');
    const rows: ComplianceRow[] = await queryFilingCompliance(this.client, this.config.database, { month: monthIndex(month), period: month, region: prefix, asOf: at, ...this.upTo });
    const reviews = reviewStatus === 'true' ? await queryReviews(this.client, this.config.database, { month: monthIndex(month), usccs: rows.map((r) => r.uscc), asOf: at, ...this.upTo }) : undefined;
    const reviewCounts = new Map<string, ReviewCounts>();
    const total = noReviews();
    for (const r of rows) {
      const status = reviews?.get(r.uscc)?.status;
      if (!status) continue;
      const counts = reviewCounts.get(r.regionCode) ?? noReviews();
      counts[status] += 1;
      total[status] += 1;
      reviewCounts.set(r.regionCode, counts);
    }
    const deadline = filingDeadline(month);
    const late = rows.filter((r) => r.firstFiledAt !== null && r.firstFiledAt > deadline);
    const missing = rows.filter((r) => r.firstFiledAt === null);
    const counties = new Map<string, { due: number; filed: number; late: number; missing: number }>();
    for (const r of rows) {
      const c = counties.get(r.regionCode) ?? { due: 0, filed: 0, late: 0, missing: 0 };
      c.due += 1;
      if (r.firstFiledAt === null) c.missing += 1;
      else {
        c.filed += 1;
        if (r.firstFiledAt > deadline) c.late += 1;
      }
      counties.set(r.regionCode, c);
    }
    if (format) {
      const listed = [...missing.map((r) => ({ ...r, status: 'missing' })), ...late.map((r) => ({ ...r, status: 'late' }))];
      return sendFile(reply, format, `filing-compliance-${month}-${prefix || 'national'}`, language, COMPLIANCE_COLUMNS, listed);
    }
    return {
      period: month,
      region: prefix || null,
      deadline,
      deadlinePassed: (at ?? new Date().toISOString()) > deadline,
      asOf: at ?? null,
      summary: {
        due: rows.length,
        filed: rows.length - missing.length,
        onTime: rows.length - missing.length - late.length,
        late: late.length,
        missing: missing.length,
        ...(reviews ? { reviewStatus: total } : {}),
      },
      byRegion: [...counties.entries()].map(([code, c]) => ({ region: { code, name: findRegion(code)?.name ?? null }, ...c, ...(reviews ? { reviewStatus: reviewCounts.get(code) ?? noReviews() } : {}) })),
      missing: missing.map(({ uscc, name, regionCode }) => ({ uscc, name, regionCode })),
      late: late.map(({ uscc, name, regionCode, firstFiledAt }) => ({ uscc, name, regionCode, firstFiledAt: firstFiledAt! })),
    };
  }

  @Get('consistency')
  @Roles('bureau', 'regulator', 'admin')
  @ApiOperation({
    summary:
      'Consistency checks before publishing (issue 20): stock–flow identities of rentals and outlets per county, revenue per employee outside its cell’s usual range, and (for a whole year) annual reports against the sum of the months — each with the enterprises concerned',
  })
  @ApiQuery({ name: 'period', example: '2024', description: 'YYYY, YYYY-Qn or YYYY-MM' })
  @ApiQuery({ name: 'region', required: false })
  @ApiQuery({ name: 'asOf', required: false })
  @ApiQuery({
    name: 'openingAsOf',
    required: false,
    description: "the instant the opening stocks were published (e.g. the previous release's cut-off); default: when the month before the period was due (the 15th, end of day in China)",
  })
  async consistency(
    @Context() context: RequestContext,
    @Query('period') period?: string,
    @Query('region') region?: string,
    @Query('asOf') asOf?: string,
    @Query('openingAsOf') openingAsOf?: string,
  ): Promise<ConsistencyView> {
    const p = parsePeriod(period ?? '');
    if (!p) throw ValidationFailedError.field('period', `is required: YYYY, YYYY-Qn or YYYY-MM ${PERIOD_RANGE_TEXT}`);
    const prefix = regionParam(region ?? ownRegion(context));
    const at = parseAsOf(asOf);
    let opening: string | undefined;
    try {
      opening = parseAsOf(openingAsOf);
    } catch {
      throw ValidationFailedError.field('openingAsOf', 'must be an ISO 8601 instant with a time zone, e.g. 2025-01-15T16:00:00Z');
    }
    access.assertRegion(context.principal, prefix, 'check the figures of');
    const result = await consistencyChecks(this.client, this.config.database, {
      fromMonth: p.fromMonth,
      toMonth: p.toMonth,
      region: prefix,
      asOf: at,
      upToPosition: this.progress.cut.upTo,
      ...(opening ? { openingAsOf: opening } : {}),
    });
    const checks: ConsistencyView['checks'] = [
      stockFlowView(STOCK_FLOW_CHECKS.rentals, result.stockFlow.rentals),
      stockFlowView(STOCK_FLOW_CHECKS.outlets, result.stockFlow.outlets),
      { ...REVENUE_PER_EMPLOYEE_CHECK, ...result.revenuePerEmployee },
      { ...ANNUAL_VS_MONTHS_CHECK, applies: result.annualVsMonths !== null, findings: result.annualVsMonths ?? [] },
    ];
    return {
      period: p.label,
      region: prefix || null,
      asOf: at ?? null,
      openingKnownAt: result.openingKnownAt,
      summary: { checks: checks.length, findings: checks.reduce((n, c) => n + c.findings.length, 0) },
      checks,
    };
  }

  @Get('flags')
  @Roles('bureau', 'regulator', 'admin')
  @ApiOperation({ summary: 'Filings accepted with soft-edit explanations, for review' })
  @ApiQuery({ name: 'period', example: '2024-05' })
  @ApiQuery({ name: 'region', required: false })
  @ApiQuery({ name: 'asOf', required: false })
  async flags(@Context() context: RequestContext, @Query('period') period?: string, @Query('region') region?: string, @Query('asOf') asOf?: string): Promise<{ period: string; region: string | null; flags: FlagRow[] }> {
    const { period: month, prefix } = monitoringParams(period, region ?? ownRegion(context));
    access.assertRegion(context.principal, prefix, 'review filings in');
    const flags = await querySoftEditFlags(this.client, this.config.database, { month: monthIndex(month), region: prefix, asOf: parseAsOf(asOf), ...this.upTo });
    return { period: month, region: prefix || null, flags };
  }

  @Post('reminders')
  @HttpCode(200)
  @Roles('bureau', 'admin')
  @ApiOperation({ summary: 'Remind every enterprise that has not filed a month (催报): one FilingReminderSent per enterprise and month, never twice' })
  reminders(@Meta() meta: CommandMeta, @Body() input: SendRemindersInput): Promise<RemindersSent> {
    return this.commands.execute(new SendReminders(meta, input));
  }
}

/** The missing and late filers of a month, as a file. */
const COMPLIANCE_COLUMNS: Column<{ status: string; uscc: string; name: string; regionCode: string; firstFiledAt: string | null }>[] = [
  { zh: '状态', en: 'status', value: (r) => r.status },
  { zh: '统一社会信用代码', en: 'uscc', value: (r) => r.uscc },
  { zh: '企业名称', en: 'name', value: (r) => r.name },
  { zh: '地区代码', en: 'region_code', value: (r) => r.regionCode },
  { zh: '首次报送时间', en: 'first_filed_at', value: (r) => r.firstFiledAt },
];
