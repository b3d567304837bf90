import ExcelJS from 'exceljs';
import { stringify } from 'csv-stringify/sync';
import { findIndicator } from '../../../../libs/analytics/src/index.js';
import { findRegion } from '../../../../libs/reference/src/index.js';
import type { ReleaseView } from './release.queries.js';

const COLUMNS = [
  'table',
  'indicator',
  'unit',
  'period',
  'region_code',
  'region_name',
  'segment',
  'kind',
  'product_class',
  'beneficiary',
  'total',
  'value',
  'flags',
  'response_expected',
  'response_filed',
  'response_rate',
  'response_weighted_rate',
] as const;

/** One flat row per published cell: the same rows for CSV and XLSX. */
export function releaseRows(release: ReleaseView): (string | number | null)[][] {
  return (release.cells ?? []).map((c) => {
    const spec = release.tables[c.table];
    const key = c.key as Record<string, string | undefined>;
    return [
      c.table + 1,
      spec.indicator,
      findIndicator(spec.indicator)?.unit ?? '',
      key.period ?? release.period,
      key.region ?? (c.total ? (release.region ?? '') : ''),
      key.region ? (findRegion(key.region)?.name ?? '') : '',
      key.segment ?? '',
      key.kind ?? '',
      key.productClass ?? '',
      key.beneficiary ?? '',
      c.total ? 'total' : '',
      c.value,
      c.flags.join(' '),
      // The cell's response as published (releases drafted with estimates, and annual-report tables).
      c.response?.expected ?? null,
      c.response?.filed ?? null,
      c.response?.rate ?? null,
      c.response?.weightedRate ?? null,
    ];
  });
}

export function releaseCsv(release: ReleaseView): string {
  return stringify([[...COLUMNS], ...releaseRows(release).map((r) => r.map((v) => (v === null ? '' : v)))]);
}

/** Money stays exact: amounts are written as text with two decimals, not as binary floats. */
export async function releaseXlsx(release: ReleaseView): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Fuju Ledger';
  const about = workbook.addWorksheet('release');
  about.addRows([
    ['releaseId', release.releaseId],
    ['title', release.title],
    ['period', release.period],
    ['region', release.region ?? ''],
    ['cut-off position', release.cutoff.position],
    ['cut-off instant', release.cutoff.asOf],
    ['published', release.publishedAt ?? ''],
    ['contentHash', release.contentHash ?? ''],
  ]);
  const cells = workbook.addWorksheet('cells');
  cells.addRow([...COLUMNS]);
  for (const row of releaseRows(release)) cells.addRow(row.map((v) => (v === null ? '' : v)));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
