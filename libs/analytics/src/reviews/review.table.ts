import { column, defineTable, type RowOf } from '../table.js';

/**
 * The review (审核) of filed reports and the reminders of missing ones: one row per review event.
 * A report's review status as of an instant follows from these rows and its latest revision in
 * report_revisions: accepted or returned at that revision, queries asked on it and not answered.
 */
export const reportReviews = defineTable({
  name: 'report_reviews',
  columns: {
    uscc: column<string>('String'),
    month: column<number>('UInt32'),
    /** queried | answered | returned | accepted | reminded */
    action: column<string>('LowCardinality(String)'),
    report_revision: column<number>('UInt32'),
    query_id: column<string>('String'),
    actor: column<string>('String'),
    position: column<number>('UInt64'),
    recorded_at: column<string>("DateTime64(3, 'UTC')"),
  },
  engine: 'ReplacingMergeTree',
  orderBy: '(month, uscc, position)',
});
export type ReportReviewRow = RowOf<typeof reportReviews>;
