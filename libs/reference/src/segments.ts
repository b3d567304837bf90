/** Industry segments of an enterprise (DESIGN.md "Enterprise"). */
export const SEGMENTS = ['manufacturing', 'distribution', 'configuration_service', 'rental_service', 'rnd', 'other'] as const;
export type Segment = (typeof SEGMENTS)[number];

export const SEGMENT_NAMES: Record<Segment, { zh: string; en: string }> = {
  manufacturing: { zh: '生产制造', en: 'Manufacturing' },
  distribution: { zh: '销售流通', en: 'Distribution' },
  configuration_service: { zh: '配置服务', en: 'Configuration service' },
  rental_service: { zh: '社区租赁', en: 'Community rental service' },
  rnd: { zh: '研发设计', en: 'Research and design' },
  other: { zh: '其他', en: 'Other' },
};

export function isSegment(value: unknown): value is Segment {
  return typeof value === 'string' && (SEGMENTS as readonly string[]).includes(value);
}
