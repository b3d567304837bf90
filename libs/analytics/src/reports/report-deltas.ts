import type { ClickHouseClient } from '@clickhouse/client';
import { inForceAt, monthIndex, type EnterpriseEvent } from '../../../domain/src/index.js';
import type { RecordedEvent } from '../../../event-store/src/index.js';
import { chInstant, queryRows } from '../clickhouse.client.js';
import { fen } from './report.projection.js';
import type { ReportDeltaRow, StockLatestRow } from './report.tables.js';

/**
 * One signed difference to the figures of an enterprise's month, in the region and segment
 * the month counted in when it was recorded. A filing adds its values (and one report); a
 * correction adds the difference to the revision before it; a relocation or a change of
 * segment moves the month's sums from the old cell to the new one. Summing the rows recorded
 * up to an instant gives the figures as known at that instant: `asOf` is a plain filtered
 * aggregate, with no ranking of revisions at query time.
 */

interface Location {
  readonly from: number;
  readonly region: string;
}

interface DirectoryEntry {
  /** Sorted by `from`; for one month the later-recorded location replaces the earlier. */
  locations: Location[];
  segment: string;
}

interface MonthValues {
  revenue: number;
  tax: number;
  employees: number;
}

type Cell = Omit<ReportDeltaRow, 'position' | 'recorded_at'>;

/**
 * Projects enterprise events into report deltas. It keeps a directory of each enterprise's
 * locations and segment, filled from ClickHouse for enterprises registered before the batch,
 * and reads the previous revision of a corrected month from `report_revisions`. Call
 * {@link reset} whenever rows it produced may not have reached ClickHouse (a failed batch, a
 * swapped table), so that nothing is computed from a state ClickHouse does not hold.
 */
export class ReportDeltaProjection {
  private readonly directory = new Map<string, DirectoryEntry>();
  /** The latest values of the months the previous batch filed or corrected (its rows may still be on their way to ClickHouse). */
  private lastBatch = new Map<string, MonthValues>();

  constructor(
    private readonly client: ClickHouseClient,
    private readonly db: string,
    /** The table-name suffix this projection writes to and reads from (a rebuild's tables). */
    private readonly suffix = '',
    /** Enterprises whose directory entries stay cached. */
    private readonly capacity = 1_000_000,
  ) {}

  reset(): void {
    this.directory.clear();
    this.lastBatch = new Map();
  }

  /** Whether projecting these events reads the delta table itself (moves), so earlier rows must be in ClickHouse first. */
  static readsOwnRows(events: readonly RecordedEvent[]): boolean {
    return events.some((e) => e.type === 'EnterpriseRelocated' || (e.type === 'EnterpriseDetailsAmended' && Boolean((e.data as { segment?: string }).segment)));
  }

  async project(events: readonly RecordedEvent[]): Promise<ReportDeltaRow[]> {
    return (await this.projectWithStocks(events)).deltas;
  }

