import { randomUUID } from 'node:crypto';
import { stringify } from 'csv-stringify/sync';
import type { FastifyReply } from 'fastify';
import { INDICATORS, type Indicator } from '../../../../libs/analytics/src/index.js';
import { allRegions, BENEFICIARIES, BENEFICIARY_NAMES, OUTLET_KIND_NAMES, OUTLET_KINDS, PRODUCT_CLASSES, SEGMENT_NAMES, SEGMENTS } from '../../../../libs/reference/src/index.js';

/**
 * SDMX (issue 21, point 1): one data structure (DSD_FUJU) shared by one dataflow per indicator, its
 * codelists and concept scheme, as an SDMX-JSON 2.0 structure message; data of statistics and releases
 * as SDMX-JSON 2.0 data messages and SDMX-CSV 2.0. A cell's coordinates are its dimensions; what it
 * is not broken down by is the total `_T`; release flags are observation attributes.
 */
export const AGENCY = 'CN_FUJU';
export const VERSION = '1.0';
const STRUCTURE_SCHEMA = 'https://raw.githubusercontent.com/sdmx-twg/sdmx-json/develop/structure-message/tools/schemas/2.0.0/sdmx-json-structure-schema.json';
const DATA_SCHEMA = 'https://raw.githubusercontent.com/sdmx-twg/sdmx-json/develop/data-message/tools/schemas/2.0.0/sdmx-json-data-schema.json';

export const TOTAL = '_T';
const codelistUrn = (id: string) => `urn:sdmx:org.sdmx.infomodel.codelist.Codelist=${AGENCY}:${id}(${VERSION})`;
const conceptUrn = (id: string) => `urn:sdmx:org.sdmx.infomodel.conceptscheme.Concept=${AGENCY}:CS_FUJU(${VERSION}).${id}`;
const DSD_URN = `urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure=${AGENCY}:DSD_FUJU(${VERSION})`;
export const flowId = (indicator: string) => `DF_${indicator.toUpperCase().replace(/-/g, '_')}`;
const flowUrn = (indicator: string) => `urn:sdmx:org.sdmx.infomodel.datastructure.Dataflow=${AGENCY}:${flowId(indicator)}(${VERSION})`;

type Names = { en: string; zh: string };
const named = (n: Names) => ({ name: n.en, names: { en: n.en, zh: n.zh } });

/** The components of DSD_FUJU, in order: dimensions, then the measure, then the attributes. */
export const DIMENSIONS = ['FREQ', 'REGION', 'SEGMENT', 'OUTLET_KIND', 'PRODUCT_CLASS', 'BENEFICIARY', 'TIME_PERIOD'] as const;
export const ATTRIBUTES = ['UNIT_MEASURE', 'UNIT_MULT', 'CONFIDENTIAL', 'PROVISIONAL', 'REVISED', 'ESTIMATED'] as const;
export type Dimension = (typeof DIMENSIONS)[number];
export type Attribute = (typeof ATTRIBUTES)[number];

const CONCEPTS: Record<Dimension | Attribute | 'OBS_VALUE', Names> = {
  FREQ: { en: 'Frequency', zh: '频率' },
  REGION: { en: 'Region (GB/T 2260)', zh: '地区' },
  SEGMENT: { en: 'Industry segment', zh: '行业类型' },
  OUTLET_KIND: { en: 'Outlet kind', zh: '服务网点类型' },
  PRODUCT_CLASS: { en: 'Product class (ISO 9999)', zh: '产品类别' },
  BENEFICIARY: { en: 'Beneficiary group', zh: '受益人群' },
  TIME_PERIOD: { en: 'Time period', zh: '时期' },
  OBS_VALUE: { en: 'Observation value', zh: '数值' },
  UNIT_MEASURE: { en: 'Unit of measure', zh: '计量单位' },
  UNIT_MULT: { en: 'Unit multiplier (power of 10)', zh: '单位倍数' },
  CONFIDENTIAL: { en: 'Confidential (suppressed by disclosure control)', zh: '保密' },
  PROVISIONAL: { en: 'Provisional', zh: '初步数' },
  REVISED: { en: 'Revised since the previous release', zh: '已修订' },
  ESTIMATED: { en: 'Includes estimates for non-response', zh: '含推算' },
};

