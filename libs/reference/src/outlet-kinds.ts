/** Kinds of service outlet (DESIGN.md "Outlet"). */
export const OUTLET_KINDS = ['rental_point', 'configuration_center', 'experience_center', 'disinfection_center'] as const;
export type OutletKind = (typeof OUTLET_KINDS)[number];

export const OUTLET_KIND_NAMES: Record<OutletKind, { zh: string; en: string }> = {
  rental_point: { zh: '社区租赁服务点', en: 'Community rental point' },
  configuration_center: { zh: '配置服务机构', en: 'Configuration center' },
  experience_center: { zh: '体验馆', en: 'Experience center' },
  disinfection_center: { zh: '洗消中心', en: 'Disinfection center' },
};

export const BENEFICIARIES = ['elderly', 'disabled', 'injured', 'other'] as const;
export type Beneficiary = (typeof BENEFICIARIES)[number];

export const BENEFICIARY_NAMES: Record<Beneficiary, { zh: string; en: string }> = {
  elderly: { zh: '老年人', en: 'Older people' },
  disabled: { zh: '残疾人', en: 'People with disabilities' },
  injured: { zh: '伤病人员', en: 'Injured or ill people' },
  other: { zh: '其他', en: 'Other' },
};
