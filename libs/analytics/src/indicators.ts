import { CARRY_FORWARD, RATIO_IMPUTATION, type ImputationMethod } from './statistics/imputation.js';

export type IndicatorKind = 'flow' | 'stock' | 'count' | 'ratio';
export type GroupKey = 'region' | 'segment' | 'productClass' | 'beneficiary' | 'kind' | 'period';
export const GROUP_KEYS: readonly GroupKey[] = ['region', 'segment', 'productClass', 'beneficiary', 'kind', 'period'];

/** An entry of the indicator catalogue (`GET /v1/statistics`). */
export interface Indicator {
  readonly id: string;
  /** Which projection answers it: monthly reports, outlets and rentals, or annual reports (asked for whole years). */
  readonly family: 'report' | 'service' | 'annual';
  readonly kind: IndicatorKind;
  readonly unit: 'yuan' | 'persons' | 'enterprises' | 'outlets' | 'rentals' | 'ratio';
  readonly nameZh: string;
  readonly nameEn: string;
  readonly description: string;
  readonly groupBy: readonly GroupKey[];
  /** Report indicators: how owed months not filed are estimated with imputation=include (method and version); null when nothing is estimated. */
  readonly imputation?: ImputationMethod | null;
}

export const INDICATORS: readonly Indicator[] = [
  {
    id: 'revenue',
    family: 'report',
    kind: 'flow',
    unit: 'yuan',
    nameZh: '主营业务收入',
    nameEn: 'Main business revenue',
    description: 'Sum over enterprises and months in the period of the latest revision of revenue (as of asOf).',
    groupBy: ['region', 'segment', 'period'],
    imputation: RATIO_IMPUTATION,
  },
  {
    id: 'tax',
    family: 'report',
    kind: 'flow',
    unit: 'yuan',
    nameZh: '税金',
    nameEn: 'Tax paid',
    description: 'Sum over enterprises and months in the period of the latest revision of tax paid (as of asOf).',
    groupBy: ['region', 'segment', 'period'],
    imputation: RATIO_IMPUTATION,
  },
  {
    id: 'employment',
    family: 'report',
    kind: 'stock',
    unit: 'persons',
    nameZh: '从业人员',
    nameEn: 'Employment',
    description: "Sum over enterprises of the end-of-month headcount in each one's latest filed month within the period.",
    groupBy: ['region', 'segment', 'period'],
    imputation: CARRY_FORWARD,
  },
  {
    id: 'enterprises',
    family: 'report',
    kind: 'count',
    unit: 'enterprises',
    nameZh: '填报企业数',
    nameEn: 'Reporting enterprises',
    description: 'Enterprises with at least one monthly report in the period.',
    groupBy: ['region', 'segment', 'period'],
    imputation: null,
  },
  {
    id: 'revenue-by-class',
    family: 'annual',
    kind: 'flow',
    unit: 'yuan',
    nameZh: '主营业务收入（按产品类别）',
    nameEn: 'Revenue by product class',
    description:
      "From the annual report (年报): the year's main business revenue, by the ISO 9999 class the enterprise declared (\"other\" for the rest) when grouped by productClass. Each enterprise-year's latest revision as of asOf, in the region it was located in at the year's end. Whole years only.",
    groupBy: ['region', 'segment', 'productClass', 'period'],
    imputation: null,
  },
  {
    id: 'export-revenue',
    family: 'annual',
    kind: 'flow',
    unit: 'yuan',
    nameZh: '出口交货值',
    nameEn: 'Export revenue',
    description: "From the annual report: revenue from exports, at most the year's revenue. Whole years only.",
    groupBy: ['region', 'segment', 'period'],
    imputation: null,
  },
  {
    id: 'rd-spending',
    family: 'annual',
    kind: 'flow',
    unit: 'yuan',
    nameZh: '研发经费支出',
    nameEn: 'R&D spending',
    description: 'From the annual report: R&D spending of the year. Whole years only.',
    groupBy: ['region', 'segment', 'period'],
    imputation: null,
  },
  {
    id: 'rd-intensity',
    family: 'annual',
    kind: 'ratio',
    unit: 'ratio',
    nameZh: '研发投入强度',
    nameEn: 'R&D intensity',
    description:
      "From the annual report: Σ R&D spending ÷ Σ revenue of the enterprises reporting in the cell (numerator and denominator in yuan are returned too). In releases its cells are protected as their R&D spending is (frequency and dominance rules). Whole years only.",
    groupBy: ['region', 'segment', 'period'],
    imputation: null,
  },
  {
    id: 'outlets-active',
    family: 'service',
    kind: 'stock',
    unit: 'outlets',
    nameZh: '在营服务网点数',
    nameEn: 'Active service outlets',
    description: "Outlets open at the period's last day: opened on or before it and not closed on or before it. Filter with kind.",
    groupBy: ['region', 'kind', 'period'],
  },
  {
    id: 'outlets-opened',
    family: 'service',
    kind: 'flow',
    unit: 'outlets',
    nameZh: '新设服务网点数',
    nameEn: 'Outlets opened',
    description: 'Outlets whose opening date falls in the period. Filter with kind.',
    groupBy: ['region', 'kind', 'period'],
  },
  {
    id: 'community-coverage',
    family: 'service',
    kind: 'ratio',
    unit: 'ratio',
    nameZh: '社区租赁服务覆盖率',
    nameEn: 'Community coverage of rental service',
    description: "Communities (村/居委会) with at least one active rental point at the period's last day, divided by the communities in the region; numerator and denominator are returned too.",
    groupBy: ['region', 'period'],
  },
  {
    id: 'rentals-started',
    family: 'service',
    kind: 'flow',
    unit: 'rentals',
    nameZh: '新增租赁笔数',
    nameEn: 'Rentals started',
    description: 'Rentals whose start date falls in the period.',
    groupBy: ['region', 'kind', 'productClass', 'beneficiary', 'period'],
  },
  {
    id: 'rentals-active',
    family: 'service',
    kind: 'stock',
    unit: 'rentals',
    nameZh: '在租笔数',
    nameEn: 'Active rentals',
    description: "Rentals active at the period's last day: started on or before it and not ended on or before it.",
    groupBy: ['region', 'kind', 'productClass', 'beneficiary', 'period'],
  },
  {
    id: 'rental-subsidy',
    family: 'service',
    kind: 'flow',
    unit: 'yuan',
    nameZh: '租赁补贴金额',
    nameEn: 'Rental subsidy',
    description: 'Sum of the monthly subsidy times the calendar months of the period in which the rental was active on at least one day.',
    groupBy: ['region', 'kind', 'productClass', 'beneficiary', 'period'],
  },
];

export function findIndicator(id: string): Indicator | undefined {
  return INDICATORS.find((i) => i.id === id);
}
