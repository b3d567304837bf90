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
  /** Statistical metadata (统计制度, issue 21): where the figure comes from and when it is due. */
  readonly metadata: IndicatorMetadata;
}

/** What a statistics office publishes beside every figure. */
export interface IndicatorMetadata {
  /** The definition in Chinese (the English one is `description`). */
  readonly definitionZh: string;
  /** SDMX UNIT_MULT: values are in unit × 10^multiplier (0: as stated). */
  readonly unitMultiplier: number;
  readonly frequency: 'monthly' | 'annual';
  /** The form and the items the figure is compiled from. */
  readonly source: { readonly form: string; readonly formZh: string; readonly items: readonly string[] };
  /** When the figures of a period are due: the filing deadline, or none for records kept as events happen. */
  readonly deadline: string;
}

const MONTHLY_REPORT = { form: 'Monthly report (PUT /v1/enterprises/{uscc}/reports/{period})', formZh: '康复辅具企业月报' };
const ANNUAL_REPORT = { form: 'Annual report (PUT /v1/enterprises/{uscc}/annual-reports/{year})', formZh: '康复辅具企业年报' };
const OUTLET_RECORDS = { form: 'Outlet records (OutletOpened, OutletClosed)', formZh: '服务网点登记' };
const RENTAL_RECORDS = { form: 'Rental records (RentalStarted, RentalEnded)', formZh: '社区租赁登记' };
const MONTHLY_DEADLINE = "the 15th of the following month, end of day in China (filings after it are late; a period's figures are provisional until then)";
const ANNUAL_DEADLINE = '31 March of the following year, end of day in China (cells are provisional until then)';
const AS_RECORDED = 'none: recorded as the events happen (each with its own date); figures of a period settle as late records come in';
const monthly = (definitionZh: string, items: string[]): IndicatorMetadata => ({ definitionZh, unitMultiplier: 0, frequency: 'monthly', source: { ...MONTHLY_REPORT, items }, deadline: MONTHLY_DEADLINE });
const annual = (definitionZh: string, items: string[]): IndicatorMetadata => ({ definitionZh, unitMultiplier: 0, frequency: 'annual', source: { ...ANNUAL_REPORT, items }, deadline: ANNUAL_DEADLINE });
const recorded = (definitionZh: string, source: { form: string; formZh: string }, items: string[]): IndicatorMetadata => ({
  definitionZh,
  unitMultiplier: 0,
  frequency: 'monthly',
  source: { ...source, items },
  deadline: AS_RECORDED,
});

const METADATA: Record<string, IndicatorMetadata> = {
  revenue: monthly('报告期内各企业各月主营业务收入（以截至查询时点的最新修订为准）之和。', ['revenue 主营业务收入']),
  tax: monthly('报告期内各企业各月税金之和。', ['taxPaid 税金']),
  employment: monthly('各企业报告期内最后一个报送月份的月末从业人员数之和（时点指标）。', ['employees 从业人员（月末）']),
  enterprises: monthly('报告期内至少报送一次月报的企业数。', ['the report itself 报表本身']),
  'revenue-by-class': annual('年报中企业按所登记的 ISO 9999 产品类别填报的主营业务收入，按年末所在地区汇总。', ['revenueByClass 分产品类别主营业务收入']),
  'export-revenue': annual('年报中的出口交货值之和。', ['exportRevenue 出口交货值']),
  'rd-spending': annual('年报中的研发经费支出之和。', ['rdSpending 研发经费支出']),
  'rd-intensity': annual('研发经费支出之和除以主营业务收入之和。', ['rdSpending 研发经费支出', 'revenueByClass 主营业务收入']),
  'outlets-active': recorded('期末在营的服务网点数：开设日期不晚于期末且未在期末前关闭。', OUTLET_RECORDS, ['openedOn 开设日期', 'closedOn 关闭日期', 'kind 网点类型']),
  'outlets-opened': recorded('开设日期在报告期内的服务网点数。', OUTLET_RECORDS, ['openedOn 开设日期', 'kind 网点类型']),
  'community-coverage': recorded('期末至少有一个在营社区租赁服务点的村（居）委会数占地区村（居）委会总数的比例。', OUTLET_RECORDS, ['communityCode 所在社区', 'openedOn', 'closedOn']),
  'rentals-started': recorded('起租日期在报告期内的租赁笔数。', RENTAL_RECORDS, ['startedOn 起租日期', 'productClass 产品类别', 'beneficiary 受益人群']),
  'rentals-active': recorded('期末在租的租赁笔数：起租不晚于期末且未在期末前归还。', RENTAL_RECORDS, ['startedOn 起租日期', 'endedOn 归还日期']),
  'rental-subsidy': recorded('每笔租赁的月补贴额乘以报告期内该租赁至少有一天在租的自然月数之和。', RENTAL_RECORDS, ['monthlySubsidy 月补贴', 'startedOn', 'endedOn']),
};


const CATALOGUE: readonly Omit<Indicator, 'metadata'>[] = [
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

export const INDICATORS: readonly Indicator[] = CATALOGUE.map((entry) => ({ ...entry, metadata: METADATA[entry.id] }));

export function findIndicator(id: string): Indicator | undefined {
  return INDICATORS.find((i) => i.id === id);
}
