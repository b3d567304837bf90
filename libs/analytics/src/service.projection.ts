import type { OutletEvent, PilotEvent, RentalEvent } from '../../domain/src/index.js';
import type { RecordedEvent } from '../../event-store/src/index.js';
import { chInstant } from './clickhouse.client.js';
import { emptyRows, fen, projectEnterpriseEvents, type ProjectedRows } from './report.projection.js';

/**
 * The outlet and rental projection: pure, one row per event, each with the event's position
 * and recording instant so that "as of T" and replays behave as for reports.
 */
export function projectServiceEvents(events: readonly RecordedEvent[], into: ProjectedRows = emptyRows()): ProjectedRows {
  for (const recorded of events) {
    if (recorded.streamId.startsWith('enterprise-')) continue;
    const base = { position: recorded.position, recorded_at: chInstant(recorded.recordedAt) };
    if (recorded.streamId.startsWith('outlet-')) {
      const event = recorded as unknown as OutletEvent;
      if (event.type === 'OutletOpened') {
        const d = event.data;
        into.outlets.push({ outlet_id: d.outletId, uscc: d.uscc, kind: d.kind, community_code: d.communityCode, name: d.name, opened_on: d.openedOn, ...base });
      } else if (event.type === 'OutletClosed') {
        into.outlet_closures.push({ outlet_id: event.data.outletId, closed_on: event.data.closedOn, ...base });
      }
    } else if (recorded.streamId.startsWith('pilot-')) {
      const event = recorded as unknown as PilotEvent;
      if (event.type === 'PilotDesignated') {
        const d = event.data;
        into.pilots.push({ region_code: d.regionCode, name: d.name, batch: d.batch, start_year: d.startYear, end_year: d.endYear, ...base });
      }
    } else if (recorded.streamId.startsWith('rental-')) {
      const event = recorded as unknown as RentalEvent;
      if (event.type === 'RentalStarted') {
        const d = event.data;
        into.rentals.push({
          rental_id: d.rentalId,
          outlet_id: d.outletId,
          uscc: d.uscc,
          community_code: d.communityCode,
          outlet_kind: d.outletKind,
          product_class: d.productClass,
          trace_code: d.traceCode,
          beneficiary: d.beneficiary,
          started_on: d.startedOn,
          monthly_fee_fen: fen(d.monthlyFee),
          monthly_subsidy_fen: fen(d.monthlySubsidy),
          ...base,
        });
      } else if (event.type === 'RentalEnded') {
        into.rental_returns.push({ rental_id: event.data.rentalId, ended_on: event.data.endedOn, disinfected_on: event.data.disinfectedOn, ...base });
      }
    }
  }
  return into;
}

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

/** Every projection of the read model, applied to one batch of events. */
export function projectEvents(events: readonly RecordedEvent[]): ProjectedRows {
  return projectEventLog(events, projectServiceEvents(events, projectEnterpriseEvents(events, emptyRows())));
}
