import type { ClickHouseClient } from '@clickhouse/client';
import { annualFilingDeadline, inForceAt } from '../../../domain/src/index.js';
import { asOfParam, queryRows } from '../clickhouse.client.js';
import { IN_SCOPE, KNOWN, type PanelEnterprise } from '../reports/unit-panel.query.js';
import type { ResponseRates } from '../statistics/imputation.js';

/** The indicators of the annual report (issue 20). */
export type AnnualIndicator = 'revenue-by-class' | 'export-revenue' | 'rd-spending' | 'rd-intensity';

/** An enterprise's annual report of a year as known at an instant: its latest revision. */
export interface KnownAnnualReport {
  readonly uscc: string;
  readonly year: number;
  /** Revenue per class key, fen. */
  readonly classes: ReadonlyMap<string, bigint>;
  readonly revenue: bigint;
  readonly exportRevenue: bigint;
  readonly rd: bigint;
}

const REPORTS_SQL = `
  SELECT uscc, year, product_class, toString(any(class_revenue_fen)) AS class_revenue, toString(any(revenue_fen)) AS revenue,
         toString(any(export_fen)) AS export_revenue, toString(any(rd_fen)) AS rd
  FROM {db:Identifier}.annual_reports
  WHERE ${KNOWN} AND year BETWEEN {fromYear:UInt16} AND {toYear:UInt16} AND ${IN_SCOPE}
    AND (uscc, year, position) IN (
      SELECT uscc, year, max(position) FROM {db:Identifier}.annual_reports
      WHERE ${KNOWN} AND year BETWEEN {fromYear:UInt16} AND {toYear:UInt16} AND ${IN_SCOPE}
      GROUP BY uscc, year)
  GROUP BY uscc, year, product_class`;

/** The annual reports of enterprises ever located in a scope, for a span of years, as known at an instant and up to a log position. */
export async function queryAnnualReports(
  client: ClickHouseClient,
  db: string,
  q: { scope: string; fromYear: number; toYear: number; asOf?: string; upToPosition?: number },
): Promise<KnownAnnualReport[]> {
  const rows = await queryRows<{ uscc: string; year: number | string; product_class: string; class_revenue: string; revenue: string; export_revenue: string; rd: string }>(client, REPORTS_SQL, {
    db,
    scope: q.scope,
    fromYear: q.fromYear,
    toYear: q.toYear,
    asOf: asOfParam(q.asOf),
    upTo: q.upToPosition ?? Number.MAX_SAFE_INTEGER,
  });
  const reports = new Map<string, KnownAnnualReport & { classes: Map<string, bigint> }>();
  for (const r of rows) {
    const key = `${r.uscc}|${r.year}`;
    let report = reports.get(key);
    if (!report) {
      report = { uscc: r.uscc, year: Number(r.year), classes: new Map(), revenue: BigInt(r.revenue), exportRevenue: BigInt(r.export_revenue), rd: BigInt(r.rd) };
      reports.set(key, report);
    }
    report.classes.set(r.product_class, BigInt(r.class_revenue));
  }
  return [...reports.values()];
}

export interface AnnualQuestion {
  readonly indicator: AnnualIndicator;
  readonly fromYear: number;
  readonly toYear: number;
  /** One cell per year (else the years are summed). */
  readonly byYear: boolean;
  /** Region code prefix of the cells ('' = the country). */
  readonly region: string;
  /** The region level of the cells (0: not grouped by region). */
  readonly regionLength: number;
  readonly bySegment: boolean;
  readonly byClass: boolean;
  /** The instant asked about: an annual report is owed once its deadline has passed then. */
  readonly at: string;
}

export interface AnnualCell {
  /** Month index of the year's January, or -1 when not by year. */
  readonly bucket: number;
  readonly region: string;
  readonly segment: string;
  readonly productClass: string;
  /** Fen; for R&D intensity, the R&D spending (the numerator). */
  readonly value: bigint;
  /** R&D intensity: the revenue it divides (fen). */
  readonly denominator: bigint;
  readonly top: bigint;
  readonly contributors: number;
  readonly response: ResponseRates;
}

/** What an enterprise's report adds to a cell of an indicator (the numerator for R&D intensity). */
function valueOf(indicator: AnnualIndicator, report: KnownAnnualReport): bigint {
  if (indicator === 'export-revenue') return report.exportRevenue;
  if (indicator === 'rd-spending' || indicator === 'rd-intensity') return report.rd;
  return report.revenue;
}

/** The weight of an enterprise in the weighted response rate: its year-earlier value (revenue for R&D intensity). */
function weightOf(indicator: AnnualIndicator, report: KnownAnnualReport | undefined): bigint {
  if (!report) return 0n;
  return indicator === 'rd-intensity' ? report.revenue : valueOf(indicator, report);
}

