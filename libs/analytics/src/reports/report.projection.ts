import { monthIndex, parseYuan, type EnterpriseEvent } from '../../../domain/src/index.js';
import type { RecordedEvent } from '../../../event-store/src/index.js';
import { chInstant } from '../clickhouse.client.js';
import { emptyRows, type ProjectedRows } from '../read-models.js';

export function fen(yuan: string): string {
  const parsed = parseYuan(yuan);
  if ('problem' in parsed) throw new Error(`projected amount ${yuan} is malformed`);
  return String(parsed.fen);
}

/**
 * The report projection: a pure function from recorded events to rows, dispatching on event types. Every row carries the
 * event's position and recording instant, so "current" and "as of T" read the same rows and a
 * replayed event only adds a duplicate that queries (argMax by position) never count twice.
 */
export function projectEnterpriseEvents(events: readonly RecordedEvent[], into: ProjectedRows = emptyRows()): ProjectedRows {
  for (const recorded of events) {
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
        into.enterprise_attributes.push(
          { uscc: d.uscc, attribute: 'deregistered_from', value: d.effectiveFrom, ...base },
          { uscc: d.uscc, attribute: 'deregistration_kind', value: d.kind, ...base },
        );
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
