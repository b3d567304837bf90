import { parse } from 'csv-parse/sync';
import { withUsccCheckCharacter } from '../libs/domain/src/index.js';
import { inParallel, ServerProcess } from './support/server.js';

/**
 * Issue 21, point 1 over HTTP, read by the test itself (the independent library — pysdmx with the
 * SDMX TWG's schemas — reads the same output in .ci/run, .ci/sdmx_check.py): the structure message,
 * and statistics and release data as SDMX-JSON 2.0 and SDMX-CSV 2.0 decoding to exactly the JSON
 * answers, flags as observation attributes.
 */
const uscc = (n: number) => withUsccCheckCharacter(`91330106MA3J${String(n).padStart(5, '0')}`.slice(0, 17));
const firms = Array.from({ length: 5 }, (_, i) => ({ uscc: uscc(i + 1), region: i < 4 ? '330106' : '330108', revenue: `${(i + 1) * 1000}.50` }));
const DIMENSIONS = ['FREQ', 'REGION', 'SEGMENT', 'OUTLET_KIND', 'PRODUCT_CLASS', 'BENEFICIARY', 'TIME_PERIOD'];

/** The observations of an SDMX-JSON 2.0 data message as {key, value, attributes}, decoded through its structures. */
function decode(message: any) {
  return message.data.dataSets.flatMap((ds: any) => {
    const s = message.data.structures[ds.structure];
    return Object.entries(ds.observations).map(([k, [value, ...attrs]]: [string, any]) => ({
      flow: s.structure.split('=')[1],
      key: Object.fromEntries(k.split(':').map((index, i) => [s.dimensions.observation[i].id, s.dimensions.observation[i].values[Number(index)].id])),
      value,
      attributes: Object.fromEntries(attrs.map((a: number | null, i: number) => [s.attributes.observation[i].id, a === null ? null : s.attributes.observation[i].values[a].id])),
    }));
  });
}

