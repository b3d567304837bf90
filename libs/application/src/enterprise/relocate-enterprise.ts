import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiProperty } from '@nestjs/swagger';
import { IsString } from 'class-validator';
import { enterpriseDecider, parseRelocateEnterprise } from '../../../domain/src/index.js';
import { access } from '../access-policy.js';
import { decision, StreamHandler, type CommandMeta, type CommandResult } from '../command-handler.js';

export class RelocateEnterpriseInput {
  @ApiProperty({ example: '330108', description: 'the new county-level region' })
  @IsString()
  readonly regionCode: string;

  @ApiProperty({ example: '2024-07', description: 'first month counted in the new region' })
  @IsString()
  readonly effectiveFrom: string;
}

export class RelocateEnterprise extends Command<CommandResult> {
  constructor(
    readonly meta: CommandMeta,
    readonly uscc: string,
    readonly input: RelocateEnterpriseInput,
  ) {
    super();
  }
}

@CommandHandler(RelocateEnterprise)
export class RelocateEnterpriseHandler implements ICommandHandler<RelocateEnterprise> {
  constructor(private readonly streams: StreamHandler) {}

  execute({ meta, uscc, input }: RelocateEnterprise): Promise<CommandResult> {
    return this.streams.handle(meta, {
      ...decision(enterpriseDecider, uscc, parseRelocateEnterprise({ uscc, ...input })),
      authorize: (state) => {
        access.assertEnterprise(meta.actor, uscc, state.regionCode, 'relocate');
        // A bureau moves an enterprise only within its own region.
        if (meta.actor.role === 'bureau') access.assertRegion(meta.actor, input.regionCode, 'move enterprises to');
      },
    });
  }
}
