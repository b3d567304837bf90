import type { ComplianceRow, ReviewRow } from '../../../../libs/analytics/src/index.js';

/** What a queue can be filtered by: how the month stands in filing, and in review. */
export const QUEUE_STATUSES = ['missing', 'due', 'late', 'filed', 'soft-edit', 'submitted', 'queried', 'returned', 'accepted'] as const;
export type QueueStatus = (typeof QUEUE_STATUSES)[number];

export interface QueueItem {
  uscc: string;
  name: string;
  regionCode: string;
  period: string;
  /** filed (on time), late, missing (deadline passed), due (deadline to come). */
  filing: 'filed' | 'late' | 'missing' | 'due';
  firstFiledAt: string | null;
  revision: number;
  /** The review of a filed report: submitted (waiting), queried, returned, accepted. */
  review: ReviewRow['status'] | null;
  /** Soft-edit rules the latest revision triggered (each explained by the filer). */
  softEdits: readonly string[];
  openQueries: number;
  remindedAt: string | null;
  /** Every status the item counts under (filing, review, soft-edit). */
  statuses: QueueStatus[];
}

export interface ReviewQueueView {
  period: string;
  region: string | null;
  status: QueueStatus | null;
  deadline: string;
  /** Items per status over the whole queue (before paging). */
  counts: Record<QueueStatus, number>;
  total: number;
  page: number;
  pageSize: number;
  items: QueueItem[];
}

/** Filings that wait for the bureau come first (those with soft edits before the rest), then open queries, returns and non-filers. */
const PRIORITY: Record<string, number> = { 'soft-edit': 0, submitted: 1, queried: 2, returned: 3, missing: 4, due: 5, accepted: 6 };

export function queueItem(row: ComplianceRow, review: ReviewRow | undefined, period: string, deadline: string, now: string): QueueItem & { priority: number } {
  const filing = row.firstFiledAt === null ? (now > deadline ? 'missing' : 'due') : row.firstFiledAt > deadline ? 'late' : 'filed';
  const status = review?.status ?? null;
  const softEdits = review?.softEdits ?? [];
  const statuses: QueueStatus[] = [filing, ...(status ? [status] : []), ...(softEdits.length && status === 'submitted' ? (['soft-edit'] as const) : [])];
  const priority = Math.min(...statuses.map((s) => PRIORITY[s] ?? 7));
  return {
    uscc: row.uscc,
    name: row.name,
    regionCode: row.regionCode,
    period,
    filing,
    firstFiledAt: row.firstFiledAt,
    revision: review?.revision ?? 0,
    review: status,
    softEdits,
    openQueries: review?.openQueries ?? 0,
    remindedAt: review?.remindedAt ?? null,
    statuses,
    priority,
  };
}