describe('SDMX structures and data (issue 21, point 1)', () => {
  let server: ServerProcess;
  let regulator = '';
  let releaseId = '';

  beforeAll(async () => {
    server = await ServerProcess.start();
    const admin = await server.token('admin');
    regulator = await server.token('regulator');
    const bureau = await server.token('bureau', { region: '33' });
    for (const f of firms)
      expect((await server.request('POST', '/v1/enterprises', { token: admin, body: { uscc: f.uscc, name: `数据交换${f.uscc.slice(-3)}有限公司`, regionCode: f.region, segment: 'manufacturing', productClasses: [], registeredOn: '2024-01-01' } })).status).toBe(201);
    await inParallel(firms, 4, async (f) => expect((await server.request('PUT', `/v1/enterprises/${f.uscc}/reports/2024-05`, { token: bureau, body: { revenue: f.revenue, taxPaid: '0.00', employees: 3 } })).status).toBe(201));
    await server.waitForProjection();
    const draft = await server.request('POST', '/v1/releases', { token: admin, body: { title: '2024年5月杭州市营业收入', period: '2024-05', region: '3301', tables: [{ indicator: 'revenue', groupBy: 'region', regionLevel: 'county' }] } });
    releaseId = draft.body.releaseId;
    expect((await server.request('POST', `/v1/releases/${releaseId}/publication`, { token: admin })).status).toBe(201);
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
  });

  it('serves the structures: codelists, concepts, one data structure and a dataflow per indicator with its metadata', async () => {
    const r = await fetch(`${server.url}/v1/sdmx/structure`);
    expect(r.headers.get('content-type')).toBe('application/vnd.sdmx.structure+json; version=2.0.0; charset=utf-8');
    const { data } = await r.json();
    const catalogue = (await server.request('GET', '/v1/statistics', { token: regulator })).body;
    expect(data.dataflows.map((f: any) => f.id).sort()).toEqual(catalogue.map((i: any) => `DF_${i.id.toUpperCase().replace(/-/g, '_')}`).sort());
    const revenue = data.dataflows.find((f: any) => f.id === 'DF_REVENUE');
    const annotation = (type: string) => revenue.annotations.find((a: any) => a.type === type);
    expect([annotation('METHOD').title, annotation('FREQUENCY').title, annotation('DEFINITION').texts.zh]).toEqual(['ratio-yoy v1', 'monthly', catalogue.find((i: any) => i.id === 'revenue').metadata.definitionZh]);
    const regions = data.codelists.find((c: any) => c.id === 'CL_REGION').codes;
    expect(regions.find((c: any) => c.id === '330106')).toEqual({ id: '330106', name: '西湖区', names: { zh: '西湖区' }, parent: '3301' });
    expect(data.dataStructures[0].dataStructureComponents.dimensionList.dimensions.map((d: any) => d.id)).toEqual(DIMENSIONS.slice(0, -1));
  });

  it('gives statistics as SDMX-JSON and SDMX-CSV decoding to the JSON answer', async () => {
    const path = '/v1/statistics/revenue?period=2024-05&region=33&groupBy=region&regionLevel=county';
    const answer = (await server.request('GET', path, { token: regulator })).body;
    const expected = answer.rows.map((r: any) => ({ key: { FREQ: 'M', REGION: r.region.code, SEGMENT: '_T', OUTLET_KIND: '_T', PRODUCT_CLASS: '_T', BENEFICIARY: '_T', TIME_PERIOD: '2024-05' }, value: Number(r.value) }));
    expect(expected.map((e: any) => [e.key.REGION, e.value])).toEqual([
      ['330106', 1000.5 + 2000.5 + 3000.5 + 4000.5],
      ['330108', 5000.5],
    ]);
    const json = await (await fetch(`${server.url}${path}&format=sdmx-json`, { headers: { authorization: `Bearer ${regulator}` } })).json();
    expect(decode(json).map((o: any) => ({ key: o.key, value: o.value }))).toEqual(expected);
    expect(decode(json)[0].attributes).toEqual({ UNIT_MEASURE: 'yuan', UNIT_MULT: '0' });
    const csv = parse(await (await fetch(`${server.url}${path}&format=sdmx-csv`, { headers: { authorization: `Bearer ${regulator}` } })).text(), { columns: true }) as Record<string, string>[];
    expect(csv.map((r) => ({ structure: [r.STRUCTURE, r.STRUCTURE_ID, r.ACTION], key: Object.fromEntries(DIMENSIONS.map((d) => [d, r[d]])), value: Number(r.OBS_VALUE) }))).toEqual(
      expected.map((e: any) => ({ structure: ['dataflow', 'CN_FUJU:DF_REVENUE(1.0)', 'I'], ...e })),
    );
  });

  it('gives a release with its flags as observation attributes, confidential values absent', async () => {
    const release = (await server.request('GET', `/v1/releases/${releaseId}`)).body;
    const observations = decode(await (await fetch(`${server.url}/v1/releases/${releaseId}?format=sdmx-json`)).json());
    expect(observations.map((o: any) => [o.key.REGION, o.value, o.attributes.CONFIDENTIAL, o.attributes.PROVISIONAL])).toEqual(
      release.cells.map((c: any) => [c.key.region ?? '3301', c.value === null ? null : Number(c.value), c.flags.includes('confidential') ? 'Y' : 'N', c.flags.includes('provisional') ? 'Y' : 'N']),
    );
    // 330108 has one enterprise: confidential, and so is 330106 beside it (a published total would give it away).
    expect(observations.filter((o: any) => o.attributes.CONFIDENTIAL === 'Y').map((o: any) => o.key.REGION).sort()).toEqual(['330106', '330108']);
    const bad = await server.request('GET', `/v1/releases/${releaseId}?format=sdmx-xml`);
    expect([bad.status, bad.body.errors[0].path]).toEqual([400, 'format']);
  });
});
