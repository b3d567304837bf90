export type IndicatorKind = 'flow' | 'stock' | 'count' | 'ratio';
export type GroupKey = 'region' | 'segment' | 'productClass' | 'beneficiary' | 'kind' | 'period';
export const GROUP_KEYS: readonly GroupKey[] = ['region', 'segment', 'productClass', 'beneficiary', 'kind', 'period'];

/** An entry of the indicator catalogue (`GET /v1/statistics`). */
export interface Indicator {
  readonly id: string;
  readonly kind: IndicatorKind;
  readonly unit: 'yuan' | 'persons' | 'enterprises';
  readonly nameZh: string;
  readonly nameEn: string;
  readonly description: string;
  readonly groupBy: readonly GroupKey[];
}

export const INDICATORS: readonly Indicator[] = [
  {
    id: 'revenue',
    kind: 'flow',
    unit: 'yuan',
    nameZh: '主营业务收入',
    nameEn: 'Main business revenue',
    description: 'Sum over enterprises and months in the period of the latest revision of revenue (as of asOf).',
    groupBy: ['region', 'segment', 'period'],
  },
  {
    id: 'tax',
    kind: 'flow',
    unit: 'yuan',
    nameZh: '税金',
    nameEn: 'Tax paid',
    description: 'Sum over enterprises and months in the period of the latest revision of tax paid (as of asOf).',
    groupBy: ['region', 'segment', 'period'],
  },
  {
    id: 'employment',
    kind: 'stock',
    unit: 'persons',
    nameZh: '从业人员',
    nameEn: 'Employment',
    description: "Sum over enterprises of the end-of-month headcount in each one's latest filed month within the period.",
    groupBy: ['region', 'segment', 'period'],
  },
  {
    id: 'enterprises',
    kind: 'count',
    unit: 'enterprises',
    nameZh: '填报企业数',
    nameEn: 'Reporting enterprises',
    description: 'Enterprises with at least one monthly report in the period.',
    groupBy: ['region', 'segment', 'period'],
  },
];

export function findIndicator(id: string): Indicator | undefined {
  return INDICATORS.find((i) => i.id === id);
}
