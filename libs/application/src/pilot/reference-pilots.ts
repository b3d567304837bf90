import { CommandBus } from '@nestjs/cqrs';
import { pilotRegions } from '../../../reference/src/index.js';
import type { CommandResult } from '../command-handler.js';
import { parseInput } from '../input.js';
import { DesignatePilot, DesignatePilotInput } from './designate-pilot.js';
import { ReportInvestmentInput, ReportPilotInvestment } from './report-pilot-investment.js';

/** The designations of every pilot region in the reference data set (seeds 003 and 004), as `POST /v1/pilots` takes them. */
export function pilotDesignations() {
  return pilotRegions().map((p) => ({
    regionCode: p.regionCode,
    name: p.name,
    batch: p.batch,
    startYear: p.startYear,
    endYear: p.endYear,
    targets: p.commitments.map((c) => ({ indicator: c.indicator, year: c.year, value: c.value, source: c.source, ...(c.kind ? { kind: c.kind } : {}) })),
  }));
}

/**
 * Designates every pilot region of the reference data set through the same command as
 * POST /v1/pilots (used by `npm run cli -- pilots load` and by the demo start). Running it
 * again appends nothing unless the reference data changed.
 */
export async function loadReferencePilots(bus: CommandBus, actor: string): Promise<{ designated: number; amended: number; unchanged: number }> {
  const result = { designated: 0, amended: 0, unchanged: 0 };
  for (const designation of pilotDesignations()) {
    // A restatement needs a reason: the reference data (seeds 003 and 004) changed since the last load.
    const input = await parseInput(DesignatePilotInput, { ...designation, reason: '参考数据（试点承诺函、实施方案）更新后重新载入' });
    const outcome: CommandResult = await bus.execute(new DesignatePilot({ actor: { subject: actor, role: 'admin' }, requestId: `pilots-load-${designation.regionCode}` }, input));
    if (!outcome.appended) result.unchanged += 1;
    else if (outcome.created) result.designated += 1;
    else result.amended += 1;
  }
  return result;
}

/**
 * Demo only: the pilots of the demo regions report investments near what they committed
 * (85-110%, deterministic), so progress has investment actuals to show. Source says so.
 */
export async function reportDemoInvestments(bus: CommandBus, regionCodes: readonly string[]): Promise<number> {
  let reported = 0;
  for (const designation of pilotDesignations().filter((p) => regionCodes.includes(p.regionCode))) {
    for (const [i, target] of designation.targets.filter((t) => t.indicator === 'investment').entries()) {
      const factor = [0.85, 1.02, 1.1, 0.93][(i + designation.regionCode.length) % 4];
      const fen = Math.round(Number(target.value) * 100 * factor);
      const amount = `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
      const meta = { actor: { subject: 'system:demo', role: 'admin' as const }, requestId: `demo-investment-${designation.regionCode}-${target.year}` };
      const input = await parseInput(ReportInvestmentInput, { year: target.year, amount, source: '演示数据：试点资金投入（非真实数据）' });
      const outcome: CommandResult = await bus.execute(new ReportPilotInvestment(meta, designation.regionCode, input));
      if (outcome.appended) reported += 1;
    }
  }
  return reported;
}
