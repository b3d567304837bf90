import { productClassCode, TOTAL, type Dimension, type SdmxDataset, type SdmxObservation } from './sdmx.js';

/** What a statistics answer gives (the statistics feature's view, structurally). */
interface StatisticsRow {
  region?: { code: string };
  segment?: string;
  kind?: string;
  productClass?: string;
  beneficiary?: string;
  period?: string;
  value: string | number;
  imputedContributors?: number;
}
interface StatisticsView {
  indicator: string;
  unit: string;
  period: string;
  region: string | null;
  kind?: string;
  imputation?: { mode: string };
  rows: StatisticsRow[];
}
/** What a release gives (the releases feature's view, structurally). */
interface ReleaseView {
  period: string;
  region: string | null;
  tables: { indicator: string }[];
  cells?: readonly { table: number; key: object; value: string | number | null; flags: readonly string[] }[];
}

/** SDMX frequency and time period of one of our period labels: 2024 → A 2024; 2024-Q2 → Q; 2024-05 → M; 2024-01/2024-06 (year to date) → M 2024-01-01/P6M. */
export function sdmxPeriod(label: string): { FREQ: string; TIME_PERIOD: string } {
  if (/^\d{4}$/.test(label)) return { FREQ: 'A', TIME_PERIOD: label };
  if (/^\d{4}-Q[1-4]$/.test(label)) return { FREQ: 'Q', TIME_PERIOD: label };
  if (/^\d{4}-\d{2}$/.test(label)) return { FREQ: 'M', TIME_PERIOD: label };
  const [from, to] = label.split('/');
  const months = (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 + Number(to.slice(5, 7)) - Number(from.slice(5, 7)) + 1;
  return { FREQ: 'M', TIME_PERIOD: `${from}-01/P${months}M` };
}

const key = (coordinates: Omit<Record<Dimension, string>, 'FREQ' | 'TIME_PERIOD'>, period: string): Record<Dimension, string> => ({ ...coordinates, ...sdmxPeriod(period) });

/** A statistics answer as one dataset: each row an observation, a dimension it is not broken down by its total. */
export function statisticsDataset(view: StatisticsView): SdmxDataset {
  const estimates = view.imputation?.mode === 'include';
  const observation = (r: StatisticsRow): SdmxObservation => ({
    key: key(
      {
        REGION: r.region?.code ?? view.region ?? TOTAL,
        SEGMENT: r.segment ?? TOTAL,
        OUTLET_KIND: r.kind ?? view.kind ?? TOTAL,
        PRODUCT_CLASS: r.productClass ? productClassCode(r.productClass) : TOTAL,
        BENEFICIARY: r.beneficiary ?? TOTAL,
      },
      r.period ?? view.period,
    ),
    value: Number(r.value),
    attributes: { UNIT_MEASURE: view.unit, UNIT_MULT: '0', ...(estimates ? { ESTIMATED: r.imputedContributors ? 'Y' : 'N' } : {}) },
  });
  return { indicator: view.indicator, observations: view.rows.map(observation) };
}

/** A published release as one dataset per table (tables may share an indicator), flags as attributes. */
export function releaseDatasets(release: ReleaseView, unitOf: (indicator: string) => string): SdmxDataset[] {
  return release.tables.map((table, index) => ({
    indicator: table.indicator,
    observations: (release.cells ?? [])
      .filter((c) => c.table === index)
      .map((c): SdmxObservation => {
        const k = c.key as Record<string, string | undefined>;
        const flag = (name: string) => (c.flags.includes(name) ? 'Y' : 'N');
        return {
          key: key(
            {
              REGION: k.region ?? release.region ?? TOTAL,
              SEGMENT: k.segment ?? TOTAL,
              OUTLET_KIND: k.kind ?? TOTAL,
              PRODUCT_CLASS: k.productClass ? productClassCode(k.productClass) : TOTAL,
              BENEFICIARY: k.beneficiary ?? TOTAL,
            },
            k.period ?? release.period,
          ),
          value: c.value === null ? null : Number(c.value),
          attributes: { UNIT_MEASURE: unitOf(table.indicator), UNIT_MULT: '0', CONFIDENTIAL: flag('confidential'), PROVISIONAL: flag('provisional'), REVISED: flag('revised'), ESTIMATED: flag('estimated') },
        };
      }),
  }));
}
