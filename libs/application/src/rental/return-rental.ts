import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiProperty } from '@nestjs/swagger';
import { IsString } from 'class-validator';
import { rentalDecider } from '../../../domain/src/index.js';
import { access } from '../access-policy.js';
import { decision, StreamHandler, type CommandMeta, type CommandResult } from '../command-handler.js';

export class ReturnRentalInput {
  @ApiProperty({ example: '2024-09-30' })
  @IsString()
  readonly endedOn: string;

  @ApiProperty({ example: '2024-10-02', description: 'cleaning and disinfection (清洗消毒), not before endedOn' })
  @IsString()
  readonly disinfectedOn: string;
}

/** Ends a rental: the device came back and was disinfected. */
export class ReturnRental extends Command<CommandResult> {
  constructor(
    readonly meta: CommandMeta,
    readonly rentalId: string,
    readonly input: ReturnRentalInput,
  ) {
    super();
  }
}

@CommandHandler(ReturnRental)
export class ReturnRentalHandler implements ICommandHandler<ReturnRental> {
  constructor(private readonly streams: StreamHandler) {}

  execute({ meta, rentalId, input }: ReturnRental): Promise<CommandResult> {
    return this.streams.handle(meta, {
      ...decision(rentalDecider, rentalId, { type: 'ReturnRental', data: { rentalId, ...input } }),
      authorize: (state) => {
        if (state.data) access.assertService(meta.actor, state.data.uscc, state.data.communityCode, 'return rentals at outlets');
      },
    });
  }
}
