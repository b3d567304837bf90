import type { ClickHouseClient } from '@clickhouse/client';
import { asOfParam, queryRows } from '../clickhouse.client.js';


/**
 * Every read is cut at a log position as well as an instant: fed by Kafka, the api passes the
 * projector's low watermark (`upTo`), so a list never shows a later event without an earlier one.
 */
const ENTERPRISES_AND_LOCATIONS = `
  enterprises AS (
    SELECT uscc,
           argMaxIf(value, position, attribute = 'registered_on') AS registered_on,
           argMaxIf(value, position, attribute = 'deregistered_from') AS deregistered_from,
           argMaxIf(value, position, attribute = 'name') AS name
    FROM {db:Identifier}.enterprise_attributes
    WHERE recorded_at <= {asOf:DateTime64(3, 'UTC')} AND position <= {upTo:UInt64}
    GROUP BY uscc
  ),
  locations AS (
    SELECT uscc, effective_month, argMax(region_code, position) AS region_code
    FROM {db:Identifier}.enterprise_locations
    WHERE recorded_at <= {asOf:DateTime64(3, 'UTC')} AND position <= {upTo:UInt64}
    GROUP BY uscc, effective_month
  )`;

export interface ComplianceRow {
  readonly uscc: string;
  readonly name: string;
  readonly regionCode: string;
  /** When the first report for the month was recorded, or null when none was. */
  readonly firstFiledAt: string | null;
}

/**
 * Every enterprise that was registered (and not deregistered) for a month, located where it was
 * that month, with the instant its first report for the month was recorded — as known at asOf.
 */
export async function queryFilingCompliance(client: ClickHouseClient, db: string, q: { month: number; period: string; region: string; asOf?: string; upTo?: number }): Promise<ComplianceRow[]> {
  const rows = await queryRows<{ uscc: string; name: string; region_code: string; first_filed_at: string; filed: number }>(
    client,
    `WITH ${ENTERPRISES_AND_LOCATIONS},
     due AS (
       SELECT uscc, name, {month:UInt32} AS month FROM enterprises
       WHERE registered_on != '' AND substring(registered_on, 1, 7) <= {period:String}
         AND (deregistered_from = '' OR deregistered_from > {period:String})
     ),
     located AS (
       SELECT d.uscc AS uscc, d.name AS name, l.region_code AS region_code
       FROM due AS d ASOF LEFT JOIN locations AS l ON d.uscc = l.uscc AND d.month >= l.effective_month
     ),
     first_filed AS (
       SELECT uscc, min(recorded_at) AS first_filed_at, 1 AS filed
       FROM {db:Identifier}.report_revisions
       WHERE month = {month:UInt32} AND recorded_at <= {asOf:DateTime64(3, 'UTC')} AND position <= {upTo:UInt64}
       GROUP BY uscc
     )
     SELECT located.uscc AS uscc, located.name AS name, located.region_code AS region_code,
            toString(f.first_filed_at) AS first_filed_at, f.filed AS filed
     FROM located LEFT JOIN first_filed AS f ON located.uscc = f.uscc
     WHERE startsWith(located.region_code, {region:String})
     ORDER BY region_code, uscc`,
    { db, month: q.month, period: q.period, region: q.region, asOf: asOfParam(q.asOf), upTo: q.upTo ?? Number.MAX_SAFE_INTEGER },
  );
  return rows.map((r) => ({
    uscc: r.uscc,
    name: r.name,
    regionCode: r.region_code,
    firstFiledAt: Number(r.filed) ? `${r.first_filed_at.replace(' ', 'T')}Z` : null,
  }));
}

export interface FlagRow {
  readonly uscc: string;
  readonly name: string;
  readonly regionCode: string;
  readonly reportRevision: number;
  readonly ruleId: string;
  readonly ruleVersion: number;
  readonly explanation: string;
  readonly actor: string;
  readonly recordedAt: string;
}

/** Filings of a month accepted with soft-edit explanations, for a bureau's review. */
export async function querySoftEditFlags(client: ClickHouseClient, db: string, q: { month: number; region: string; asOf?: string; upTo?: number }): Promise<FlagRow[]> {
  const rows = await queryRows<{ uscc: string; name: string; region_code: string; report_revision: number; rule_id: string; rule_version: number; explanation: string; actor: string; recorded_at: string }>(
    client,
    `WITH ${ENTERPRISES_AND_LOCATIONS},
     flags AS (
       SELECT uscc, month, report_revision, rule_id, any(rule_version) AS rule_version, any(explanation) AS explanation,
              any(actor) AS flagged_by, min(recorded_at) AS flagged_at
       FROM {db:Identifier}.report_flags
       WHERE month = {month:UInt32} AND recorded_at <= {asOf:DateTime64(3, 'UTC')} AND position <= {upTo:UInt64}
       GROUP BY uscc, month, report_revision, rule_id
     )
     SELECT f.uscc AS uscc, e.name AS name, l.region_code AS region_code, f.report_revision AS report_revision, f.rule_id AS rule_id,
            f.rule_version AS rule_version, f.explanation AS explanation, f.flagged_by AS actor, toString(f.flagged_at) AS recorded_at
     FROM flags AS f
     ASOF LEFT JOIN locations AS l ON f.uscc = l.uscc AND f.month >= l.effective_month
     LEFT JOIN enterprises AS e ON f.uscc = e.uscc
     WHERE startsWith(l.region_code, {region:String})
     ORDER BY region_code, uscc, report_revision, rule_id`,
    { db, month: q.month, region: q.region, asOf: asOfParam(q.asOf), upTo: q.upTo ?? Number.MAX_SAFE_INTEGER },
  );
  return rows.map((r) => ({
    uscc: r.uscc,
    name: r.name,
    regionCode: r.region_code,
    reportRevision: Number(r.report_revision),
    ruleId: r.rule_id,
    ruleVersion: Number(r.rule_version),
    explanation: r.explanation,
    actor: r.actor,
    recordedAt: `${r.recorded_at.replace(' ', 'T')}Z`,
  }));
}
