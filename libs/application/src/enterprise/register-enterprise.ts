import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, IsString, MaxLength } from 'class-validator';
import { enterpriseDecider, parseRegisterEnterprise } from '../../../domain/src/index.js';
import { access } from '../access-policy.js';
import { decision, StreamHandler, type CommandMeta, type CommandResult } from '../command-handler.js';

export class RegisterEnterpriseInput {
  @ApiProperty({ example: '91330106MA2B0000XX', description: '统一社会信用代码 (GB 32100-2015)' })
  @IsString()
  readonly uscc: string;

  @ApiProperty({ example: '杭州康复辅具有限公司' })
  @IsString()
  @MaxLength(200)
  readonly name: string;

  @ApiProperty({ example: '330106', description: 'county-level GB/T 2260 code' })
  @IsString()
  readonly regionCode: string;

  @ApiProperty({ enum: ['manufacturing', 'distribution', 'configuration_service', 'rental_service', 'rnd', 'other'] })
  @IsString()
  readonly segment: string;

  @ApiPropertyOptional({ example: '3586', description: 'GB/T 4754-2017 industry class' })
  @IsOptional()
  @IsString()
  readonly industryCode?: string;

  @ApiProperty({ example: ['12 22', '18'], description: 'ISO 9999 classes or subclasses' })
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  readonly productClasses: string[];

  @ApiProperty({ example: '2020-05-01' })
  @IsString()
  readonly registeredOn: string;
}

/** Registers an enterprise (admin; a bureau within its region). */
export class RegisterEnterprise extends Command<CommandResult> {
  constructor(
    readonly meta: CommandMeta,
    readonly input: RegisterEnterpriseInput,
  ) {
    super();
  }
}

@CommandHandler(RegisterEnterprise)
export class RegisterEnterpriseHandler implements ICommandHandler<RegisterEnterprise> {
  constructor(private readonly streams: StreamHandler) {}

  async execute(command: RegisterEnterprise): Promise<CommandResult> {
    return this.streams.handle(command.meta, this.handling(command));
  }

  /** How the command is carried out on the new enterprise's stream (bulk imports batch it); throws what the request is refused for. */
  handling({ meta, input }: RegisterEnterprise) {
    access.assertRegion(meta.actor, String(input.regionCode), 'register enterprises in');
    return decision(enterpriseDecider, input.uscc, parseRegisterEnterprise(input, new Date().toISOString()));
  }
}
