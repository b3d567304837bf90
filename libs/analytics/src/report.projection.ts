import { monthIndex, parseYuan, type EnterpriseEvent } from '../../domain/src/index.js';
import type { RecordedEvent } from '../../event-store/src/index.js';
import { chInstant } from './clickhouse.client.js';
import { PROJECTED_TABLES, type ProjectedTable } from './migrations.js';

export interface ReportRevisionRow {
  uscc: string;
  month: number;
  report_revision: number;
  revenue_fen: string;
  tax_fen: string;
  employees: number;
  event_type: string;
  actor: string;
  position: number;
  recorded_at: string;
}

export interface LocationRow {
  uscc: string;
  effective_month: number;
  region_code: string;
  position: number;
  recorded_at: string;
}

export interface AttributeRow {
  uscc: string;
  attribute: string;
  value: string;
  position: number;
  recorded_at: string;
}

export interface OutletRow {
  outlet_id: string;
  uscc: string;
  kind: string;
  community_code: string;
  name: string;
  opened_on: string;
  position: number;
  recorded_at: string;
}

export interface OutletClosureRow {
  outlet_id: string;
  closed_on: string;
  position: number;
  recorded_at: string;
}

export interface RentalRow {
  rental_id: string;
  outlet_id: string;
  uscc: string;
  community_code: string;
  outlet_kind: string;
  product_class: string;
  trace_code: string;
  beneficiary: string;
  started_on: string;
  monthly_fee_fen: string;
  monthly_subsidy_fen: string;
  position: number;
  recorded_at: string;
}

export interface RentalReturnRow {
  rental_id: string;
  ended_on: string;
  disinfected_on: string;
  position: number;
  recorded_at: string;
}

export interface ReportFlagRow {
  uscc: string;
  month: number;
  report_revision: number;
  rule_id: string;
  rule_version: number;
  explanation: string;
  actor: string;
  position: number;
  recorded_at: string;
}

export interface PilotRow {
  region_code: string;
  name: string;
  batch: number;
  start_year: number;
  end_year: number;
  position: number;
  recorded_at: string;
}

export interface EventLogRow {
  position: number;
  stream_id: string;
  revision: number;
  type: string;
  actor: string;
  role: string;
  data: string;
  metadata: string;
  recorded_at: string;
}

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
});

export function fen(yuan: string): string {
  const parsed = parseYuan(yuan);
  if ('problem' in parsed) throw new Error(`projected amount ${yuan} is malformed`);
  return String(parsed.fen);
}

/**
 * The report projection: a pure function from recorded events to rows. Every row carries the
 * event's position and recording instant, so "current" and "as of T" read the same rows and a
 * replayed event only adds a duplicate that queries (argMax by position) never count twice.
 */
export function projectEnterpriseEvents(events: readonly RecordedEvent[], into: ProjectedRows = emptyRows()): ProjectedRows {
  for (const recorded of events) {
    if (!recorded.streamId.startsWith('enterprise-')) continue;
    const event = recorded as unknown as EnterpriseEvent & RecordedEvent;
    const base = { position: recorded.position, recorded_at: chInstant(recorded.recordedAt) };
    switch (event.type) {
      case 'EnterpriseRegistered': {
        const d = event.data;
        into.enterprise_locations.push({ uscc: d.uscc, effective_month: monthIndex(d.registeredOn.slice(0, 7)), region_code: d.regionCode, ...base });
        into.enterprise_attributes.push(
          { uscc: d.uscc, attribute: 'segment', value: d.segment, ...base },
          { uscc: d.uscc, attribute: 'name', value: d.name, ...base },
          { uscc: d.uscc, attribute: 'registered_on', value: d.registeredOn, ...base },
        );
        break;
      }
      case 'EnterpriseDetailsAmended': {
        const d = event.data;
        if (d.segment) into.enterprise_attributes.push({ uscc: d.uscc, attribute: 'segment', value: d.segment, ...base });
        if (d.name) into.enterprise_attributes.push({ uscc: d.uscc, attribute: 'name', value: d.name, ...base });
        break;
      }
      case 'EnterpriseRelocated': {
        const d = event.data;
        into.enterprise_locations.push({ uscc: d.uscc, effective_month: monthIndex(d.effectiveFrom), region_code: d.regionCode, ...base });
        break;
      }
      case 'EnterpriseDeregistered': {
        const d = event.data;
        into.enterprise_attributes.push({ uscc: d.uscc, attribute: 'deregistered_from', value: d.effectiveFrom, ...base });
        break;
      }
      case 'MonthlyReportFiled':
      case 'MonthlyReportCorrected': {
        const d = event.data;
        into.report_revisions.push({
          uscc: d.uscc,
          month: monthIndex(d.period),
          report_revision: d.reportRevision,
          revenue_fen: fen(d.revenue),
          tax_fen: fen(d.taxPaid),
          employees: d.employees,
          event_type: event.type,
          actor: String(recorded.metadata.actor ?? ''),
          position: base.position,
          recorded_at: base.recorded_at,
        });
        for (const [ruleId, explanation] of Object.entries(d.explanations ?? {})) {
          into.report_flags.push({
            uscc: d.uscc,
            month: monthIndex(d.period),
            report_revision: d.reportRevision,
            rule_id: ruleId,
            rule_version: d.rules.find((r) => r.id === ruleId)?.version ?? 0,
            explanation,
            actor: String(recorded.metadata.actor ?? ''),
            ...base,
          });
        }
        break;
      }
      default:
        break;
    }
  }
  return into;
}

/** The tables rows are projected into (every projected table but the checkpoints). */
export const PROJECTION_TABLES = PROJECTED_TABLES.filter((t): t is Exclude<ProjectedTable, 'projector_checkpoints'> => t !== 'projector_checkpoints');
