import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { NotFoundError, releaseDecider } from '../../../domain/src/index.js';
import { EVENT_STORE, type EventStore } from '../../../event-store/src/index.js';
import { access } from '../access-policy.js';
import { decision, StreamHandler, type CommandMeta, type CommandResult } from '../command-handler.js';
import { load } from '../load.js';

export class DiscardReleaseInput {
  @ApiProperty({ example: '期别填写错误，重新起草' })
  @IsString()
  @MaxLength(2000)
  readonly reason: string;
}

/** Discards a draft that will not be published (with a reason); a published release never is. */
export class DiscardRelease extends Command<CommandResult> {
  constructor(
    readonly meta: CommandMeta,
    readonly releaseId: string,
    readonly input: DiscardReleaseInput,
  ) {
    super();
  }
}

@CommandHandler(DiscardRelease)
export class DiscardReleaseHandler implements ICommandHandler<DiscardRelease> {
  constructor(
    private readonly streams: StreamHandler,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async execute({ meta, releaseId, input }: DiscardRelease): Promise<CommandResult> {
    const { state } = await load(this.store, releaseDecider, releaseId);
    if (!state.draft) throw new NotFoundError(`there is no release ${releaseId}`);
    access.assertRegion(meta.actor, state.draft.region, 'discard releases for');
    return this.streams.handle(meta, { ...decision(releaseDecider, releaseId, { type: 'DiscardRelease', data: { releaseId, reason: input.reason } }), created: () => false });
  }
}