  /**
   * The deltas of a batch, and the `stock_latest` rows: each filing or correction's month with its
   * headcount, and each month a move carries to another cell, in that cell (the latest month wins there).
   */
  async projectWithStocks(events: readonly RecordedEvent[]): Promise<{ deltas: ReportDeltaRow[]; stocks: StockLatestRow[] }> {
    const enterpriseEvents = events.filter((e) => e.streamId.startsWith('enterprise-')) as unknown as (EnterpriseEvent & RecordedEvent)[];
    const stocks: StockLatestRow[] = [];
    if (!enterpriseEvents.length) return { deltas: [], stocks };
    const previous = await this.prefetch(enterpriseEvents);
    const touched = new Map<string, MonthValues>();
    const rows: ReportDeltaRow[] = [];
    const moved = async (uscc: string, stamp: { position: number; recorded_at: string }) => {
      for (const row of await this.moves(uscc, rows, stamp)) {
        rows.push(row);
        if (row.reports > 0) stocks.push(stockOf(row));
      }
    };
    for (const event of enterpriseEvents) {
      const stamp = { position: event.position, recorded_at: chInstant(event.recordedAt) };
      switch (event.type) {
        case 'EnterpriseRegistered': {
          const d = event.data;
          this.remember(d.uscc, { locations: [{ from: monthIndex(d.registeredOn.slice(0, 7)), region: d.regionCode }], segment: d.segment });
          break;
        }
        case 'EnterpriseRelocated': {
          const d = event.data;
          const entry = this.entry(d.uscc);
          const from = monthIndex(d.effectiveFrom);
          entry.locations = [...entry.locations.filter((l) => l.from !== from), { from, region: d.regionCode }].sort((a, b) => a.from - b.from);
          await moved(d.uscc, stamp);
          break;
        }
        case 'EnterpriseDetailsAmended': {
          const d = event.data;
          if (!d.segment) break;
          this.entry(d.uscc).segment = d.segment;
          await moved(d.uscc, stamp);
          break;
        }
        case 'MonthlyReportFiled':
        case 'MonthlyReportCorrected': {
          const d = event.data;
          const month = monthIndex(d.period);
          const key = `${d.uscc}|${month}`;
          const now: MonthValues = { revenue: Number(fen(d.revenue)), tax: Number(fen(d.taxPaid)), employees: d.employees };
          const before = event.type === 'MonthlyReportCorrected' ? previous.get(key) : undefined;
          if (event.type === 'MonthlyReportCorrected' && !before) throw new Error(`correction of ${key} at position ${event.position} has no earlier revision in ClickHouse`);
          previous.set(key, now);
          touched.set(key, now);
          const entry = this.entry(d.uscc);
          // Plain literals (no spreads): this runs once per filing in a rebuild of millions.
          const region = regionIn(entry, month);
          rows.push({
            month,
            uscc: d.uscc,
            region_code: region,
            segment: entry.segment,
            revenue_fen: now.revenue - (before?.revenue ?? 0),
            tax_fen: now.tax - (before?.tax ?? 0),
            employees: now.employees - (before?.employees ?? 0),
            reports: before ? 0 : 1,
            position: stamp.position,
            recorded_at: stamp.recorded_at,
          });
          stocks.push({ year: Math.floor(month / 12), uscc: d.uscc, month, region_code: region, segment: entry.segment, employees: now.employees, position: stamp.position, recorded_at: stamp.recorded_at });
          break;
        }
        default:
          break;
      }
    }
    this.lastBatch = touched;
    return { deltas: rows, stocks };
  }

  /** Loads directory entries and corrected months' previous values that the batch needs from ClickHouse. */
  private async prefetch(events: readonly (EnterpriseEvent & RecordedEvent)[]): Promise<Map<string, MonthValues>> {
    const registered = new Set<string>();
    const unknown = new Set<string>();
    const filed = new Set<string>();
    const corrected = new Map<string, { uscc: string; month: number }>();
    for (const event of events) {
      const uscc = (event.data as { uscc: string }).uscc;
      if (event.type === 'EnterpriseRegistered') registered.add(uscc);
      else if (!registered.has(uscc) && !this.directory.has(uscc)) unknown.add(uscc);
      if (event.type === 'MonthlyReportFiled' || event.type === 'MonthlyReportCorrected') {
        const month = monthIndex(event.data.period);
        const key = `${uscc}|${month}`;
        if (event.type === 'MonthlyReportCorrected' && !filed.has(key) && !this.lastBatch.has(key)) corrected.set(key, { uscc, month });
        filed.add(key);
      }
    }
    if (unknown.size) await this.loadDirectory([...unknown]);
    const previous = new Map<string, MonthValues>(this.lastBatch);
    if (corrected.size) {
      const wanted = [...corrected.values()];
      const rows = await queryRows<{ uscc: string; month: number; revenue_fen: string; tax_fen: string; employees: number }>(
        this.client,
        `SELECT uscc, month,
                toString(argMax(revenue_fen, report_revision)) AS revenue_fen,
                toString(argMax(tax_fen, report_revision)) AS tax_fen,
                argMax(employees, report_revision) AS employees
         FROM {db:Identifier}.{table:Identifier}
         WHERE uscc IN {usccs:Array(String)} AND month IN {months:Array(UInt32)}
         GROUP BY uscc, month`,
        { db: this.db, table: `report_revisions${this.suffix}`, usccs: [...new Set(wanted.map((w) => w.uscc))], months: [...new Set(wanted.map((w) => w.month))] },
      );
      for (const r of rows) {
        const key = `${r.uscc}|${Number(r.month)}`;
        if (corrected.has(key)) previous.set(key, { revenue: Number(r.revenue_fen), tax: Number(r.tax_fen), employees: Number(r.employees) });
      }
    }
    return previous;
  }

