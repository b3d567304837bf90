// Numbers for Chinese readers (issue 19, point 1): money and headcounts in the scale a reader expects
// (亿元 / 万元 / 元, 万人 / 人), chosen per view from its largest value and stated wherever the number
// appears; ratios as percent and their change in percentage points; no data as "—", never as 0.

const SCALES = {
  yuan: [
    { min: 1e8, divisor: 1e8, decimals: 2, zh: '亿元', en: '100 million yuan' },
    { min: 1e4, divisor: 1e4, decimals: 2, zh: '万元', en: '10,000 yuan' },
    { min: 0, divisor: 1, decimals: 2, zh: '元', en: 'yuan' },
  ],
  persons: [
    { min: 1e4, divisor: 1e4, decimals: 2, zh: '万人', en: '10,000 persons' },
    { min: 0, divisor: 1, decimals: 0, zh: '人', en: 'persons' },
  ],
  enterprises: [{ min: 0, divisor: 1, decimals: 0, zh: '家', en: 'enterprises' }],
  outlets: [{ min: 0, divisor: 1, decimals: 0, zh: '个', en: 'outlets' }],
  rentals: [{ min: 0, divisor: 1, decimals: 0, zh: '笔', en: 'rentals' }],
  ratio: [{ min: 0, divisor: 0.01, decimals: 1, zh: '%', en: '%' }],
};

/** The scale for a view of an indicator's values: the largest one decides (one scale per view, never per cell). */
export function scaleFor(unit, values) {
  const scales = SCALES[unit] ?? [{ min: 0, divisor: 1, decimals: 0, zh: '', en: '' }];
  const largest = Math.max(0, ...values.filter((v) => v !== null && v !== undefined).map((v) => Math.abs(Number(v))));
  return scales.find((s) => largest >= s.min) ?? scales[scales.length - 1];
}

/** A value in the scale, as a number for a chart (null for no data). */
export function scaledNumber(value, scale) {
  if (value === null || value === undefined) return null;
  return Number(value) / scale.divisor;
}

/** A value in the scale with thousands separators; "—" for no data. */
export function formatScaled(value, scale) {
  const n = scaledNumber(value, scale);
  if (n === null) return '—';
  return n.toLocaleString('en-US', { minimumFractionDigits: scale.decimals, maximumFractionDigits: scale.decimals });
}

/** The unit a view states: "亿元" or "100 million yuan". */
export const unitLabel = (scale, lang) => scale[lang];

/**
 * Year on year: a relative change in percent for amounts and counts; for a ratio, its change in
 * percentage points (百分点), computed from the value and the relative change the API gives.
 */
export function changeText(yoy, value, unit, lang) {
  if (yoy === null || yoy === undefined) return '—';
  // Signed as rounded: a change that rounds to nothing is "0.0", not "-0.0".
  const signed = (x) => {
    const text = x.toFixed(1);
    return Number(text) === 0 ? '0.0' : `${Number(text) > 0 ? '+' : ''}${text}`;
  };
  if (unit === 'ratio') {
    const current = Number(value);
    const prior = current / (1 + yoy);
    return `${signed((current - prior) * 100)} ${lang === 'zh' ? '个百分点' : 'pp'}`;
  }
  return `${signed(yoy * 100)}%`;
}

/** An instant as the clock in China reads it. */
export const chinaDateTime = (iso) => (iso ? new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false }) : '—');
