import type { INestApplicationContext } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { RequestContext } from '../common/auth.js';
import { validationPipe } from '../common/validation.js';
import { DraftReleaseCommand, PublishReleaseCommand } from '../releases/release-commands.js';
import { DraftReleaseRequestDto } from '../releases/release.requests.dto.js';

/** Demo only: one published release of 2024, so the public release pages have something to show. */
export async function publishDemoRelease(app: INestApplicationContext): Promise<string> {
  const bus = app.get(CommandBus);
  const context: RequestContext = { principal: { subject: 'system:demo', role: 'admin' }, requestId: 'demo-release' };
  const body = await validationPipe.transform(
    {
      title: '2024年康复辅具产业主要指标（演示数据）',
      period: '2024',
      tables: [
        { indicator: 'revenue', groupBy: 'region', regionLevel: 'county' },
        { indicator: 'employment', groupBy: 'region', regionLevel: 'city' },
        { indicator: 'community-coverage', groupBy: 'region', regionLevel: 'city' },
      ],
    },
    { type: 'body', metatype: DraftReleaseRequestDto },
  );
  const draft = await bus.execute(new DraftReleaseCommand(context, body));
  await bus.execute(new PublishReleaseCommand(context, draft.releaseId));
  return draft.releaseId;
}