const UNITS: Record<Indicator['unit'], Names> = {
  yuan: { en: 'Yuan (CNY)', zh: '元' },
  persons: { en: 'Persons', zh: '人' },
  enterprises: { en: 'Enterprises', zh: '家' },
  outlets: { en: 'Outlets', zh: '个' },
  rentals: { en: 'Rentals', zh: '笔' },
  ratio: { en: 'Ratio', zh: '比率' },
};

/** Product classes and subclasses are ISO 9999 codes with spaces ("12 22"); SDMX ids use "_". */
export const productClassCode = (code: string) => code.replace(/ /g, '_');

function codelists() {
  const total = { id: TOTAL, ...named({ en: 'Total', zh: '合计' }) };
  const list = (id: string, names: Names, codes: { id: string; name: string; names?: Record<string, string> }[]) => ({ agencyID: AGENCY, id, version: VERSION, ...named(names), codes });
  return [
    list('CL_FREQ', { en: 'Frequency', zh: '频率' }, [
      { id: 'A', ...named({ en: 'Annual', zh: '年度' }) },
      { id: 'Q', ...named({ en: 'Quarterly', zh: '季度' }) },
      { id: 'M', ...named({ en: 'Monthly', zh: '月度' }) },
    ]),
    list('CL_REGION', { en: 'Regions of China (GB/T 2260)', zh: '行政区划（GB/T 2260）' }, [
      { id: TOTAL, ...named({ en: 'China (whole country)', zh: '全国' }) },
      ...allRegions().map((r) => ({ id: r.code, name: r.name, names: { zh: r.name }, ...(r.parentCode ? { parent: r.parentCode } : {}) })),
    ]),
    list('CL_SEGMENT', { en: 'Industry segments', zh: '行业类型' }, [total, ...SEGMENTS.map((s) => ({ id: s, ...named(SEGMENT_NAMES[s]) }))]),
    list('CL_OUTLET_KIND', { en: 'Service outlet kinds', zh: '服务网点类型' }, [total, ...OUTLET_KINDS.map((k) => ({ id: k, ...named(OUTLET_KIND_NAMES[k]) }))]),
    list('CL_ISO9999', { en: 'ISO 9999 classes of assistive products', zh: 'ISO 9999 康复辅具分类' }, [
      total,
      { id: 'other', ...named({ en: 'Other than the declared classes', zh: '其他' }) },
      ...PRODUCT_CLASSES.map((c) => ({ id: c.code, ...named({ en: c.nameEn, zh: c.nameZh }) })),
    ]),
    list('CL_BENEFICIARY', { en: 'Beneficiary groups', zh: '受益人群' }, [total, ...BENEFICIARIES.map((b) => ({ id: b, ...named(BENEFICIARY_NAMES[b]) }))]),
    list('CL_UNIT', { en: 'Units of measure', zh: '计量单位' }, Object.entries(UNITS).map(([id, n]) => ({ id, ...named(n) }))),
    list('CL_UNIT_MULT', { en: 'Unit multipliers', zh: '单位倍数' }, [{ id: '0', ...named({ en: 'Units', zh: '个位' }) }]),
    list('CL_YES_NO', { en: 'Yes or no', zh: '是否' }, [
      { id: 'Y', ...named({ en: 'Yes', zh: '是' }) },
      { id: 'N', ...named({ en: 'No', zh: '否' }) },
    ]),
  ];
}

const ENUMERATION: Partial<Record<Dimension | Attribute, string>> = {
  FREQ: 'CL_FREQ',
  REGION: 'CL_REGION',
  SEGMENT: 'CL_SEGMENT',
  OUTLET_KIND: 'CL_OUTLET_KIND',
  BENEFICIARY: 'CL_BENEFICIARY',
  UNIT_MEASURE: 'CL_UNIT',
  UNIT_MULT: 'CL_UNIT_MULT',
  CONFIDENTIAL: 'CL_YES_NO',
  PROVISIONAL: 'CL_YES_NO',
  REVISED: 'CL_YES_NO',
  ESTIMATED: 'CL_YES_NO',
};

function representation(id: Dimension | Attribute) {
  const list = ENUMERATION[id];
  if (list) return { enumeration: codelistUrn(list) };
  // Subclasses of ISO 9999 ("12_22") are many and open: the class list (CL_ISO9999) names the classes.
  if (id === 'PRODUCT_CLASS') return { format: { dataType: 'String' } };
  return { format: { dataType: 'ObservationalTimePeriod' } };
}

