import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, IsString, MaxLength, ValidateIf } from 'class-validator';
import { enterpriseDecider, ForbiddenError, parseAmendEnterpriseDetails } from '../../../domain/src/index.js';
import { access } from '../access-policy.js';
import { decision, StreamHandler, type CommandMeta, type CommandResult } from '../command-handler.js';

/** The details to correct in the register; fields left out stay as they are. */
export class AmendEnterpriseDetailsInput {
  @ApiPropertyOptional({ example: '杭州康复辅具股份有限公司' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  readonly name?: string;

  @ApiPropertyOptional({ enum: ['manufacturing', 'distribution', 'configuration_service', 'rental_service', 'rnd', 'other'], description: 'a new segment re-files the history under it' })
  @IsOptional()
  @IsString()
  readonly segment?: string;

  @ApiPropertyOptional({ example: '3586', nullable: true, type: String, description: 'GB/T 4754-2017 industry class; null removes it' })
  @ValidateIf((_, value) => value !== undefined && value !== null)
  @IsString()
  readonly industryCode?: string | null;

  @ApiPropertyOptional({ example: ['12 22', '18'], description: 'ISO 9999 classes or subclasses (the whole new list)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  readonly productClasses?: string[];
}

export class AmendEnterpriseDetails extends Command<CommandResult> {
  constructor(
    readonly meta: CommandMeta,
    readonly uscc: string,
    readonly input: AmendEnterpriseDetailsInput,
  ) {
    super();
  }
}

/** Admins and the bureau of the enterprise's region correct the register (EnterpriseDetailsAmended). */
@CommandHandler(AmendEnterpriseDetails)
export class AmendEnterpriseDetailsHandler implements ICommandHandler<AmendEnterpriseDetails> {
  constructor(private readonly streams: StreamHandler) {}

  execute({ meta, uscc, input }: AmendEnterpriseDetails): Promise<CommandResult> {
    return this.streams.handle(meta, {
      ...decision(enterpriseDecider, uscc, parseAmendEnterpriseDetails({ uscc, ...input })),
      authorize: (state) => {
        if (meta.actor.role === 'enterprise') throw new ForbiddenError('an enterprise asks its bureau to amend its register details');
        access.assertEnterprise(meta.actor, uscc, state.regionCode, 'amend the details of');
      },
      created: () => false,
    });
  }
}
