import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { outletDecider } from '../../../domain/src/index.js';
import { access } from '../access-policy.js';
import { decision, StreamHandler, type CommandMeta, type CommandResult } from '../command-handler.js';

export class CloseOutletInput {
  @ApiProperty({ example: '2025-06-30' })
  @IsString()
  readonly closedOn: string;

  @ApiProperty({ example: '社区服务中心改造，服务点迁出' })
  @IsString()
  @MaxLength(2000)
  readonly reason: string;
}

/** Closes an outlet from a day on, with the reason. */
export class CloseOutlet extends Command<CommandResult> {
  constructor(
    readonly meta: CommandMeta,
    readonly outletId: string,
    readonly input: CloseOutletInput,
  ) {
    super();
  }
}

@CommandHandler(CloseOutlet)
export class CloseOutletHandler implements ICommandHandler<CloseOutlet> {
  constructor(private readonly streams: StreamHandler) {}

  execute({ meta, outletId, input }: CloseOutlet): Promise<CommandResult> {
    return this.streams.handle(meta, {
      ...decision(outletDecider, outletId, { type: 'CloseOutlet', data: { outletId, ...input } }),
      authorize: (state) => {
        if (state.status !== 'none') access.assertService(meta.actor, state.uscc, state.communityCode, 'close outlets');
      },
    });
  }
}
