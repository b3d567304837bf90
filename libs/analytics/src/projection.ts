import type { RecordedEvent } from '../../event-store/src/index.js';
import { projectAnnualEvents } from './annual/annual.projection.js';
import { projectEventLog } from './event-log/event-log.projection.js';
import { projectPilotEvents } from './pilots/pilot.projection.js';
import { emptyRows, type ProjectedRows } from './read-models.js';
import { projectEnterpriseEvents } from './reports/report.projection.js';
import { projectReviewEvents } from './reviews/review.projection.js';
import { projectServiceEvents } from './services/service.projection.js';

/** Every pure projection of the read model, applied to one batch of events. */
export function projectEvents(events: readonly RecordedEvent[]): ProjectedRows {
  const rows = emptyRows();
  projectEnterpriseEvents(events, rows);
  projectServiceEvents(events, rows);
  projectPilotEvents(events, rows);
  projectReviewEvents(events, rows);
  projectAnnualEvents(events, rows);
  return projectEventLog(events, rows);
}
