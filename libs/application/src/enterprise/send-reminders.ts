import { Inject, Module } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { ClickHouseClient } from '@clickhouse/client';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import { ANALYTICS_CONFIG, CLICKHOUSE_CLIENT, ProjectionProgress, queryFilingCompliance, type AnalyticsConfig } from '../../../analytics/src/index.js';
import { enterpriseDecider, FieldParser, monthIndex, parseReviewCommand, type ReviewCommand } from '../../../domain/src/index.js';
import { isRegionPrefix } from '../../../reference/src/index.js';
import { access } from '../access-policy.js';
import { decision, StreamHandler, type CommandMeta, type Uncontextual } from '../command-handler.js';

export class SendRemindersInput {
  @ApiProperty({ example: '2024-05', description: 'the month whose missing filers are reminded (催报)' })
  @IsString()
  readonly period: string;

  @ApiPropertyOptional({ example: '3304', description: 'region code prefix (a bureau: its own region when absent)' })
  @IsOptional()
  @IsString()
  readonly region?: string;
}

export interface RemindersSent {
  readonly period: string;
  readonly region: string | null;
  /** Enterprises that owed the month and had not filed it. */
  readonly missing: number;
  /** Reminded now. */
  readonly sent: number;
  /** Reminded before (a reminder goes once per month and enterprise). */
  readonly alreadyReminded: number;
}

/** Reminds every enterprise of a region that has not filed a month (催报), once per month and enterprise. */
export class SendReminders extends Command<RemindersSent> {
  constructor(
    readonly meta: CommandMeta,
    readonly input: SendRemindersInput,
  ) {
    super();
  }
}

@CommandHandler(SendReminders)
export class SendRemindersHandler implements ICommandHandler<SendReminders> {
  constructor(
    private readonly streams: StreamHandler,
    private readonly progress: ProjectionProgress,
    @Inject(CLICKHOUSE_CLIENT) private readonly client: ClickHouseClient,
    @Inject(ANALYTICS_CONFIG) private readonly config: AnalyticsConfig,
  ) {}

  async execute({ meta, input }: SendReminders): Promise<RemindersSent> {
    const f = new FieldParser();
    const period = f.month('period', input.period);
    const region = input.region ?? (meta.actor.role === 'bureau' ? (meta.actor.region ?? '') : '');
    if (region !== '' && !(/^\d{2}(\d{2}){0,2}$/.test(region) && isRegionPrefix(region))) f.check('region', 'must be an existing 2-, 4- or 6-digit GB/T 2260 region code');
    f.done();
    access.assertRegion(meta.actor, region, 'send reminders in');
    // Missing filers as the read model knows them; each enterprise's own stream decides (a filing
    // the read model has not seen yet, or an earlier reminder, makes the reminder a no-op).
    const rows = await queryFilingCompliance(this.client, this.config.database, { month: monthIndex(period), period, region, ...this.progress.cut });
    const missing = rows.filter((r) => r.firstFiledAt === null);
    let sent = 0;
    for (const { uscc } of missing) {
      const command = parseReviewCommand({ type: 'SendFilingReminder', data: { uscc, period } }) as Uncontextual<ReviewCommand>;
      const result = await this.streams.handle({ actor: meta.actor, requestId: `${meta.requestId}:${uscc}` }, decision(enterpriseDecider, uscc, command));
      if (result.appended) sent += 1;
    }
    return { period, region: region || null, missing: missing.length, sent, alreadyReminded: missing.length - sent };
  }
}

/** Review work that reads the read model (the missing filers): the api's, not the CLI's. */
@Module({ providers: [SendRemindersHandler] })
export class ReviewModule {}
