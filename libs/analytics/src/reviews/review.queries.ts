import type { ClickHouseClient } from '@clickhouse/client';
import { asOfParam, queryRows } from '../clickhouse.client.js';

export type ReviewStatus = 'submitted' | 'queried' | 'returned' | 'accepted';

export interface ReviewRow {
  readonly uscc: string;
  /** The report's latest revision as of the instant (0: not filed). */
  readonly revision: number;
  /** Undefined when the month is not filed. */
  readonly status?: ReviewStatus;
  readonly openQueries: number;
  /** Soft-edit rules the latest revision triggered (each explained by the filer). */
  readonly softEdits: readonly string[];
  /** When the enterprise was reminded of the month, if it was. */
  readonly remindedAt: string | null;
}

/**
 * The review state of one month's reports, per enterprise, as known at an instant (and below a
 * log position): accepted or returned at the latest revision, queries asked on it and not answered.
 */
export async function queryReviews(client: ClickHouseClient, db: string, q: { month: number; usccs: readonly string[]; asOf?: string; upTo?: number }): Promise<Map<string, ReviewRow>> {
  if (!q.usccs.length) return new Map();
  const rows = await queryRows<{ uscc: string; revision: number; accepted: number; returned: number; open_queries: number; soft_edits: string[]; reminded_at: string }>(
    client,
    `WITH latest AS (
       SELECT uscc, max(report_revision) AS revision FROM {db:Identifier}.report_revisions
       WHERE month = {month:UInt32} AND uscc IN {usccs:Array(String)} AND recorded_at <= {asOf:DateTime64(3, 'UTC')} AND position <= {upTo:UInt64}
       GROUP BY uscc
     ),
     reviews AS (
       SELECT uscc, action, report_revision, query_id, recorded_at FROM {db:Identifier}.report_reviews
       WHERE month = {month:UInt32} AND uscc IN {usccs:Array(String)} AND recorded_at <= {asOf:DateTime64(3, 'UTC')} AND position <= {upTo:UInt64}
     ),
     flags AS (
       SELECT uscc, report_revision, groupUniqArray(rule_id) AS rules FROM {db:Identifier}.report_flags
       WHERE month = {month:UInt32} AND uscc IN {usccs:Array(String)} AND recorded_at <= {asOf:DateTime64(3, 'UTC')} AND position <= {upTo:UInt64}
       GROUP BY uscc, report_revision
     )
     SELECT u.uscc AS uscc, toUInt32(ifNull(l.revision, 0)) AS revision,
            toUInt8(countIf(r.action = 'accepted' AND r.report_revision = l.revision) > 0) AS accepted,
            toUInt8(countIf(r.action = 'returned' AND r.report_revision = l.revision) > 0) AS returned,
            toUInt32(length(arrayFilter(x -> x != '', groupUniqArrayIf(r.query_id, r.action = 'queried' AND r.report_revision = l.revision)))
              - length(arrayFilter(x -> x != '', arrayIntersect(groupUniqArrayIf(r.query_id, r.action = 'queried' AND r.report_revision = l.revision), groupUniqArrayIf(r.query_id, r.action = 'answered'))))) AS open_queries,
            any(f.rules) AS soft_edits,
            toString(minIf(r.recorded_at, r.action = 'reminded')) AS reminded_at,
            countIf(r.action = 'reminded') AS reminders
     FROM (SELECT arrayJoin({usccs:Array(String)}) AS uscc) AS u
     LEFT JOIN latest AS l ON l.uscc = u.uscc
     LEFT JOIN reviews AS r ON r.uscc = u.uscc
     LEFT JOIN flags AS f ON f.uscc = u.uscc AND f.report_revision = l.revision
     GROUP BY u.uscc, l.revision`,
    { db, month: q.month, usccs: [...q.usccs], asOf: asOfParam(q.asOf), upTo: q.upTo ?? Number.MAX_SAFE_INTEGER },
  );
  return new Map(
    rows.map((r) => {
      const revision = Number(r.revision);
      const status: ReviewStatus | undefined = revision === 0 ? undefined : Number(r.returned) ? 'returned' : Number(r.open_queries) ? 'queried' : Number(r.accepted) ? 'accepted' : 'submitted';
      const reminded = (r as unknown as { reminders: number }).reminders > 0;
      return [r.uscc, { uscc: r.uscc, revision, ...(status ? { status } : {}), openQueries: Number(r.open_queries), softEdits: [...(r.soft_edits ?? [])].sort(), remindedAt: reminded ? `${r.reminded_at.replace(' ', 'T')}Z` : null }];
    }),
  );
}

/** A filed month not accepted (as of an instant), in the cell it counts in. */
export interface UnacceptedFiling {
  readonly uscc: string;
  readonly month: number;
  readonly regionCode: string;
  readonly segment: string;
}

/**
 * The filings of a span of months in a region whose latest revision (as of an instant, below a log
 * position) was not accepted in review, each where it counts: the cells a release must mark provisional.
 */
export async function queryUnacceptedFilings(
  client: ClickHouseClient,
  db: string,
  q: { fromMonth: number; toMonth: number; region: string; asOf?: string; upTo?: number },
): Promise<UnacceptedFiling[]> {
  const rows = await queryRows<{ uscc: string; month: number; region_code: string; segment: string }>(
    client,
    `WITH counted AS (
       SELECT uscc, month, region_code, segment FROM {db:Identifier}.report_deltas
       WHERE month BETWEEN {fromMonth:UInt32} AND {toMonth:UInt32} AND startsWith(region_code, {region:String})
         AND recorded_at <= {asOf:DateTime64(3, 'UTC')} AND position <= {upTo:UInt64}
       GROUP BY uscc, month, region_code, segment HAVING sum(reports) > 0
     ),
     latest AS (
       SELECT uscc, month, max(report_revision) AS revision FROM {db:Identifier}.report_revisions
       WHERE month BETWEEN {fromMonth:UInt32} AND {toMonth:UInt32} AND recorded_at <= {asOf:DateTime64(3, 'UTC')} AND position <= {upTo:UInt64}
       GROUP BY uscc, month
     ),
     accepted AS (
       SELECT uscc, month, groupUniqArray(report_revision) AS revisions FROM {db:Identifier}.report_reviews
       WHERE action = 'accepted' AND month BETWEEN {fromMonth:UInt32} AND {toMonth:UInt32} AND recorded_at <= {asOf:DateTime64(3, 'UTC')} AND position <= {upTo:UInt64}
       GROUP BY uscc, month
     )
     SELECT c.uscc AS uscc, c.month AS month, c.region_code AS region_code, c.segment AS segment
     FROM counted AS c
     INNER JOIN latest AS l ON l.uscc = c.uscc AND l.month = c.month
     LEFT JOIN accepted AS a ON a.uscc = c.uscc AND a.month = c.month
     WHERE NOT has(a.revisions, l.revision)
     ORDER BY month, region_code, uscc`,
    { db, fromMonth: q.fromMonth, toMonth: q.toMonth, region: q.region, asOf: asOfParam(q.asOf), upTo: q.upTo ?? Number.MAX_SAFE_INTEGER },
  );
  return rows.map((r) => ({ uscc: r.uscc, month: Number(r.month), regionCode: r.region_code, segment: r.segment }));
}
