import { counties, findRegion, allRegions } from './regions.js';

/**
 * The pilot regions of the rehabilitation assistive device industry programme and what each
 * committed to: the second batch's commitment letters (民发〔2020〕149号, seeds/003, copied into
 * `libs/reference/seeds/pilot-commitments-2020.txt`) and the first batch's Jiaxing plan
 * (嘉政办发〔2018〕59号, `jiaxing-pilot-plan-2018.txt`). Every commitment carries the exact
 * words it was taken from; a test checks each quote against the documents.
 */
export type PilotIndicator =
  | 'revenue'
  | 'tax'
  | 'employment'
  | 'employment-added'
  | 'enterprises'
  | 'community-coverage'
  | 'outlets-active'
  | 'investment'
  | 'beneficiaries';

export interface PilotCommitment {
  readonly indicator: PilotIndicator;
  readonly year: number;
  /** Yuan as a decimal string for money; a count; a ratio in [0, 1] for coverage. */
  readonly value: string | number;
  /** The exact words of the commitment letter. */
  readonly source: string;
  /** For outlet targets: the outlet kind counted. */
  readonly kind?: 'rental_point' | 'configuration_center' | 'experience_center' | 'disinfection_center';
  /** How the number was read from the words, where that is not obvious. */
  readonly note?: string;
}

export interface PilotRegionReference {
  readonly regionCode: string;
  readonly name: string;
  readonly province: string;
  readonly batch: 1 | 2;
  readonly startYear: number;
  readonly endYear: number;
  readonly commitments: readonly PilotCommitment[];
  /** Commitments that are not numbers, kept as written. */
  readonly textCommitments: readonly string[];
  /** Quantified commitments this system cannot measure, each with the reason (never dropped silently). */
  readonly unmeasured: readonly UnmeasuredCommitment[];
}

export interface UnmeasuredCommitment {
  /** The exact words of the letter. */
  readonly source: string;
  /** Why no figure of this system answers it. */
  readonly reason: string;
}

/** Converts an amount such as "3.31亿", "2000万" or "110亿" into yuan with 2 decimals, exactly. */
export function chineseAmountToYuan(amount: string): string {
  const m = /^(\d+)(?:\.(\d+))?(亿|万)?$/.exec(amount);
  if (!m) throw new Error(`not an amount: ${amount}`);
  const shift = m[3] === '亿' ? 8 : m[3] === '万' ? 4 : 0;
  const fraction = (m[2] ?? '').padEnd(shift, '0');
  if (fraction.length > shift) throw new Error(`amount ${amount} has more precision than a yuan`);
  const integer = `${m[1]}${fraction}`.replace(/^0+(?=\d)/, '');
  return `${integer}.00`;
}

/** Resolves a division by its name within a province: a city (4 digits) or a district or county (6). */
export function resolveRegionCode(province: string, name: string): string {
  const p = allRegions().find((r) => r.level === 'province' && r.name === province);
  if (!p) throw new Error(`unknown province ${province}`);
  const city = allRegions().find((r) => r.level === 'city' && r.code.startsWith(p.code) && r.name === name);
  if (city) return city.code;
  const county = counties().find((r) => r.code.startsWith(p.code) && r.name === name);
  if (county) return county.code;
  throw new Error(`no division named ${name} in ${province}`);
}

const yuan = chineseAmountToYuan;
const investments = (quotes: [number, string, string][]): PilotCommitment[] =>
  quotes.map(([year, amount, source]) => ({ indicator: 'investment', year, value: yuan(amount), source }));

