/** An ISO 9999:2022 / GB/T 16432 class of assistive products. */
export interface ProductClass {
  readonly code: string;
  readonly nameZh: string;
  readonly nameEn: string;
}

export const PRODUCT_CLASSES: readonly ProductClass[] = [
  { code: '04', nameZh: '个人医疗辅助器具', nameEn: 'Assistive products for measuring, supporting, training or replacing body functions' },
  { code: '05', nameZh: '技能训练辅助器具', nameEn: 'Assistive products for education and for training in skills' },
  { code: '06', nameZh: '矫形器和假肢', nameEn: 'Assistive products attached to the body for supporting neuromusculoskeletal or movement related functions (orthoses) and replacing anatomical structures (prostheses)' },
  { code: '09', nameZh: '个人生活自理和防护辅助器具', nameEn: 'Assistive products for self-care activities and participation in self-care' },
  { code: '12', nameZh: '个人移动辅助器具', nameEn: 'Assistive products for activities and participation relating to personal mobility and transportation' },
  { code: '15', nameZh: '家务辅助器具', nameEn: 'Assistive products for domestic activities and participation in domestic life' },
  { code: '18', nameZh: '家庭和其他场所使用的家具及其适配件', nameEn: 'Assistive products for activities and participation relating to domestic and other environments' },
  { code: '22', nameZh: '沟通和信息辅助器具', nameEn: 'Assistive products for communication and information management' },
  { code: '24', nameZh: '操作物品和器具的辅助器具', nameEn: 'Assistive products for controlling, carrying, moving and handling objects and devices' },
  { code: '27', nameZh: '用于环境改善和评估的辅助器具', nameEn: 'Assistive products for controlling, adapting or measuring elements of physical environments' },
  { code: '28', nameZh: '就业和职业培训辅助器具', nameEn: 'Assistive products for work activities and participation in employment' },
  { code: '30', nameZh: '休闲娱乐辅助器具', nameEn: 'Assistive products for recreation and leisure' },
];

const CLASS_CODES = new Set(PRODUCT_CLASSES.map((c) => c.code));

/**
 * Normalises an ISO 9999 class or subclass code: `"12"`, `"1222"`, `"12 22"`, `"12.22"`
 * and `"12-22-06"` become `"12"`, `"12 22"`, `"12 22"`, `"12 22"` and `"12 22 06"`.
 * Returns undefined when the code is malformed or its class does not exist.
 */
export function normaliseProductClass(input: string): string | undefined {
  const digits = input.trim().replace(/[\s.\-]/g, '');
  if (!/^\d{2}(\d{2}){0,2}$/.test(digits)) return undefined;
  if (!/^\d{2}([\s.\-]?\d{2}){0,2}$/.test(input.trim())) return undefined;
  const parts = digits.match(/\d{2}/g) ?? [];
  if (!CLASS_CODES.has(parts[0] ?? '')) return undefined;
  return parts.join(' ');
}

/** The top-level class (two digits) of a normalised class or subclass code. */
export function topClassOf(code: string): string {
  return code.slice(0, 2);
}
