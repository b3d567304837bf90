import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { findIndicator, parseQuestion } from '../../../analytics/src/index.js';
import { releaseDecider, ValidationFailedError, type DisclosureParams, type ReleaseTable } from '../../../domain/src/index.js';
import { EVENT_STORE, type EventStore } from '../../../event-store/src/index.js';
import { access } from '../access-policy.js';
import { StreamHandler, type CommandMeta, type CommandResult } from '../command-handler.js';

/** Injection token: the disclosure rules a draft pins (from configuration). */
export const DISCLOSURE_RULES = Symbol('DISCLOSURE_RULES');

export class ReleaseTableInput {
  @ApiProperty({ example: 'revenue' })
  @IsString()
  readonly indicator: string;

  @ApiPropertyOptional({
    oneOf: [{ type: 'string', example: 'region,segment' }, { type: 'array', items: { type: 'string' }, example: ['region', 'segment'] }],
    description: 'region, segment, productClass, beneficiary, kind, period: a comma list as in the statistics API, or an array as releases answer it',
  })
  @IsOptional()
  @IsString({ each: true, message: 'must be a comma list or an array of strings' })
  readonly groupBy?: string | string[];

  @ApiPropertyOptional({ enum: ['province', 'city', 'county'] })
  @IsOptional()
  @IsString()
  readonly regionLevel?: string;
}

export class DraftReleaseInput {
  @ApiProperty({ example: '2024年浙江省康复辅具产业主要指标' })
  @IsString()
  @MaxLength(300)
  readonly title: string;

  @ApiProperty({ example: '2024' })
  @IsString()
  readonly period: string;

  @ApiPropertyOptional({ example: '33' })
  @IsOptional()
  @IsString()
  readonly region?: string;

  @ApiProperty({ type: [ReleaseTableInput] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => ReleaseTableInput)
  readonly tables: ReleaseTableInput[];
}

/** Each table's indicator and grouping, checked as the statistics service would check the question. */
function validateTables(input: DraftReleaseInput): ReleaseTable[] {
  return input.tables.map((t, i) => {
    const indicator = findIndicator(t.indicator);
    if (!indicator) throw ValidationFailedError.field(`tables.${i}.indicator`, 'is not an indicator of GET /v1/statistics');
    try {
      const q = parseQuestion({ period: input.period, region: input.region, groupBy: t.groupBy, regionLevel: t.regionLevel }, indicator);
      return { indicator: indicator.id, groupBy: [...q.groupBy], ...(q.regionLevel && q.groupBy.includes('region') ? { regionLevel: q.regionLevel } : {}) };
    } catch (error) {
      if (error instanceof ValidationFailedError)
        throw new ValidationFailedError(error.errors.map((e) => ({ path: ['period', 'region'].includes(e.path) ? e.path : `tables.${i}.${e.path}`, message: e.message })));
      throw error;
    }
  });
}

/** Drafts a release (or, with `revisionOf`, a revision of a published one): its tables, cut off at the log's head now. */
export class DraftRelease extends Command<CommandResult & { releaseId: string }> {
  constructor(
    readonly meta: CommandMeta,
    readonly input: DraftReleaseInput,
    readonly revisionOf: string | null = null,
  ) {
    super();
  }
}

/** A draft pins its cut-off: the log position and instant its figures will be computed at. */
@CommandHandler(DraftRelease)
export class DraftReleaseHandler implements ICommandHandler<DraftRelease> {
  constructor(
    private readonly streams: StreamHandler,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DISCLOSURE_RULES) private readonly disclosure: DisclosureParams,
  ) {}

  async execute({ meta, input, revisionOf }: DraftRelease): Promise<CommandResult & { releaseId: string }> {
    const tables = validateTables(input);
    access.assertRegion(meta.actor, input.region ?? '', 'publish releases for');
    const releaseId = `rel-${new Date().toISOString().slice(0, 10).replace(/-/g, '')}-${randomUUID().slice(0, 8)}`;
    const position = await this.store.headPosition();
    const result = await this.streams.handle(meta, {
      decider: releaseDecider,
      streamId: releaseDecider.streamId(releaseId),
      decide: (state, context) =>
        releaseDecider.decide(
          {
            type: 'DraftRelease',
            data: { releaseId, title: input.title, period: input.period, region: input.region ?? '', tables, cutoff: { position, asOf: context.now }, revisionOf, disclosure: this.disclosure, unreviewedProvisional: true, imputation: 'include' },
            context,
          },
          state,
        ),
    });
    return { ...result, releaseId: result.streamId.replace(/^release-/, '') };
  }
}