/**
 * The cells of an annual indicator, with response rates. An enterprise counts in the region it was
 * located in at the year's end and its segment as known. It **owes** the annual report of a year when
 * it was registered by the year's end, not deregistered from the year's January or earlier, and the
 * report's deadline (31 March of the next year) has passed at the instant asked; a filed report
 * counts whether owed yet or not. Cells by product class carry the response of their region and
 * segment: which classes an enterprise has is known only from its report.
 */
export function annualCells(register: ReadonlyMap<string, PanelEnterprise>, reports: readonly KnownAnnualReport[], q: AnnualQuestion): AnnualCell[] {
  const byKey = new Map(reports.map((r) => [`${r.uscc}|${r.year}`, r]));
  const where = (e: PanelEnterprise, year: number) => inForceAt(e.locations, year * 12 + 11, (l) => l.from)?.region;
  const regionKey = (region: string) => (q.regionLength ? region.slice(0, q.regionLength) : '');
  const bucketOf = (year: number) => (q.byYear ? year * 12 : -1);
  const cells = new Map<string, { bucket: number; region: string; segment: string; productClass: string; value: bigint; denominator: bigint; parts: Map<string, bigint> }>();
  const responses = new Map<string, { expected: number; filed: number; expectedWeight: bigint; filedWeight: bigint }>();
  const responseKey = (bucket: number, region: string, segment: string) => `${bucket}|${region}|${segment}`;
  for (let year = q.fromYear; year <= q.toYear; year++) {
    const owedNow = annualFilingDeadline(year) < q.at;
    for (const e of register.values()) {
      const region = where(e, year);
      if (region === undefined || !region.startsWith(q.region)) continue;
      const report = byKey.get(`${e.uscc}|${year}`);
      const owed = owedNow && e.registeredMonth <= year * 12 + 11 && (e.deregisteredMonth === null || e.deregisteredMonth > year * 12);
      if (!owed && !report) continue;
      const bucket = bucketOf(year);
      const segment = q.bySegment ? e.segment : '';
      const rk = responseKey(bucket, regionKey(region), segment);
      const response = responses.get(rk) ?? { expected: 0, filed: 0, expectedWeight: 0n, filedWeight: 0n };
      const weight = weightOf(q.indicator, byKey.get(`${e.uscc}|${year - 1}`));
      response.expected += 1;
      response.expectedWeight += weight;
      if (report) {
        response.filed += 1;
        response.filedWeight += weight;
      }
      responses.set(rk, response);
      if (!report) continue;
      const parts: [string, bigint, bigint][] = q.byClass ? [...report.classes].map(([c, v]) => [c, v, 0n]) : [['', valueOf(q.indicator, report), report.revenue]];
      for (const [productClass, value, denominator] of parts) {
        const key = `${rk}|${productClass}`;
        const cell = cells.get(key) ?? { bucket, region: regionKey(region), segment, productClass, value: 0n, denominator: 0n, parts: new Map<string, bigint>() };
        cell.value += value;
        cell.denominator += denominator;
        cell.parts.set(e.uscc, (cell.parts.get(e.uscc) ?? 0n) + value);
        cells.set(key, cell);
      }
    }
  }
  const rate = (part: number | bigint, whole: number | bigint) => (Number(whole) === 0 ? null : Math.round((Number(part) / Number(whole)) * 1e6) / 1e6);
  const responseOf = (rk: string): ResponseRates => {
    const r = responses.get(rk) ?? { expected: 0, filed: 0, expectedWeight: 0n, filedWeight: 0n };
    return { expected: r.expected, filed: r.filed, rate: rate(r.filed, r.expected), weightedRate: rate(r.filedWeight, r.expectedWeight), reportsExpected: r.expected, reportsFiled: r.filed };
  };
  const out: AnnualCell[] = [...cells.values()].map((c) => ({
    bucket: c.bucket,
    region: c.region,
    segment: c.segment,
    productClass: c.productClass,
    value: c.value,
    denominator: c.denominator,
    top: [...c.parts.values()].reduce((max, v) => (v > max ? v : max), 0n),
    contributors: c.parts.size,
    response: responseOf(responseKey(c.bucket, c.region, c.segment)),
  }));
  // Cells expected but with no report at all still show their response (not for class cells: no class to show).
  if (!q.byClass)
    for (const [rk, _r] of responses) {
      if (cells.has(`${rk}|`)) continue;
      const [bucket, region, segment] = rk.split('|');
      out.push({ bucket: Number(bucket), region, segment, productClass: '', value: 0n, denominator: 0n, top: 0n, contributors: 0, response: responseOf(rk) });
    }
  return out.sort((a, b) => a.bucket - b.bucket || a.region.localeCompare(b.region) || a.segment.localeCompare(b.segment) || a.productClass.localeCompare(b.productClass));
}
