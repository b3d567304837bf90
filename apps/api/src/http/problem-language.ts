import Negotiator from 'negotiator';
import type { FieldProblem } from '../../../../libs/domain/src/index.js';

/**
 * Problem details in the caller's language (issue 21, point 5): Chinese when `Accept-Language`
 * prefers it (or, without a preference, when the server's default is Chinese), English otherwise.
 * The codes, statuses and field paths never change with the language.
 */
export type Language = 'zh' | 'en';
export const LANGUAGES: readonly Language[] = ['zh', 'en'];

/** The language of an answer: the caller's preference among ours (q-values honoured), else the default. */
export function languageOf(acceptLanguage: string | string[] | undefined, fallback: Language): Language {
  if (!acceptLanguage) return fallback;
  const header = Array.isArray(acceptLanguage) ? acceptLanguage.join(',') : acceptLanguage;
  // Regional tags (zh-CN, zh-Hans-CN, en-GB) count for their language; "*" states no preference
  // (fetch and browsers may send it), so it leaves the choice to the default.
  const base = header
    .split(',')
    .filter((part) => part.trim().split(';')[0].trim() !== '*')
    .join(',')
    .replace(/\b(zh|en)-[A-Za-z0-9-]+/g, '$1');
  if (!base.trim()) return fallback;
  return (new Negotiator({ headers: { 'accept-language': base } }).language([...LANGUAGES]) as Language | undefined) ?? fallback;
}

export const TITLES_ZH: Record<number, string> = {
  400: '请求有误',
  401: '未认证',
  403: '无权访问',
  404: '未找到',
  405: '不支持的请求方法',
  409: '冲突',
  412: '前提条件不满足',
  413: '请求内容过大',
  415: '不支持的内容类型',
  422: '无法处理的请求',
  429: '请求过于频繁',
  431: '请求头过大',
  500: '服务器内部错误',
  503: '服务暂不可用',
};

/** What each code means, as the Chinese detail opens. */
const SUMMARY_ZH: Record<string, string> = {
  VALIDATION_FAILED: '请求未通过校验，未保存任何数据',
  UNAUTHENTICATED: '未提供有效的 Bearer 令牌',
  FORBIDDEN: '当前令牌无权执行此操作（角色、地区或企业不符）',
  NOT_FOUND: '未找到所请求的资源',
  CONFLICT: '与已有记录冲突',
  PRECONDITION_FAILED: 'If-Match 与当前版本不符，请重新读取后再提交',
  EXPLANATION_REQUIRED: '填报触发了核实性审核规则，须为每条规则附书面说明',
  IDEMPOTENCY_KEY_REUSED: '该幂等键已用于内容不同的请求',
  RULE_VIOLATION: '违反业务规则，未保存任何数据',
  PAYLOAD_TOO_LARGE: '请求体超过 1 MiB',
  UNSUPPORTED_MEDIA_TYPE: '请求体须为 JSON',
  RATE_LIMITED: '请求过于频繁，请按 Retry-After 稍后再试',
  REQUEST_TOO_LARGE: '请求行或请求头超过 16 KiB',
  READ_MODEL_BEHIND: '统计库尚未追上事件日志，请稍后再试',
  INTERNAL_ERROR: '服务器未能完成请求，未保存任何数据',
  HTTP_ERROR: '请求无法处理',
};

/** Soft-edit rules by id, as a Chinese filer reads them. */
const RULES_ZH: Record<string, string> = {
  'revenue-yoy': '营业收入较上年同月变动超过 ±50%',
  'revenue-mom': '营业收入超过上月的 3 倍或不足上月的三分之一',
  'employees-mom': '从业人员较上月变动超过 ±30%',
  'tax-exceeds-revenue': '税金超过营业收入',
  'annual-revenue-vs-months': '年报营业收入与当年各月月报合计相差超过 5%',
  'annual-employees-vs-december': '年末从业人员与 12 月月报相差超过 10%',
  'rd-over-half-revenue': '研发经费超过营业收入的一半',
};