  private async loadDirectory(usccs: string[]): Promise<void> {
    const params = { db: this.db, usccs };
    const [locations, segments] = await Promise.all([
      queryRows<{ uscc: string; effective_month: number; region_code: string }>(
        this.client,
        `SELECT uscc, effective_month, argMax(region_code, position) AS region_code
         FROM {db:Identifier}.{table:Identifier} WHERE uscc IN {usccs:Array(String)}
         GROUP BY uscc, effective_month ORDER BY uscc, effective_month`,
        { ...params, table: `enterprise_locations${this.suffix}` },
      ),
      queryRows<{ uscc: string; segment: string }>(
        this.client,
        `SELECT uscc, argMax(value, position) AS segment
         FROM {db:Identifier}.{table:Identifier} WHERE attribute = 'segment' AND uscc IN {usccs:Array(String)}
         GROUP BY uscc`,
        { ...params, table: `enterprise_attributes${this.suffix}` },
      ),
    ]);
    const segmentOf = new Map(segments.map((s) => [s.uscc, s.segment]));
    const entries = new Map<string, DirectoryEntry>();
    for (const l of locations) {
      const entry = entries.get(l.uscc) ?? { locations: [], segment: segmentOf.get(l.uscc) ?? '' };
      entry.locations.push({ from: Number(l.effective_month), region: l.region_code });
      entries.set(l.uscc, entry);
    }
    for (const [uscc, entry] of entries) this.remember(uscc, entry);
  }

  private remember(uscc: string, entry: DirectoryEntry): void {
    this.directory.delete(uscc);
    this.directory.set(uscc, entry);
    if (this.directory.size > this.capacity) this.directory.delete(this.directory.keys().next().value as string);
  }

  private entry(uscc: string): DirectoryEntry {
    const entry = this.directory.get(uscc);
    if (!entry) throw new Error(`enterprise ${uscc} has events but no registration in ClickHouse`);
    return entry;
  }

  /** The cell a month of an enterprise counts in now: the location in force that month (the first one before it), and the segment. */
  private cellOf(uscc: string, month: number): Pick<Cell, 'month' | 'uscc' | 'region_code' | 'segment'> {
    const entry = this.entry(uscc);
    return { month, uscc, region_code: regionIn(entry, month), segment: entry.segment };
  }

  /**
   * After the directory changed for an enterprise, the rows that carry each of its months from
   * the cell it counted in to the cell it counts in now, at the changing event's position.
   */
  private async moves(uscc: string, pending: readonly ReportDeltaRow[], stamp: { position: number; recorded_at: string }): Promise<ReportDeltaRow[]> {
    const stored = await queryRows<{ month: number; region_code: string; segment: string; revenue_fen: string; tax_fen: string; employees: string; reports: string }>(
      this.client,
      `SELECT month, region_code, segment, toString(sum(revenue_fen)) AS revenue_fen, toString(sum(tax_fen)) AS tax_fen,
              toString(sum(employees)) AS employees, toString(sum(reports)) AS reports
       FROM {db:Identifier}.{table:Identifier} WHERE uscc = {uscc:String}
       GROUP BY month, region_code, segment`,
      { db: this.db, table: `report_deltas${this.suffix}`, uscc },
    );
    const cells = new Map<string, Cell>();
    const add = (row: Cell) => {
      const key = `${row.month}|${row.region_code}|${row.segment}`;
      const cell = cells.get(key) ?? { month: row.month, uscc, region_code: row.region_code, segment: row.segment, revenue_fen: 0, tax_fen: 0, employees: 0, reports: 0 };
      cell.revenue_fen += row.revenue_fen;
      cell.tax_fen += row.tax_fen;
      cell.employees += row.employees;
      cell.reports += row.reports;
      cells.set(key, cell);
    };
    for (const s of stored)
      add({ month: Number(s.month), uscc, region_code: s.region_code, segment: s.segment, revenue_fen: Number(s.revenue_fen), tax_fen: Number(s.tax_fen), employees: Number(s.employees), reports: Number(s.reports) });
    for (const p of pending) if (p.uscc === uscc) add(p);
    const out: ReportDeltaRow[] = [];
    for (const cell of cells.values()) {
      if (!cell.reports && !cell.revenue_fen && !cell.tax_fen && !cell.employees) continue;
      const target = this.cellOf(uscc, cell.month);
      if (target.region_code === cell.region_code && target.segment === cell.segment) continue;
      const negated = { ...cell, revenue_fen: -cell.revenue_fen, tax_fen: -cell.tax_fen, employees: -cell.employees, reports: -cell.reports, ...stamp };
      out.push(negated, { ...cell, ...target, ...stamp });
    }
    return out;
  }
}

/** A move's row into a month's new cell as the month's stock there: its summed headcount. */
function stockOf(row: ReportDeltaRow): StockLatestRow {
  return { year: Math.floor(row.month / 12), uscc: row.uscc, month: row.month, region_code: row.region_code, segment: row.segment, employees: row.employees, position: row.position, recorded_at: row.recorded_at };
}

/** The region of the location in force in a month (the first one for a month before it). */
function regionIn(entry: DirectoryEntry, month: number): string {
  return inForceAt(entry.locations, month, (l) => l.from)?.region ?? '';
}
