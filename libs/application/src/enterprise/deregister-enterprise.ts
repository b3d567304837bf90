import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { DEREGISTRATION_KINDS, enterpriseDecider, parseDeregisterEnterprise } from '../../../domain/src/index.js';
import { access } from '../access-policy.js';
import { decision, StreamHandler, type CommandMeta, type CommandResult } from '../command-handler.js';

export class DeregisterEnterpriseInput {
  @ApiProperty({ example: '2025-01', description: 'first month in which the enterprise no longer exists' })
  @IsString()
  readonly effectiveFrom: string;

  @ApiProperty({ example: '企业注销' })
  @IsString()
  @MaxLength(2000)
  readonly reason: string;

  @ApiPropertyOptional({ enum: DEREGISTRATION_KINDS, default: 'other', description: 'how the enterprise left: closed 关闭, merged 合并, moved_away 迁出, other 其他' })
  @IsOptional()
  @IsString()
  readonly kind?: string;
}

export class DeregisterEnterprise extends Command<CommandResult> {
  constructor(
    readonly meta: CommandMeta,
    readonly uscc: string,
    readonly input: DeregisterEnterpriseInput,
  ) {
    super();
  }
}

@CommandHandler(DeregisterEnterprise)
export class DeregisterEnterpriseHandler implements ICommandHandler<DeregisterEnterprise> {
  constructor(private readonly streams: StreamHandler) {}

  execute({ meta, uscc, input }: DeregisterEnterprise): Promise<CommandResult> {
    return this.streams.handle(meta, {
      ...decision(enterpriseDecider, uscc, parseDeregisterEnterprise({ uscc, ...input })),
      authorize: (state) => access.assertEnterprise(meta.actor, uscc, state.regionCode, 'deregister'),
    });
  }
}