/** Field messages, by the English wording the rules give them; what is not here stays in English. */
const MESSAGES_ZH: [RegExp, (...groups: string[]) => string][] = [
  [/^must be a month YYYY-MM/, () => '须为 YYYY-MM 格式的月份（1990–2099 年）'],
  [/^must be YYYY, YYYY-Qn or YYYY-MM/, () => '须为 YYYY、YYYY-Qn 或 YYYY-MM 格式的时期（1990–2099 年）'],
  [/^is required: (.*)$/, () => '必填'],
  [/^is required$/, () => '必填'],
  [/^must be a decimal string such as "1234\.50"$/, () => '须为十进制金额字符串，如 "1234.50"'],
  [/^must not be negative$/, () => '不得为负数'],
  [/^must have at most 2 decimals$/, () => '最多保留两位小数'],
  [/^must be less than 10000000000000 yuan/, () => '须小于 10^13 元'],
  [/^must be a whole number$/, () => '须为整数'],
  [/^must be a whole number \(the headcount at the year end\)$/, () => '须为整数（年末从业人员）'],
  [/^must be a whole number from 1 to (\d+)$/, (max) => `须为 1 至 ${max} 之间的整数`],
  [/^must not exceed (\d+)$/, (max) => `不得超过 ${max}`],
  [/^must be one of (.+)$/, (list) => `须为以下之一：${list}`],
  [/^must be an existing 2-, 4- or 6-digit GB\/T 2260 region code$/, () => '须为存在的 2、4 或 6 位 GB/T 2260 行政区划代码'],
  [/^must be an existing county-level \(6-digit\) GB\/T 2260 code$/, () => '须为存在的县级（6 位）GB/T 2260 行政区划代码'],
  [/^must be 18 characters$/, () => '须为 18 位统一社会信用代码'],
  [/^must be a date YYYY-MM-DD$/, () => '须为 YYYY-MM-DD 格式的日期'],
  [/^must be a real calendar date$/, () => '须为真实存在的日期'],
  [/^must not be in the future$/, () => '不得晚于今天'],
  [/^must not be empty$/, () => '不得为空'],
  [/^must be at most (\d+) characters$/, (max) => `不得超过 ${max} 个字符`],
  [/^must not be after the current month (\d{4}-\d{2})$/, (month) => `不得晚于当前月份 ${month}`],
  [/^must not be before the registration month (\d{4}-\d{2})$/, (month) => `不得早于登记月份 ${month}`],
  [/^must be a year that has ended: (\d{4}) or before$/, (year) => `须为已结束的年度：${year} 年或更早`],
  [/^must be an ISO 8601 instant/, () => '须为带时区的 ISO 8601 时间，如 2025-01-15T16:00:00Z'],
  [/^must not exceed the revenue of the year/, () => '不得超过当年营业收入（各产品类别收入之和）'],
  [/^is not a product class the enterprise declared/, () => '不是该企业登记的产品类别：请填入 "other"，或先变更登记'],
  [/^must be an ISO 9999 class or subclass/, () => '须为 ISO 9999 类或子类代码，如 "12" 或 "12 22"'],
];

/** A field message in Chinese where a rule's wording is known, or as it is. */
export function fieldMessageZh(problem: FieldProblem): string {
  const rule = RULES_ZH[problem.path];
  if (rule) return /explanation is required$/.test(problem.message) ? `${rule}：须附书面说明` : `${rule}：说明须为实质性的完整句子（至少 10 个字，不得为"核实无误"等套话）`;
  for (const [pattern, zh] of MESSAGES_ZH) {
    const match = pattern.exec(problem.message);
    if (match) return zh(...match.slice(1));
  }
  return problem.message;
}

/** The Chinese detail of a problem: what the code means, then each field named with what is wrong with it. */
export function detailZh(code: string, errors: readonly FieldProblem[]): string {
  const summary = SUMMARY_ZH[code] ?? SUMMARY_ZH.HTTP_ERROR;
  if (!errors.length) return `${summary}。`;
  return `${summary}：${errors.map((e) => `${e.path || '请求'}（${fieldMessageZh(e)}）`).join('；')}。`;
}
