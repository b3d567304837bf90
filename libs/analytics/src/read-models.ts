import { annualReports, type AnnualReportRow } from './annual/annual.tables.js';
import { projectorCheckpoints } from './checkpoints.table.js';
import { eventLog, type EventLogRow } from './event-log/event-log.table.js';
import { pilots, type PilotRow } from './pilots/pilot.table.js';
import {
  enterpriseAttributes,
  enterpriseLocations,
  reportDeltas,
  reportFlags,
  stockLatest,
  reportRevisions,
  type AttributeRow,
  type LocationRow,
  type ReportFlagRow,
  type ReportRevisionRow,
} from './reports/report.tables.js';
import { reportReviews, type ReportReviewRow } from './reviews/review.table.js';
import { outletClosures, outlets, rentalReturns, rentals, type OutletClosureRow, type OutletRow, type RentalReturnRow, type RentalRow } from './services/service.tables.js';
import type { TableDefinition } from './table.js';

/**
 * Every projected table, each defined once in its read model's folder. A rebuild creates each one
 * again with a suffix and swaps it in; the deploy DDL is generated from the same definitions.
 */
export const PROJECTED_TABLES = [
  reportRevisions,
  reportDeltas,
  stockLatest,
  enterpriseLocations,
  enterpriseAttributes,
  outlets,
  outletClosures,
  rentals,
  rentalReturns,
  reportFlags,
  pilots,
  eventLog,
  reportReviews,
  annualReports,
  projectorCheckpoints,
] as const satisfies readonly TableDefinition[];
export type ProjectedTable = (typeof PROJECTED_TABLES)[number]['name'];

/** The definition of a projected table by name. */
export function projectedTable(name: ProjectedTable): TableDefinition {
  return PROJECTED_TABLES.find((t) => t.name === name)!;
}

/** The tables rows are projected into (every projected table but the checkpoints). */
export const PROJECTION_TABLES = PROJECTED_TABLES.map((t) => t.name).filter((t): t is Exclude<ProjectedTable, 'projector_checkpoints'> => t !== 'projector_checkpoints');

/** The rows the pure projections produce for a batch (the report deltas come from their own, stateful projection). */
export type ProjectedRows = {
  event_log: EventLogRow[];
  report_flags: ReportFlagRow[];
  pilots: PilotRow[];
  report_revisions: ReportRevisionRow[];
  enterprise_locations: LocationRow[];
  enterprise_attributes: AttributeRow[];
  outlets: OutletRow[];
  outlet_closures: OutletClosureRow[];
  rentals: RentalRow[];
  rental_returns: RentalReturnRow[];
  report_reviews: ReportReviewRow[];
  annual_reports: AnnualReportRow[];
};

export const emptyRows = (): ProjectedRows => ({
  event_log: [],
  report_flags: [],
  pilots: [],
  report_revisions: [],
  enterprise_locations: [],
  enterprise_attributes: [],
  outlets: [],
  outlet_closures: [],
  rentals: [],
  rental_returns: [],
  report_reviews: [],
  annual_reports: [],
});
