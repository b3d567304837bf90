import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { decidePilot, evolvePilot, initialPilotState, pilotStreamId, type PilotEvent, type PilotState, type PilotTarget } from '../../../../libs/domain/src/index.js';
import type { RequestContext } from '../common/auth.js';
import { StreamCommandExecutor, type WriteResult } from '../common/stream-command.executor.js';
import type { DesignatePilotRequestDto, ReportInvestmentRequestDto } from './pilot.requests.dto.js';

export class DesignatePilotCommand extends Command<WriteResult> {
  constructor(
    readonly context: RequestContext,
    readonly body: DesignatePilotRequestDto,
  ) {
    super();
  }
}

@CommandHandler(DesignatePilotCommand)
export class DesignatePilotHandler implements ICommandHandler<DesignatePilotCommand> {
  constructor(private readonly executor: StreamCommandExecutor) {}

  execute({ context, body }: DesignatePilotCommand): Promise<WriteResult> {
    return this.executor.execute<PilotState, PilotEvent>(context, {
      streamId: pilotStreamId(body.regionCode),
      initial: initialPilotState,
      evolve: evolvePilot,
      decide: (state, ctx) => decidePilot({ type: 'DesignatePilot', data: { ...body, targets: body.targets as PilotTarget[] }, context: ctx }, state),
      statusFor: (events) => (events[0]?.type === 'PilotDesignated' ? 201 : 200),
      request: ['POST', '/v1/pilots', body],
    });
  }
}

export class ReportPilotInvestmentCommand extends Command<WriteResult> {
  constructor(
    readonly context: RequestContext,
    readonly regionCode: string,
    readonly body: ReportInvestmentRequestDto,
  ) {
    super();
  }
}

@CommandHandler(ReportPilotInvestmentCommand)
export class ReportPilotInvestmentHandler implements ICommandHandler<ReportPilotInvestmentCommand> {
  constructor(private readonly executor: StreamCommandExecutor) {}

  execute({ context, regionCode, body }: ReportPilotInvestmentCommand): Promise<WriteResult> {
    return this.executor.execute<PilotState, PilotEvent>(context, {
      streamId: pilotStreamId(regionCode),
      initial: initialPilotState,
      evolve: evolvePilot,
      decide: (state, ctx) => decidePilot({ type: 'ReportPilotInvestment', data: { regionCode, ...body }, context: ctx }, state),
      statusFor: () => 201,
      request: ['POST', `/v1/pilots/${regionCode}/investments`, body],
    });
  }
}
