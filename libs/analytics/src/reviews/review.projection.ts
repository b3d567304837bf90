import { monthIndex, type ReviewEvent } from '../../../domain/src/index.js';
import type { RecordedEvent } from '../../../event-store/src/index.js';
import { chInstant } from '../clickhouse.client.js';
import { emptyRows, type ProjectedRows } from '../read-models.js';

const ACTIONS: Record<ReviewEvent['type'], string> = {
  FilingQueried: 'queried',
  QueryAnswered: 'answered',
  FilingReturned: 'returned',
  FilingAccepted: 'accepted',
  FilingReminderSent: 'reminded',
};

/** Review and reminder events as rows (dispatching on event types). */
export function projectReviewEvents(events: readonly RecordedEvent[], into: ProjectedRows = emptyRows()): ProjectedRows {
  for (const recorded of events) {
    const action = ACTIONS[recorded.type as ReviewEvent['type']];
    if (!action) continue;
    const d = (recorded as unknown as ReviewEvent).data as { uscc: string; period: string; reportRevision?: number; queryId?: string };
    into.report_reviews.push({
      uscc: d.uscc,
      month: monthIndex(d.period),
      action,
      report_revision: d.reportRevision ?? 0,
      query_id: d.queryId ?? '',
      actor: String(recorded.metadata.actor ?? ''),
      position: recorded.position,
      recorded_at: chInstant(recorded.recordedAt),
    });
  }
  return into;
}
