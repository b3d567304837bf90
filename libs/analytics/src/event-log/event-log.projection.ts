import type { RecordedEvent } from '../../../event-store/src/index.js';
import { chInstant } from '../clickhouse.client.js';
import { emptyRows, type ProjectedRows } from '../read-models.js';

/** The audit trail: every event as it was stored, with its metadata. */
export function projectEventLog(events: readonly RecordedEvent[], into: ProjectedRows = emptyRows()): ProjectedRows {
  for (const e of events)
    into.event_log.push({
      position: e.position,
      stream_id: e.streamId,
      revision: e.revision,
      type: e.type,
      actor: String(e.metadata.actor ?? ''),
      role: String(e.metadata.role ?? ''),
      data: JSON.stringify(e.data),
      metadata: JSON.stringify(e.metadata),
      recorded_at: chInstant(e.recordedAt),
    });
  return into;
}