/** The annotations a dataflow carries: the indicator's statistical metadata (统计制度). */
function metadataAnnotations(i: Indicator) {
  const md = i.metadata;
  return [
    { type: 'DEFINITION', title: i.description, texts: { en: i.description, zh: md.definitionZh } },
    { type: 'UNIT', title: i.unit, text: `${UNITS[i.unit].en}; multiplier 10^${md.unitMultiplier}` },
    { type: 'KIND', title: i.kind },
    { type: 'FREQUENCY', title: md.frequency },
    { type: 'SOURCE', title: md.source.form, texts: { en: `${md.source.form}: ${md.source.items.join('; ')}`, zh: `${md.source.formZh}：${md.source.items.join('；')}` } },
    { type: 'METHOD', title: i.imputation ? `${i.imputation.id} v${i.imputation.version}` : 'none', ...(i.imputation ? { text: i.imputation.description } : {}) },
    { type: 'DEADLINE', title: md.deadline },
  ];
}

/** The SDMX-JSON 2.0 structure message: codelists, the concept scheme, DSD_FUJU and one dataflow per indicator. */
export function structureMessage(now = new Date().toISOString()) {
  const concepts = (Object.entries(CONCEPTS) as [string, Names][]).map(([id, n]) => ({ id, ...named(n) }));
  return {
    meta: { id: `FUJU_STRUCTURE_${VERSION.replace('.', '_')}`, prepared: now, sender: { id: AGENCY }, schema: STRUCTURE_SCHEMA, contentLanguages: ['en', 'zh'] },
    data: {
      codelists: codelists(),
      conceptSchemes: [{ agencyID: AGENCY, id: 'CS_FUJU', version: VERSION, ...named({ en: 'Fuju Ledger concepts', zh: '康复辅具产业统计概念' }), concepts }],
      dataStructures: [
        {
          agencyID: AGENCY,
          id: 'DSD_FUJU',
          version: VERSION,
          ...named({ en: 'Rehabilitation assistive device industry statistics', zh: '康复辅具产业统计' }),
          dataStructureComponents: {
            dimensionList: {
              id: 'DimensionDescriptor',
              dimensions: DIMENSIONS.filter((d) => d !== 'TIME_PERIOD').map((id, position) => ({ id, position, conceptIdentity: conceptUrn(id), localRepresentation: representation(id) })),
              timeDimension: { id: 'TIME_PERIOD', position: DIMENSIONS.length - 1, conceptIdentity: conceptUrn('TIME_PERIOD'), localRepresentation: representation('TIME_PERIOD') },
            },
            measureList: {
              id: 'MeasureDescriptor',
              measures: [{ id: 'OBS_VALUE', conceptIdentity: conceptUrn('OBS_VALUE'), localRepresentation: { format: { dataType: 'Double' } } }],
            },
            attributeList: {
              id: 'AttributeDescriptor',
              attributes: ATTRIBUTES.map((id) => ({
                id,
                usage: 'optional',
                attributeRelationship: { observation: {} },
                conceptIdentity: conceptUrn(id),
                localRepresentation: representation(id),
              })),
            },
          },
        },
      ],
      dataflows: INDICATORS.map((i) => ({
        agencyID: AGENCY,
        id: flowId(i.id),
        version: VERSION,
        ...named({ en: i.nameEn, zh: i.nameZh }),
        description: i.description,
        descriptions: { en: i.description, zh: i.metadata.definitionZh },
        annotations: metadataAnnotations(i),
        structure: DSD_URN,
      })),
    },
  };
}

/** One observation: its coordinates (each dimension's code), value (null when suppressed) and attributes. */
export interface SdmxObservation {
  readonly key: Record<Dimension, string>;
  readonly value: number | null;
  readonly attributes: Partial<Record<Attribute, string>>;
}

/** A dataset: the observations of one indicator (one dataflow). */
export interface SdmxDataset {
  readonly indicator: string;
  readonly observations: readonly SdmxObservation[];
}

