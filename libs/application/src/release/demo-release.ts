import { CommandBus } from '@nestjs/cqrs';
import type { CommandMeta, CommandResult } from '../command-handler.js';
import { parseInput } from '../input.js';
import { DraftRelease, DraftReleaseInput } from './draft-release.js';
import { PublishRelease } from './publish-release.js';

/** Demo only: one published release of 2024, so the public release pages have something to show. */
export async function publishDemoRelease(bus: CommandBus): Promise<string> {
  const meta: CommandMeta = { actor: { subject: 'system:demo', role: 'admin' }, requestId: 'demo-release' };
  const input = await parseInput(DraftReleaseInput, {
    title: '2024年康复辅具产业主要指标（演示数据）',
    period: '2024',
    tables: [
      { indicator: 'revenue', groupBy: 'region', regionLevel: 'county' },
      { indicator: 'employment', groupBy: 'region', regionLevel: 'city' },
      { indicator: 'community-coverage', groupBy: 'region', regionLevel: 'city' },
    ],
  });
  const draft: CommandResult & { releaseId: string } = await bus.execute(new DraftRelease(meta, input));
  await bus.execute(new PublishRelease(meta, draft.releaseId));
  return draft.releaseId;
}
