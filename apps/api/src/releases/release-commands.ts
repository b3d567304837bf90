import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { findIndicator } from '../../../../libs/analytics/src/index.js';
import {
  decideRelease,
  evolveRelease,
  initialReleaseState,
  NotFoundError,
  releaseStreamId,
  RuleViolationError,
  ValidationFailedError,
  type ReleaseEvent,
  type ReleaseState,
  type ReleaseTable,
} from '../../../../libs/domain/src/index.js';
import { EVENT_STORE, type EventStore } from '../../../../libs/event-store/src/index.js';
import { APP_CONFIG, type AppConfig } from '../../../../libs/platform/src/index.js';
import { assertRegionAccess, type RequestContext } from '../common/auth.js';
import { loadStream } from '../common/load-stream.js';
import { StreamCommandExecutor, type WriteResult } from '../common/stream-command.executor.js';
import { resolveQuestion } from '../statistics/queries/get-statistics/get-statistics.query.js';
import { contentHashOf, ReleaseCalculator } from './release-calculator.js';
import type { DraftReleaseRequestDto } from './release.requests.dto.js';

function validateTables(body: DraftReleaseRequestDto): ReleaseTable[] {
  return body.tables.map((t, i) => {
    const indicator = findIndicator(t.indicator);
    if (!indicator) throw ValidationFailedError.field(`tables.${i}.indicator`, 'is not an indicator of GET /v1/statistics');
    try {
      const groupBy = Array.isArray(t.groupBy) ? t.groupBy.join(',') : t.groupBy;
      const q = resolveQuestion({ period: body.period, region: body.region, groupBy, regionLevel: t.regionLevel }, indicator.groupBy, indicator.id);
      return { indicator: indicator.id, groupBy: q.groupBy, ...(q.regionLevel && q.groupBy.includes('region') ? { regionLevel: q.regionLevel } : {}) };
    } catch (error) {
      if (error instanceof ValidationFailedError)
        throw new ValidationFailedError(error.errors.map((e) => ({ path: ['period', 'region'].includes(e.path) ? e.path : `tables.${i}.${e.path}`, message: e.message })));
      throw error;
    }
  });
}

export class DraftReleaseCommand extends Command<WriteResult & { releaseId: string }> {
  constructor(
    readonly context: RequestContext,
    readonly body: DraftReleaseRequestDto,
    readonly revisionOf: string | null = null,
  ) {
    super();
  }
}