/** SDMX-JSON 2.0 data: one structure and one dataset per indicator, every dimension at observation level. */
export function dataMessage(all: readonly SdmxDataset[], now = new Date().toISOString()) {
  // A dataset without observations has nothing to describe (SDMX-JSON lists only values that occur).
  const datasets = all.filter((ds) => ds.observations.length > 0);
  const valuesOf = (ds: SdmxDataset, of: (o: SdmxObservation) => string | undefined) => [...new Set(ds.observations.map(of).filter((v): v is string => v !== undefined))].map((v) => ({ id: v, name: v }));
  // Only the attributes a dataset gives a value somewhere; an observation lists their value indexes in this order.
  const presentAttributes = datasets.map((ds) => ATTRIBUTES.filter((a) => ds.observations.some((o) => o.attributes[a] !== undefined)));
  const structures = datasets.map((ds, index) => ({
    structure: flowUrn(ds.indicator),
    dataSets: [index],
    dimensions: {
      dataSet: [],
      series: [],
      observation: DIMENSIONS.map((id, keyPosition) => ({ id, ...named(CONCEPTS[id]), keyPosition, roles: [id], values: valuesOf(ds, (o) => o.key[id]) })),
    },
    measures: { observation: [{ id: 'OBS_VALUE', ...named(CONCEPTS.OBS_VALUE) }] },
    attributes: {
      dataSet: [],
      series: [],
      observation: presentAttributes[index].map((id) => ({ id, ...named(CONCEPTS[id]), roles: [id], relationship: { observation: {} }, values: valuesOf(ds, (o) => o.attributes[id]) })),
    },
  }));
  const dataSets = datasets.map((ds, index) => {
    const s = structures[index];
    const dimIndex = s.dimensions.observation.map((d) => new Map(d.values.map((v, i) => [v.id, i])));
    const attrIndex = s.attributes.observation.map((a) => new Map(a.values.map((v, i) => [v.id, i])));
    return {
      structure: index,
      action: 'Information',
      links: [{ rel: 'dataflow', urn: flowUrn(ds.indicator) }],
      observations: Object.fromEntries(
        ds.observations.map((o) => [
          DIMENSIONS.map((d, i) => dimIndex[i].get(o.key[d])).join(':'),
          [o.value, ...presentAttributes[index].map((a, i) => (o.attributes[a] === undefined ? null : (attrIndex[i].get(o.attributes[a]!) ?? null)))],
        ]),
      ),
    };
  });
  return { meta: { id: `FUJU_DATA_${randomUUID().replace(/-/g, '')}`, prepared: now, sender: { id: AGENCY }, schema: DATA_SCHEMA, contentLanguages: ['en', 'zh'] }, data: { structures, dataSets } };
}

/** SDMX-CSV 2.0: one row per observation, each naming its dataflow. */
export function dataCsv(datasets: readonly SdmxDataset[]): string[][] {
  const header = ['STRUCTURE', 'STRUCTURE_ID', 'ACTION', ...DIMENSIONS, 'OBS_VALUE', ...ATTRIBUTES];
  const rows = datasets.flatMap((ds) =>
    ds.observations.map((o) => ['dataflow', `${AGENCY}:${flowId(ds.indicator)}(${VERSION})`, 'I', ...DIMENSIONS.map((d) => o.key[d]), o.value === null ? '' : String(o.value), ...ATTRIBUTES.map((a) => o.attributes[a] ?? '')]),
  );
  return [header, ...rows];
}

export const SDMX_FORMATS = ['sdmx-json', 'sdmx-csv'] as const;
export type SdmxFormat = (typeof SDMX_FORMATS)[number];
export const SDMX_DATA_JSON = 'application/vnd.sdmx.data+json; version=2.0.0; charset=utf-8';
export const SDMX_DATA_CSV = 'application/vnd.sdmx.data+csv; version=2.0.0; charset=utf-8';

export const isSdmxFormat = (format: string | undefined): format is SdmxFormat => format === 'sdmx-json' || format === 'sdmx-csv';

/** Writes datasets as an SDMX-JSON 2.0 data message or as SDMX-CSV 2.0. */
export function sendSdmx(reply: FastifyReply, format: SdmxFormat, datasets: readonly SdmxDataset[]): string {
  if (format === 'sdmx-json') {
    reply.header('content-type', SDMX_DATA_JSON);
    return JSON.stringify(dataMessage(datasets));
  }
  reply.header('content-type', SDMX_DATA_CSV);
  return stringify(dataCsv(datasets));
}
