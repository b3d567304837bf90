import type { AnnualReportCorrected, AnnualReportFiled } from '../../../domain/src/index.js';
import type { RecordedEvent } from '../../../event-store/src/index.js';
import { chInstant } from '../clickhouse.client.js';
import { emptyRows, type ProjectedRows } from '../read-models.js';
import { fen } from '../reports/report.projection.js';

/** Annual reports as rows, one per class of revenue (dispatching on event types). */
export function projectAnnualEvents(events: readonly RecordedEvent[], into: ProjectedRows = emptyRows()): ProjectedRows {
  for (const recorded of events) {
    if (recorded.type !== 'AnnualReportFiled' && recorded.type !== 'AnnualReportCorrected') continue;
    const d = (recorded as unknown as AnnualReportFiled | AnnualReportCorrected).data;
    const totals = { revenue_fen: fen(d.revenue), export_fen: fen(d.exportRevenue), rd_fen: fen(d.rdSpending), employees: d.employees };
    for (const [productClass, amount] of Object.entries(d.revenueByClass))
      into.annual_reports.push({
        uscc: d.uscc,
        year: d.year,
        report_revision: d.reportRevision,
        product_class: productClass,
        class_revenue_fen: fen(amount),
        ...totals,
        position: recorded.position,
        recorded_at: chInstant(recorded.recordedAt),
      });
  }
  return into;
}
