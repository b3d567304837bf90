import type { OutletEvent, RentalEvent } from '../../../domain/src/index.js';
import type { RecordedEvent } from '../../../event-store/src/index.js';
import { chInstant } from '../clickhouse.client.js';
import { emptyRows, type ProjectedRows } from '../read-models.js';
import { fen } from '../reports/report.projection.js';

/**
 * The outlet and rental projection: pure, one row per event (dispatching on event types), each
 * with the event's position and recording instant so that "as of T" and replays behave as for reports.
 */
export function projectServiceEvents(events: readonly RecordedEvent[], into: ProjectedRows = emptyRows()): ProjectedRows {
  for (const recorded of events) {
    const base = { position: recorded.position, recorded_at: chInstant(recorded.recordedAt) };
    const event = recorded as unknown as OutletEvent | RentalEvent;
    switch (event.type) {
      case 'OutletOpened': {
        const d = event.data;
        into.outlets.push({ outlet_id: d.outletId, uscc: d.uscc, kind: d.kind, community_code: d.communityCode, name: d.name, opened_on: d.openedOn, ...base });
        break;
      }
      case 'OutletClosed':
        into.outlet_closures.push({ outlet_id: event.data.outletId, closed_on: event.data.closedOn, ...base });
        break;
      case 'RentalStarted': {
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
        break;
      }
      case 'RentalEnded':
        into.rental_returns.push({ rental_id: event.data.rentalId, ended_on: event.data.endedOn, disinfected_on: event.data.disinfectedOn, ...base });
        break;
      default:
        break;
    }
  }
  return into;
}
