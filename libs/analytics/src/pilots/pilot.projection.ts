import type { PilotEvent } from '../../../domain/src/index.js';
import type { RecordedEvent } from '../../../event-store/src/index.js';
import { chInstant } from '../clickhouse.client.js';
import { emptyRows, type ProjectedRows } from '../read-models.js';

/** Pilot designations, in the order they were made (targets and investments are read from the pilot's stream). */
export function projectPilotEvents(events: readonly RecordedEvent[], into: ProjectedRows = emptyRows()): ProjectedRows {
  for (const recorded of events) {
    const event = recorded as unknown as PilotEvent;
    if (event.type !== 'PilotDesignated') continue;
    const d = event.data;
    into.pilots.push({ region_code: d.regionCode, name: d.name, batch: d.batch, start_year: d.startYear, end_year: d.endYear, position: recorded.position, recorded_at: chInstant(recorded.recordedAt) });
  }
  return into;
}