/** A draft pins its cut-off: the log position and instant its figures will be computed at. */
@CommandHandler(DraftReleaseCommand)
export class DraftReleaseHandler implements ICommandHandler<DraftReleaseCommand> {
  constructor(
    private readonly executor: StreamCommandExecutor,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute({ context, body, revisionOf }: DraftReleaseCommand): Promise<WriteResult & { releaseId: string }> {
    const tables = validateTables(body);
    assertRegionAccess(context.principal, body.region ?? '', 'publish releases for');
    const releaseId = `rel-${new Date().toISOString().slice(0, 10).replace(/-/g, '')}-${randomUUID().slice(0, 8)}`;
    const position = await this.store.headPosition();
    const result = await this.executor.execute<ReleaseState, ReleaseEvent>(context, {
      streamId: releaseStreamId(releaseId),
      initial: initialReleaseState,
      evolve: evolveRelease,
      decide: (state, ctx) =>
        decideRelease(
          {
            type: 'DraftRelease',
            data: { releaseId, title: body.title, period: body.period, region: body.region ?? '', tables, cutoff: { position, asOf: ctx.now }, revisionOf, disclosure: this.config.disclosure },
            context: ctx,
          },
          state,
        ),
      statusFor: () => 201,
      request: revisionOf ? ['POST', `/v1/releases/${revisionOf}/revisions`] : ['POST', '/v1/releases', body],
    });
    return { ...result, releaseId: result.body.streamId.replace(/^release-/, '') };
  }
}

export class DiscardReleaseCommand extends Command<WriteResult> {
  constructor(
    readonly context: RequestContext,
    readonly releaseId: string,
    readonly reason: string,
  ) {
    super();
  }
}

/** A draft that will not be published is discarded (with a reason); a published release never is. */
@CommandHandler(DiscardReleaseCommand)
export class DiscardReleaseHandler implements ICommandHandler<DiscardReleaseCommand> {
  constructor(
    private readonly executor: StreamCommandExecutor,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async execute({ context, releaseId, reason }: DiscardReleaseCommand): Promise<WriteResult> {
    const { state } = await loadStream<ReleaseState, ReleaseEvent>(this.store, releaseStreamId(releaseId), initialReleaseState, evolveRelease);
    if (!state.draft) throw new NotFoundError(`there is no release ${releaseId}`);
    assertRegionAccess(context.principal, state.draft.region, 'discard releases for');
    return this.executor.execute<ReleaseState, ReleaseEvent>(context, {
      streamId: releaseStreamId(releaseId),
      initial: initialReleaseState,
      evolve: evolveRelease,
      decide: (s, ctx) => decideRelease({ type: 'DiscardRelease', data: { releaseId, reason }, context: ctx }, s),
      statusFor: () => 200,
      request: ['POST', `/v1/releases/${releaseId}/discard`, { reason }],
    });
  }
}

export class PublishReleaseCommand extends Command<WriteResult> {
  constructor(
    readonly context: RequestContext,
    readonly releaseId: string,
  ) {
    super();
  }
}

/** Publication freezes the cells (with disclosure control applied) and their content hash. */
@CommandHandler(PublishReleaseCommand)
export class PublishReleaseHandler implements ICommandHandler<PublishReleaseCommand> {
  constructor(
    private readonly executor: StreamCommandExecutor,
    private readonly calculator: ReleaseCalculator,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  execute(command: PublishReleaseCommand): Promise<WriteResult> {
    return this.calculator.serially(() => this.publish(command));
  }

  private async publish({ context, releaseId }: PublishReleaseCommand): Promise<WriteResult> {
    const { state } = await loadStream<ReleaseState, ReleaseEvent>(this.store, releaseStreamId(releaseId), initialReleaseState, evolveRelease);
    if (!state.draft) throw new NotFoundError(`there is no release ${releaseId}`);
    assertRegionAccess(context.principal, state.draft.region, 'publish releases for');
    const previous = state.draft.revisionOf ? await this.published(state.draft.revisionOf) : null;
    const computed =
      state.status === 'published'
        ? { cells: [...state.cells], confidential: [...state.confidential] }
        : await this.calculator.cells(state.draft, previous?.cells ?? null, await this.calculator.ledger({ exclude: releaseId }));
    const { cells, confidential } = computed;
    const contentHash = state.status === 'published' ? state.contentHash! : contentHashOf(cells);
    const result = await this.executor.execute<ReleaseState, ReleaseEvent>(context, {
      streamId: releaseStreamId(releaseId),
      initial: initialReleaseState,
      evolve: evolveRelease,
      decide: (s, ctx) => decideRelease({ type: 'PublishRelease', data: { releaseId, cells: [...cells], contentHash, confidential }, context: ctx }, s),
      statusFor: () => 201,
      request: ['POST', `/v1/releases/${releaseId}/publication`],
    });
    if (result.appended && state.draft.revisionOf) {
      await this.executor.execute<ReleaseState, ReleaseEvent>(
        { ...context, idempotencyKey: undefined, ifMatch: undefined },
        {
          streamId: releaseStreamId(state.draft.revisionOf),
          initial: initialReleaseState,
          evolve: evolveRelease,
          decide: (s, ctx) => decideRelease({ type: 'SupersedeRelease', data: { releaseId: state.draft!.revisionOf!, by: releaseId }, context: ctx }, s),
          statusFor: () => 201,
          request: ['supersede', state.draft.revisionOf, releaseId],
        },
      );
    }
    return result;
  }

  private async published(releaseId: string): Promise<ReleaseState> {
    const { state } = await loadStream<ReleaseState, ReleaseEvent>(this.store, releaseStreamId(releaseId), initialReleaseState, evolveRelease);
    if (state.status !== 'published') throw new RuleViolationError(`release ${releaseId} is not published`);
    return state;
  }
}