/** Why a quantified commitment has no figure here. */
const WHY = {
  park: '产业园区、基地的建设、投资进度与产值不按园区归集：本系统统计企业填报的主营业务收入、税金与从业人员',
  talent: '人才培养、培训与持证人员数量不在企业月报和服务记录的范围内',
  facilities: '本系统统计村/居委会的租赁点覆盖，不统计养老、医疗等机构或设施的覆盖率',
  township: '覆盖率按村/居委会计算，尚无街镇乡一级的覆盖读数',
  enterpriseKinds: '企业的资质与类别（高新技术、龙头、连锁、品牌、投资商）不在登记信息中，本系统只统计填报企业数',
  otherServices: '这些人次来自本系统不记录的服务（医疗门诊、培训、适配与使用服务等）；受益人数的读数是社区租赁的服务人次',
  indirect: '间接、辐射受益人口没有可计量的服务记录',
  projects: '平台、中心、检测机构、标准等建设任务不产生本系统的统计量',
  area: '城区面积、服务半径等空间覆盖不在本系统的数据中',
  spending: '分项支出、基金与补贴安排不在报告的年度投入之外单独记录',
} as const;
const unmeasured = (reason: keyof typeof WHY, ...sources: string[]): UnmeasuredCommitment[] => sources.map((source) => ({ source, reason: WHY[reason] }));

interface PilotDraft extends Omit<PilotRegionReference, 'regionCode' | 'name' | 'province' | 'batch' | 'startYear' | 'endYear' | 'unmeasured'> {
  readonly unmeasured?: readonly UnmeasuredCommitment[];
  readonly province: string;
  readonly division: string;
}

