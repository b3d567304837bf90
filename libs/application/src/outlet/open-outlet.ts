import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { enterpriseDecider, outletDecider } from '../../../domain/src/index.js';
import { EVENT_STORE, type EventStore } from '../../../event-store/src/index.js';
import { access } from '../access-policy.js';
import { StreamHandler, type CommandMeta, type CommandResult } from '../command-handler.js';
import { load } from '../load.js';

export class OpenOutletInput {
  @ApiProperty({ example: 'HZ-XH-001', description: 'chosen by the enterprise; letters, digits, . _ : -' })
  @IsString()
  readonly outletId: string;

  @ApiProperty({ example: '91330106MA2B0000XX' })
  @IsString()
  readonly uscc: string;

  @ApiProperty({ enum: ['rental_point', 'configuration_center', 'experience_center', 'disinfection_center'] })
  @IsString()
  readonly kind: string;

  @ApiProperty({ example: '330106001001', description: '12-digit 村/居委会 code' })
  @IsString()
  readonly communityCode: string;

  @ApiProperty({ example: '北山街道康复辅具租赁服务点' })
  @IsString()
  @MaxLength(200)
  readonly name: string;

  @ApiProperty({ example: '2024-03-01' })
  @IsString()
  readonly openedOn: string;
}

/** Opens a service outlet (服务网点) of an enterprise in a community. */
export class OpenOutlet extends Command<CommandResult> {
  constructor(
    readonly meta: CommandMeta,
    readonly input: OpenOutletInput,
  ) {
    super();
  }
}

@CommandHandler(OpenOutlet)
export class OpenOutletHandler implements ICommandHandler<OpenOutlet> {
  constructor(
    private readonly streams: StreamHandler,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  execute({ meta, input }: OpenOutlet): Promise<CommandResult> {
    access.assertService(meta.actor, String(input.uscc), String(input.communityCode), 'open outlets');
    return this.streams.handle(meta, {
      decider: outletDecider,
      streamId: outletDecider.streamId(input.outletId),
      facts: async () => (await load(this.store, enterpriseDecider, input.uscc)).state,
      decide: (state, context, owner) =>
        outletDecider.decide(
          {
            type: 'OpenOutlet',
            data: { ...input, owner: { registered: owner.status !== 'unregistered', registeredOn: owner.registeredOn || null, deregisteredFrom: owner.deregisteredFrom } },
            context,
          },
          state,
        ),
    });
  }
}
