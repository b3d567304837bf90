import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { NotFoundError, releaseDecider, RuleViolationError, type ReleaseState } from '../../../domain/src/index.js';
import { EVENT_STORE, type EventStore } from '../../../event-store/src/index.js';
import { access } from '../access-policy.js';
import { decision, StreamHandler, type CommandMeta, type CommandResult } from '../command-handler.js';
import { load } from '../load.js';
import { contentHashOf, ReleaseCalculator } from './release-calculator.js';

/** Publishes a draft: its cells computed at the cut-off, disclosure control applied, frozen with their content hash. */
export class PublishRelease extends Command<CommandResult> {
  constructor(
    readonly meta: CommandMeta,
    readonly releaseId: string,
  ) {
    super();
  }
}

@CommandHandler(PublishRelease)
export class PublishReleaseHandler implements ICommandHandler<PublishRelease> {
  constructor(
    private readonly streams: StreamHandler,
    private readonly calculator: ReleaseCalculator,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  execute(command: PublishRelease): Promise<CommandResult> {
    return this.calculator.serially(() => this.publish(command));
  }

  private async publish({ meta, releaseId }: PublishRelease): Promise<CommandResult> {
    const { state } = await load(this.store, releaseDecider, releaseId);
    if (!state.draft) throw new NotFoundError(`there is no release ${releaseId}`);
    access.assertRegion(meta.actor, state.draft.region, 'publish releases for');
    const previous = state.draft.revisionOf ? await this.published(state.draft.revisionOf) : null;
    const computed =
      state.status === 'published'
        ? { cells: [...state.cells], confidential: [...state.confidential] }
        : await this.calculator.cells(state.draft, previous?.cells ?? null, await this.calculator.ledger({ exclude: releaseId }));
    const { cells, confidential } = computed;
    const contentHash = state.status === 'published' ? state.contentHash! : contentHashOf(cells);
    const result = await this.streams.handle(meta, decision(releaseDecider, releaseId, { type: 'PublishRelease', data: { releaseId, cells: [...cells], contentHash, confidential } }));
    const revised = state.draft.revisionOf;
    if (result.appended && revised) {
      const { idempotency: _key, expectedVersion: _version, ...plain } = meta;
      await this.streams.handle(plain, decision(releaseDecider, revised, { type: 'SupersedeRelease', data: { releaseId: revised, by: releaseId } }));
    }
    return result;
  }

  private async published(releaseId: string): Promise<ReleaseState> {
    const { state } = await load(this.store, releaseDecider, releaseId);
    if (state.status !== 'published') throw new RuleViolationError(`release ${releaseId} is not published`);
    return state;
  }
}