const SECOND_BATCH: readonly PilotDraft[] = [
  {
    province: '北京市',
    division: '石景山区',
    commitments: [
      ...investments([
        [2021, '3000万', '其中2021年投入3000万元'],
        [2022, '2600万', '2022年投入2600万元'],
        [2023, '1000万', '2023年投入1000万元'],
      ]),
      { indicator: 'beneficiaries', year: 2023, value: 5000, source: '“一刻钟服务圈”，及时响应、快速服务，惠及人数5000人次', note: '人次 through the community service network' },
    ],
    textCommitments: ['形成一张覆盖全区的“一刻钟服务”社区租赁网络。', '建设一所专业康复门诊机构。'],
    unmeasured: [
      ...unmeasured('park', '打造一个年产值超过10亿元的产业园区。'),
      ...unmeasured('otherServices', '促进身体机能恢复改善，惠及人数10000人次。', '输送康复辅助技术咨询师、机构经营管理人等康复相关需求人才，惠及人数2000人次。'),
    ],
  },
  {
    province: '河北省',
    division: '衡水市',
    commitments: [
      { indicator: 'revenue', year: 2023, value: yuan('110亿'), source: '全市康复辅助器具产业主营业务收入达到110亿元' },
      { indicator: 'tax', year: 2023, value: yuan('2.6亿'), source: '税收达到2.6亿元' },
      { indicator: 'employment', year: 2023, value: 50000, source: '就业人数达到5万人' },
      { indicator: 'community-coverage', year: 2023, value: 0.7, source: '培育2家全链条服务社区租赁企业，服务覆盖全市70%以上社区' },
      { indicator: 'outlets-active', year: 2023, value: 10, kind: 'configuration_center', source: '兴办10家社会力量康复辅助器具服务机构' },
      ...investments([
        [2021, '3.31亿', '2021年投入3.31亿元'],
        [2022, '5.5亿', '2022年投入5.5亿元'],
        [2023, '5.5亿', '2023年投入5.5亿元'],
      ]),
      { indicator: 'beneficiaries', year: 2023, value: 4_550_000, source: '本次试点直接受益人数为衡水市户籍人口455万' },
    ],
    textCommitments: [],
    unmeasured: [
      ...unmeasured('talent', '培养高层次专业技术人才500名'),
      ...unmeasured('park', '产业园区与基地整体完成总投资50%以上'),
      ...unmeasured('facilities', '康复辅助器具服务覆盖全市70%以上养老服务设施与医疗机构，50%以上相关专科医院与科室。'),
      ...unmeasured('enterpriseKinds', '签约10家高新技术企业', '培育2家全链条服务社区租赁企业'),
      ...unmeasured('projects', '地方标准和团体标准不少于5项'),
      ...unmeasured('talent', '每年财政列支100万元培训经费'),
      ...unmeasured('indirect', '主要间接受益人口为京津冀地区从业人员与消费客群，预计超过5000万。'),
    ],
  },
  {
    province: '辽宁省',
    division: '鞍山市',
    commitments: [
      ...investments([
        [2021, '2000万', '2021年-2023年市政府每年投入2000万元'],
        [2022, '2000万', '2021年-2023年市政府每年投入2000万元'],
        [2023, '2000万', '2021年-2023年市政府每年投入2000万元'],
      ]),
      { indicator: 'beneficiaries', year: 2023, value: 500_000, source: '服务网络覆盖城区社区，受益人数达到50万人' },
    ],
    textCommitments: [],
    unmeasured: unmeasured('facilities', '保证全市城区50%的养老服务机构建有康复辅助器具租赁服务点'),
  },
  {
    province: '辽宁省',
    division: '盘锦市',
    commitments: [
      ...investments([
        [2021, '1800万', '2021年财政投入1800万元'],
        [2022, '2350万', '2022年财政投入2350万元'],
        [2023, '3400万', '2023年财政投入3400万元'],
      ]),
      { indicator: 'employment', year: 2023, value: 30_000, source: '吸引带动就业总人数超过3万人' },
      { indicator: 'beneficiaries', year: 2023, value: 300_000, source: '试点直接受益人数为盘锦市老年人（含残疾人）约30万' },
    ],
    textCommitments: [],
    unmeasured: [
      ...unmeasured('facilities', '推动康复辅助器具配置在全市社区养老服务中心实现50%以上'),
      ...unmeasured('enterpriseKinds', '打造1—2家专业连锁化康复辅助器具服务企业'),
      ...unmeasured('park', '街区内企业入驻率超过80%', '园区企业入住率超过80%'),
      ...unmeasured('indirect', '辐射服务辽宁省内老年人（含残疾人）约80万'),
    ],
  },
  {
    province: '上海市',
    division: '青浦区',
    commitments: [
      { indicator: 'enterprises', year: 2023, value: 100, source: '受益企业100家', note: 'enterprises benefiting: read as enterprises reporting' },
      { indicator: 'beneficiaries', year: 2023, value: 10_000, source: '受益人数1万人' },
    ],
    textCommitments: [],
    unmeasured: [
      ...unmeasured('township', '康复辅具社区租赁服务点实现全区街镇乡全覆盖'),
      ...unmeasured('talent', '全区拥有康复辅助技术咨询师500名', '打造1个长三角康复辅助器具产业人才培养基地'),
      ...unmeasured('park', '联动长三角共建5个康复辅助器具产业园'),
      ...unmeasured('enterpriseKinds', '培育 3－5 家龙头企业，1—2家康复辅助器具产业园运营商，引进2-3家康复辅助器具产业投资商，打造 5 个以上康复辅具自主品牌'),
      ...unmeasured('projects', '1个长三角康复辅助器具产业千亿俱乐部平台，落成1个康复辅助器具产业数字平台', '建设1个国际康复辅助器具产品集成交易服务平台'),
    ],
  },
  {
    province: '浙江省',
    division: '杭州市',
    commitments: [
      ...investments([
        [2021, '5000万', '2021年计划投入资金5000万'],
        [2022, '5000万', '2022年计划投入资金5000万'],
        [2023, '5000万', '2023年计划投入资金5000万'],
      ]),
      { indicator: 'outlets-active', year: 2023, value: 1, kind: 'disinfection_center', source: '重点建设1个大型洗消中心和多个中小型洗消中心' },
      { indicator: 'beneficiaries', year: 2023, value: 2_000_000, source: '预计受益人数为200余万' },
    ],
    textCommitments: ['依托居家养老服务中心、残疾人服务中心的建设，同址建设租赁服务点。'],
  },
  {
    province: '安徽省',
    division: '芜湖市',
    commitments: [
      ...investments([
        [2021, '3000万', '2021年投入3000万元；2022年投入3000万元；2023年投入4000万元。'],
        [2022, '3000万', '2021年投入3000万元；2022年投入3000万元；2023年投入4000万元。'],
        [2023, '4000万', '2021年投入3000万元；2022年投入3000万元；2023年投入4000万元。'],
      ]),
      { indicator: 'beneficiaries', year: 2023, value: 80_000, source: '8万人（老年人6万人，残疾人2万人）' },
    ],
    textCommitments: ['推进开展康复辅助器具社区租赁服务试点'],
  },
  {
    province: '福建省',
    division: '三明市',
    commitments: [
      ...investments([
        [2021, '1000万', '2021年投入1000万元，2022年投入2000万元，2023年投入2000万元。'],
        [2022, '2000万', '2021年投入1000万元，2022年投入2000万元，2023年投入2000万元。'],
        [2023, '2000万', '2021年投入1000万元，2022年投入2000万元，2023年投入2000万元。'],
      ]),
      { indicator: 'beneficiaries', year: 2023, value: 650_000, source: '预计全市直接受益人数约65万人' },
    ],
    textCommitments: ['打造中国（大田）康复辅具产业园区'],
    unmeasured: [
      ...unmeasured('spending', '每年投入1000万元用于政府购买居家养老服务', '拟设立5000万元产业扶持资金'),
      ...unmeasured('indirect', '辐射全省周边地市其他残障人士约260余万人'),
    ],
  },
  {
    province: '山东省',
    division: '青岛市',
    commitments: [
      ...investments([
        [2021, '28.9亿', '2021年资金投入28.9亿元'],
        [2022, '1.9亿', '2022年资金投入不少于1.9亿元'],
        [2023, '1.9亿', '2023年资金投入不少于1.9亿元'],
      ]),
      { indicator: 'beneficiaries', year: 2023, value: 500_000, source: '直接和间接受益人群50万人' },
    ],
    textCommitments: ['康复辅助器具产业信息平台基本建成'],
  },
  {
    province: '山东省',
    division: '威海市',
    commitments: [
      { indicator: 'outlets-active', year: 2021, value: 9, kind: 'rental_point', source: '先期在环翠区9个镇街建立康复辅具社区租赁服务站' },
      ...investments([
        [2021, '3亿', '2021年预计总投入3亿元以上'],
        [2022, '2.2亿', '2022年预计投入2.2亿元以上'],
        [2023, '2.1亿', '2023年预计投入2.1亿元以上'],
      ]),
      { indicator: 'beneficiaries', year: 2023, value: 800_000, source: '预计服务群众80余万人次' },
    ],
    textCommitments: ['力争到2022年基本建成供应主体多元、经营服务规范的康复辅具社区租赁服务体系'],
    unmeasured: [
      ...unmeasured('park', '五年之内总计投资7亿元在荣成以及综保区规划建设占地187亩的国际大健康产业博览园', '在乳山市规划建设占地217亩的粤商辅助器具科技产业园'),
      ...unmeasured('otherServices', '服务群众2.1万人'),
    ],
  },
  {
    province: '河南省',
    division: '安阳市',
    commitments: [
      ...investments([
        [2021, '2.84亿', '2021年计划投入2.84亿元'],
        [2022, '4.726亿', '2022年计划投入4.726亿元'],
        [2023, '4.738亿', '2023年计划投入4.738亿元'],
      ]),
      { indicator: 'beneficiaries', year: 2023, value: 1_024_000, source: '全市受益人数约102.4万人' },
      { indicator: 'employment-added', year: 2023, value: 5000, source: '新增就业约0.5万人', note: 'jobs added: employment in 2023 less employment in 2020, the year before the pilot' },
    ],
    textCommitments: ['完善多级覆盖的康复辅助器具服务网络建设。'],
  },
  {
    province: '河南省',
    division: '驻马店市',
    commitments: [
      { indicator: 'outlets-active', year: 2023, value: 10, kind: 'configuration_center', source: '10家以上配置服务中心' },
      { indicator: 'outlets-active', year: 2023, value: 1, kind: 'experience_center', source: '在主城区打造1个康复辅助器具综合体验馆' },
      { indicator: 'outlets-active', year: 2023, value: 10, kind: 'rental_point', source: '10个社区租赁服务站点' },
      ...investments([
        [2021, '2亿', '2021年全市财政投入不低于2亿元'],
        [2022, '3亿', '2022年全市财政投入不低于3亿元'],
        [2023, '5亿', '2023年全市财政投入不低于5亿元'],
      ]),
      { indicator: 'beneficiaries', year: 2023, value: 2_000_000, source: '预计全市老年人、残疾人、伤病人及相关从业人员因试点建设受益将不低于200万人' },
    ],
    textCommitments: [],
    unmeasured: [
      ...unmeasured('enterpriseKinds', '引进或培育2家以上龙头骨干企业，10家以上高成长性中小企业'),
      ...unmeasured('projects', '建成2个以上科技孵化平台，2家市级以上科技研发中心', '创建1家展销中心'),
      ...unmeasured('area', '形成15分钟社区租赁服务圈，覆盖50%以上的城区面积。'),
      ...unmeasured('park', '规划建设420亩康复辅助器具科技产业园'),
      ...unmeasured('spending', '每年安排300万元福彩公益金扶持康复辅具租赁试点', '设立10亿元“康复辅助器具产业投资引导基金”'),
      ...unmeasured('indirect', '周边区域及合作单位、企业、院校等受益人数预计2000万人'),
    ],
  },
  {
    province: '河南省',
    division: '南阳市',
    commitments: [
      { indicator: 'community-coverage', year: 2023, value: 0.5, source: '服务网络覆盖全市50%以上的社区' },
      ...investments([
        [2021, '3亿', '2021年计划综合投资3亿元左右'],
        [2022, '5亿', '2022年计划综合投资5亿元左右'],
        [2023, '10亿', '2023年计划综合投资10亿元左右'],
      ]),
      { indicator: 'beneficiaries', year: 2023, value: 3_100_000, source: '本地受益人数310万人' },
    ],
    textCommitments: ['建设智能产业园、智慧物流园，打造研发、生产、展示、服务中心'],
    unmeasured: unmeasured('indirect', '辐射周边3省7市受益人数约3600万人', '康复辅具流通市场受益人数约6000万人'),
  },
  {
    province: '湖北省',
    division: '武汉市',
    commitments: [],
    textCommitments: [
      '在东湖新技术开发区筹建武汉市康复辅助器具产业园',
      '按照武汉市大健康产业、东湖高新区支持生命健康产业高质量发展实施意见及实施细则相关政策，对康复辅助器具产业综合试点给予相应的资金支持。',
    ],
    unmeasured: unmeasured('indirect', '主要受益群体为老年人、残疾人和伤病人，目前60岁以上老年人194.25万人，持证残疾人17.86万人。'),
  },
  {
    province: '湖南省',
    division: '郴州市',
    commitments: [
      { indicator: 'outlets-active', year: 2023, value: 7, kind: 'rental_point', source: '苏仙区、北湖区、资兴市、桂阳县、永兴县、宜章县、高新区列入试点范围，各选择1个单位或者社区，建立康复辅助器具科普展示厅和租赁点', note: 'one rental point in each of the 7 areas named' },
    ],
    textCommitments: ['制定市康复辅助器具产品租赁目录。财政部门对部分租赁服务给予租金补贴。'],
    unmeasured: [
      ...unmeasured('talent', '举办不少于8场的相关培训活动'),
      ...unmeasured('spending', '市县两级3年不低于3000万元，用于康复辅具产业补贴资金'),
      {
        source: '建设1-2个康复辅助器具试点服务中心，不少于6个固定服务点（轮流开放），覆盖全市50%以上社区',
        reason: '“固定服务点（轮流开放）”不是连续营业的租赁点，本系统的覆盖率只计开放中的租赁点；承诺的口径与之不同，不作为覆盖率目标',
      },
      ...unmeasured('otherServices', '试点期间市城区首年覆盖约900人以上，第二年覆盖约1300人，第三年覆盖约5000人。'),
    ],
  },
  {
    province: '广东省',
    division: '东莞市',
    commitments: investments([
      [2021, '2800万', '2021年2800万元'],
      [2022, '2023万', '2022年2023万元'],
      [2023, '2224万', '2023年2224万元'],
    ]),
    textCommitments: ['到2023年底，基本实现重点人群康复辅助器具适配全覆盖。'],
  },
  {
    province: '广西壮族自治区',
    division: '柳州市',
    commitments: [
      ...investments([
        [2021, '2000万', '2021-2023年，每年投入至少2000万元'],
        [2022, '2000万', '2021-2023年，每年投入至少2000万元'],
        [2023, '2000万', '2021-2023年，每年投入至少2000万元'],
      ]),
      { indicator: 'beneficiaries', year: 2023, value: 3000, source: '试点期间开展康复辅助器具配置服务3000人次', note: '人次 of configuration services' },
    ],
    textCommitments: [],
    unmeasured: [
      ...unmeasured('otherServices', '提供康复辅助器具使用服务30万人次'),
      ...unmeasured('indirect', '试点期间产业发展惠及35万人次'),
    ],
  },
  {
    province: '重庆市',
    division: '永川区',
    commitments: [
      { indicator: 'revenue', year: 2023, value: yuan('100亿'), source: '打造“一品一园一圈”的百亿康复辅助器具产业', note: '百亿: an industry of 10 billion yuan' },
      ...investments([
        [2021, '4000万', '2021年投入4000万元；2022年投入8000万元；2023年投入8000万元。'],
        [2022, '8000万', '2021年投入4000万元；2022年投入8000万元；2023年投入8000万元。'],
        [2023, '8000万', '2021年投入4000万元；2022年投入8000万元；2023年投入8000万元。'],
      ]),
      { indicator: 'beneficiaries', year: 2023, value: 250_000, source: '永川享受康复辅助服务收益25万人' },
      { indicator: 'employment-added', year: 2023, value: 2500, source: '新增就业2500人', note: 'jobs added: employment in 2023 less employment in 2020, the year before the pilot' },
    ],
    textCommitments: [],
    unmeasured: [
      ...unmeasured('spending', '一次性奖励最高达200万元', '最高可给予30万元资金支持'),
      ...unmeasured('indirect', '辐射成渝双城经济圈100万人。'),
    ],
  },
  {
    province: '重庆市',
    division: '巴南区',
    commitments: [
      { indicator: 'enterprises', year: 2023, value: 20, source: '引进相关企业超过20家' },
      { indicator: 'revenue', year: 2023, value: yuan('10亿'), source: '协议产值突破10亿元', note: 'contracted output value read as revenue' },
      { indicator: 'community-coverage', year: 2023, value: 0.5, source: '服务网络覆盖本区50%以上的社区' },
      ...investments([
        [2021, '6.8亿', '2021年投入6.8亿元'],
        [2022, '20.6亿', '2022年投入20.6亿元'],
        [2023, '10.6亿', '2023年投入10.6亿万元', ],
      ]),
      { indicator: 'beneficiaries', year: 2023, value: 250_000, source: '直接受益25万人（含就业）' },
    ],
    textCommitments: [],
    unmeasured: [
      ...unmeasured('facilities', '全区60%的养老服务中心建有康复辅助器具社区租赁等服务点', '重点残疾人群康复辅助器具适配率达80%'),
      ...unmeasured('talent', '年培训从业人员300人次以上'),
      ...unmeasured('indirect', '间接受益1000万人'),
    ],
  },
  {
    province: '重庆市',
    division: '大足区',
    commitments: [
      ...investments([
        [2021, '3.4亿', '2021年拟投入资金3.4亿元'],
        [2022, '26.24亿', '2022年拟投入资金26.24亿元'],
        [2023, '22.84亿', '2023年拟投入资金22.84亿元'],
      ]),
      { indicator: 'beneficiaries', year: 2023, value: 1_000_000, source: '最终受益人数可达百万以上' },
    ],
    textCommitments: ['积极申报成为国家康复辅具租赁试点地区。'],
    unmeasured: unmeasured('park', '规划用地1000亩，建设“康复辅具器具智能产业基地”。'),
  },
  {
    province: '四川省',
    division: '温江区',
    commitments: investments([
      [2021, '6亿', '2021年投入约6亿元'],
      [2022, '9亿', '2022年投入约9亿元'],
      [2023, '12亿', '2023年投入约12亿元'],
    ]),
    textCommitments: [],
    unmeasured: unmeasured('indirect', '可满足成都市315万老年人及35万残疾人的康复辅助器具产品需求和服务'),
  },
  {
    province: '陕西省',
    division: '宝鸡市',
    commitments: [
      { indicator: 'community-coverage', year: 2023, value: 0.5, source: '服务网点覆盖城乡社区50%以上' },
      ...investments([
        [2021, '500万', '2021年至2023年，市财政计划每年投入500万元'],
        [2022, '500万', '2021年至2023年，市财政计划每年投入500万元'],
        [2023, '500万', '2021年至2023年，市财政计划每年投入500万元'],
      ]),
    ],
    textCommitments: [],
    unmeasured: [
      {
        source: '配置服务机构达到县区全覆盖',
        reason: '本系统的覆盖率只按村/居委会计算社区租赁点，县区一级的配置服务机构覆盖尚无读数（可由各县区的配置服务机构数查看）',
      },
      ...unmeasured('talent', '每年培训专业辅具装配制作及其辅助人才100人'),
      ...unmeasured('enterpriseKinds', '等4家上亿元医疗器械企业'),
      ...unmeasured('indirect', '康复辅助器具产品将直接服务宝鸡市12.3万持证残疾人和66.8万老年人'),
    ],
  },
];

