import type { INestApplicationContext } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { pilotDesignations } from '../../../../libs/platform/src/index.js';
import type { RequestContext } from '../common/auth.js';
import type { WriteResult } from '../common/stream-command.executor.js';
import { validationPipe } from '../common/validation.js';
import { DesignatePilotCommand, ReportPilotInvestmentCommand } from './pilot-commands.js';
import { DesignatePilotRequestDto, ReportInvestmentRequestDto } from './pilot.requests.dto.js';

/**
 * Designates every pilot region of the reference data set through the same command as
 * POST /v1/pilots (used by `npm run cli -- pilots load` and by the demo start). Running it
 * again appends nothing unless the reference data changed.
 */
export async function loadReferencePilots(app: INestApplicationContext, actor: string): Promise<{ designated: number; amended: number; unchanged: number }> {
  const bus = app.get(CommandBus);
  const result = { designated: 0, amended: 0, unchanged: 0 };
  for (const body of pilotDesignations()) {
    const context: RequestContext = { principal: { subject: actor, role: 'admin' }, requestId: `pilots-load-${body.regionCode}` };
    // A restatement needs a reason: the reference data (seeds 003 and 004) changed since the last load.
    const withReason = { ...body, reason: '参考数据（试点承诺函、实施方案）更新后重新载入' };
    const dto = await validationPipe.transform(withReason, { type: 'body', metatype: DesignatePilotRequestDto });
    const outcome: WriteResult = await bus.execute(new DesignatePilotCommand(context, dto));
    if (!outcome.appended) result.unchanged += 1;
    else if (outcome.status === 201) result.designated += 1;
    else result.amended += 1;
  }
  return result;
}

/**
 * Demo only: the pilots of the demo regions report investments near what they committed
 * (85-110%, deterministic), so progress has investment actuals to show. Source says so.
 */
export async function reportDemoInvestments(app: INestApplicationContext, regionCodes: readonly string[]): Promise<number> {
  const bus = app.get(CommandBus);
  let reported = 0;
  for (const body of pilotDesignations().filter((p) => regionCodes.includes(p.regionCode))) {
    for (const [i, target] of body.targets.filter((t) => t.indicator === 'investment').entries()) {
      const factor = [0.85, 1.02, 1.1, 0.93][(i + body.regionCode.length) % 4];
      const fen = Math.round(Number(target.value) * 100 * factor);
      const amount = `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
      const context: RequestContext = { principal: { subject: 'system:demo', role: 'admin' }, requestId: `demo-investment-${body.regionCode}-${target.year}` };
      const dto = await validationPipe.transform({ year: target.year, amount, source: '演示数据：试点资金投入（非真实数据）' }, { type: 'body', metatype: ReportInvestmentRequestDto });
      const outcome: WriteResult = await bus.execute(new ReportPilotInvestmentCommand(context, body.regionCode, dto));
      if (outcome.appended) reported += 1;
    }
  }
  return reported;
}
