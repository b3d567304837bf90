import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { enterpriseDecider, parseReviewCommand, type ReviewCommand } from '../../../domain/src/index.js';
import { access } from '../access-policy.js';
import { decision, StreamHandler, type CommandMeta, type CommandResult, type Uncontextual } from '../command-handler.js';

export class QueryFilingInput {
  @ApiProperty({ example: '本月收入较上年同期增长3倍，请说明主要订单来源。', description: 'what the bureau asks about the report (查询)' })
  @IsString()
  @MaxLength(2000)
  readonly question: string;
}

export class AnswerQueryInput {
  @ApiProperty({ example: '本月新增政府采购订单，合同已附后，收入口径无误。' })
  @IsString()
  @MaxLength(2000)
  readonly answer: string;
}

export class ReturnFilingInput {
  @ApiProperty({ example: '税金与收入口径不一致，请核对后更正。', description: 'why the report is sent back for correction (退回)' })
  @IsString()
  @MaxLength(2000)
  readonly reason: string;
}

/** What a review does to a filed month: ask, answer, send back, accept. */
export type ReviewAction =
  | { readonly type: 'QueryFiling'; readonly question: string }
  | { readonly type: 'AnswerQuery'; readonly queryId: string; readonly answer: string }
  | { readonly type: 'ReturnFiling'; readonly reason: string }
  | { readonly type: 'AcceptFiling' };

/**
 * The review (审核) of a filed monthly report: the bureau of the enterprise's region queries it,
 * sends it back or accepts it; the enterprise answers a query (or corrects the report).
 */
export class ReviewFiling extends Command<CommandResult> {
  constructor(
    readonly meta: CommandMeta,
    readonly uscc: string,
    readonly period: string,
    readonly action: ReviewAction,
  ) {
    super();
  }
}

@CommandHandler(ReviewFiling)
export class ReviewFilingHandler implements ICommandHandler<ReviewFiling> {
  constructor(private readonly streams: StreamHandler) {}

  execute({ meta, uscc, period, action }: ReviewFiling): Promise<CommandResult> {
    const { type, ...fields } = action;
    const command = parseReviewCommand({ type, data: { uscc, period, ...fields } } as Parameters<typeof parseReviewCommand>[0]) as Uncontextual<ReviewCommand>;
    return this.streams.handle(meta, {
      ...decision(enterpriseDecider, uscc, command),
      authorize: (state) =>
        type === 'AnswerQuery' ? access.assertEnterpriseItself(meta.actor, uscc, 'answer queries of') : access.assertReviewer(meta.actor, uscc, state.regionCode, 'review filings of'),
    });
  }
}