const JIAXING: PilotDraft = {
  province: '浙江省',
  division: '嘉兴市',
  commitments: [],
  textCommitments: [
    '到2019年底，初步形成以智能产品和电子商务为主要特色的康复辅助器具产业新业态',
    '在南湖区建立集研发、制造、市场为一体的康复辅助器具智能产业园',
    '推动康复辅助器具跨境电子商务平台建设',
  ],
};

function complete(draft: PilotDraft, batch: 1 | 2, startYear: number, endYear: number): PilotRegionReference {
  const regionCode = resolveRegionCode(draft.province, draft.division);
  const region = findRegion(regionCode)!;
  const city = region.level === 'county' ? findRegion(regionCode.slice(0, 4))!.name : '';
  const { division: _division, unmeasured: notMeasured = [], ...rest } = draft;
  const name = `${draft.province}${city === draft.province ? '' : city}${region.name}`;
  return { ...rest, unmeasured: notMeasured, regionCode, name, batch, startYear, endYear };
}

let cached: PilotRegionReference[] | undefined;

/** Every pilot region with its commitments: Jiaxing (batch 1, 2018-2019) and the 22 regions of batch 2 (2021-2023). */
export function pilotRegions(): PilotRegionReference[] {
  cached ??= [complete(JIAXING, 1, 2018, 2019), ...SECOND_BATCH.map((d) => complete(d, 2, 2021, 2023))];
  return cached;
}
