import { deciderSpec } from '../../../../test/support/given-when-then.js';
import { ConflictError, NotFoundError, RuleViolationError, ValidationFailedError } from '../errors.js';
import { metadataOf, type CommandContext } from '../shared/event.js';
import { releaseDecider, type ReleaseCommand, type ReleaseDrafted, type ReleaseEvent, type ReleaseState } from './release.decider.js';

const context: CommandContext = { actor: 'admin:nbs', role: 'admin', requestId: 'rel-1', now: '2026-01-20T02:00:00.000Z' };
const metadata = metadataOf(context);
const given = deciderSpec<ReleaseCommand, ReleaseState, ReleaseEvent>(releaseDecider, context);

const draft: ReleaseDrafted['data'] = {
  releaseId: 'rel-20260120-a',
  title: '2025年浙江省康复辅具产业营业收入',
  period: '2025',
  region: '33',
  tables: [{ indicator: 'revenue', groupBy: ['region'], regionLevel: 'city' }],
  cutoff: { position: 120, asOf: '2026-01-20T02:00:00.000Z' },
  revisionOf: null,
  disclosure: { minContributors: 3, dominanceShare: 0.85, protection: 0.15 },
};
const drafted: ReleaseEvent = { type: 'ReleaseDrafted', data: draft, metadata };
const cells = [{ table: 0, key: { region: '3301' }, total: false, value: '100.00', flags: [] }];
const published: ReleaseEvent = { type: 'ReleasePublished', data: { releaseId: draft.releaseId, cells, contentHash: 'h1' }, metadata };

describe('release decider (given / when / then)', () => {
  it('drafts once, with a trimmed title and at least one table', () => {
    given([]).when({ type: 'DraftRelease', data: { ...draft, title: ` ${draft.title} ` } }).then([drafted]);
    given([drafted]).when({ type: 'DraftRelease', data: draft }).thenThrows(ConflictError);
    given([]).when({ type: 'DraftRelease', data: { ...draft, tables: [] } }).thenThrows(ValidationFailedError, [{ path: 'tables', message: 'must list at least one table' }]);
  });

  it('publishes a draft once: the same content again is a no-op, other content needs a revision', () => {
    given([drafted]).when({ type: 'PublishRelease', data: { releaseId: draft.releaseId, cells, contentHash: 'h1' } }).then([published]);
    given([drafted, published]).when({ type: 'PublishRelease', data: { releaseId: draft.releaseId, cells, contentHash: 'h1' } }).then([]);
    given([drafted, published]).when({ type: 'PublishRelease', data: { releaseId: draft.releaseId, cells, contentHash: 'h2' } }).thenThrows(RuleViolationError);
    given([]).when({ type: 'PublishRelease', data: { releaseId: draft.releaseId, cells, contentHash: 'h1' } }).thenThrows(NotFoundError);
  });

  it('discards a draft with a substantive reason, never a published release', () => {
    given([drafted])
      .when({ type: 'DiscardRelease', data: { releaseId: draft.releaseId, reason: '统计口径调整，重新起草' } })
      .then([{ type: 'ReleaseDiscarded', data: { releaseId: draft.releaseId, reason: '统计口径调整，重新起草' }, metadata }]);
    given([drafted]).when({ type: 'DiscardRelease', data: { releaseId: draft.releaseId, reason: 'x' } }).thenThrows(ValidationFailedError, [{ path: 'reason' }]);
    given([drafted, published]).when({ type: 'DiscardRelease', data: { releaseId: draft.releaseId, reason: '统计口径调整，重新起草' } }).thenThrows(RuleViolationError);
  });
});
