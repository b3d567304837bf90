import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { withUsccCheckCharacter } from '../libs/domain/src/index.js';
import { inParallel, ServerProcess } from './support/server.js';

/**
 * Issue 21, point 3 over HTTP: statistics, filing compliance, the review queue and audit events as
 * CSV (UTF-8 with BOM, Chinese or English headers) and XLSX (numbers as numbers), each equal to the
 * JSON answer; and the whole event log as NDJSON, resumable from a position without gaps or repeats.
 */
const uscc = (n: number) => withUsccCheckCharacter(`91330106MA3F${String(n).padStart(5, '0')}`.slice(0, 17));
const firms = Array.from({ length: 7 }, (_, i) => ({ uscc: uscc(i + 1), region: i % 2 ? '330106' : '330108', revenue: `${(i + 1) * 1234}.56`, files: i !== 6 }));

describe('exports: CSV, XLSX and the NDJSON event log (issue 21, point 3)', () => {
  let server: ServerProcess;
  let regulator = '';
  const download = async (path: string, headers: Record<string, string> = {}) => {
    const r = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${regulator}`, ...headers } });
    expect([path, r.status]).toEqual([path, 200]);
    return r;
  };
  const csvOf = async (path: string, headers: Record<string, string> = {}) => {
    const r = await download(path, headers);
    expect(r.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const bytes = Buffer.from(await r.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // the UTF-8 byte-order mark
    return parse(bytes.toString('utf8'), { bom: true }) as string[][];
  };
  const xlsxOf = async (path: string) => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await (await download(path)).arrayBuffer()) as never);
    const rows: unknown[][] = [];
    workbook.worksheets[0].eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    return rows;
  };
  const json = async (path: string) => {
    const r = await server.request('GET', path, { token: regulator });
    expect([path, r.status]).toEqual([path, 200]);
    return r.body;
  };

  beforeAll(async () => {
    server = await ServerProcess.start();
    const admin = await server.token('admin');
    regulator = await server.token('regulator');
    const bureau = await server.token('bureau', { region: '33' });
    for (const f of firms)
      expect((await server.request('POST', '/v1/enterprises', { token: admin, body: { uscc: f.uscc, name: `导出测试${f.uscc.slice(-3)}有限公司`, regionCode: f.region, segment: 'manufacturing', productClasses: [], registeredOn: '2024-01-01' } })).status).toBe(201);
    await inParallel(
      firms.filter((f) => f.files),
      4,
      async (f) => expect((await server.request('PUT', `/v1/enterprises/${f.uscc}/reports/2024-03`, { token: bureau, body: { revenue: f.revenue, taxPaid: '1.00', employees: 5 } })).status).toBe(201),
    );
    await server.waitForProjection();
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
  });

  it('gives statistics as CSV with Chinese or English headers and as XLSX with numbers, equal to the JSON', async () => {
    const query = '/v1/statistics/revenue?period=2024-03&region=33&groupBy=region&regionLevel=county';
    const answer = await json(query);
    expect(answer.rows.length).toBe(2);
    const zh = await csvOf(`${query}&format=csv&lang=zh`);
    const en = await csvOf(`${query}&format=csv`, { 'accept-language': 'en' });
    expect(zh[0].slice(0, 4)).toEqual(['地区代码', '地区', '时期', '数值（yuan）']);
    expect(en[0].slice(0, 4)).toEqual(['region_code', 'region_name', 'period', 'value (yuan)']);
    const rowsOf = (table: string[][]) => table.slice(1).map((r) => [r[0], r[1], r[3], r[4]]);
    const expected = answer.rows.map((r: any) => [r.region.code, r.region.name, r.value, String(r.contributors)]);
    expect(rowsOf(zh)).toEqual(expected);
    expect(rowsOf(en)).toEqual(expected);
    const sheet = await xlsxOf(`${query}&format=xlsx&lang=en`);
    expect(sheet.slice(1).map((r) => [r[0], r[3], r[4]])).toEqual(answer.rows.map((r: any) => [r.region.code, Number(r.value), r.contributors]));
    expect(typeof sheet[1][3]).toBe('number');
    // The values are the filings' own sums.
    const sum = (region: string) => firms.filter((f) => f.files && f.region === region).reduce((s, f) => s + Math.round(Number(f.revenue) * 100), 0);
    expect(answer.rows.map((r: any) => [r.region.code, r.value])).toEqual(['330106', '330108'].map((c) => [c, `${Math.floor(sum(c) / 100)}.${String(sum(c) % 100).padStart(2, '0')}`]));
  });

  it('gives filing compliance, the whole review queue and audit events as files, equal to the JSON', async () => {
    const compliance = await json('/v1/monitoring/filing-compliance?period=2024-03&region=33');
    const complianceCsv = await csvOf('/v1/monitoring/filing-compliance?period=2024-03&region=33&format=csv&lang=en');
    expect(complianceCsv.slice(1)).toEqual([
      ...compliance.missing.map((m: any) => ['missing', m.uscc, m.name, m.regionCode, '']),
      ...compliance.late.map((m: any) => ['late', m.uscc, m.name, m.regionCode, m.firstFiledAt]),
    ]);
    expect(compliance.missing.map((m: any) => m.uscc)).toEqual([firms[6].uscc]);
    // The queue: every page of the JSON, in one file.
    const pages = [await json('/v1/review?period=2024-03&region=33&pageSize=3')];
    for (let p = 2; (p - 1) * 3 < pages[0].total; p++) pages.push(await json(`/v1/review?period=2024-03&region=33&pageSize=3&page=${p}`));
    const items = pages.flatMap((p) => p.items);
    expect(items.length).toBe(firms.length);
    const queue = await xlsxOf('/v1/review?period=2024-03&region=33&pageSize=3&format=xlsx&lang=zh');
    expect(queue[0].slice(0, 2)).toEqual(['统一社会信用代码', '企业名称']);
    expect(queue.slice(1).map((r) => [r[0], r[4], r[6]])).toEqual(items.map((i: any) => [i.uscc, i.filing, i.revision]));
    const events = await json('/v1/audit/events?limit=1000');
    const eventsCsv = await csvOf('/v1/audit/events?format=csv&lang=en');
    expect(eventsCsv.slice(1).map((r) => [Number(r[0]), r[2], r[4], JSON.parse(r[7])])).toEqual(events.events.map((e: any) => [e.position, e.streamId, e.type, e.data]));
  });

  it('streams the whole event log as NDJSON, resumable from any position', async () => {
    const whole = await download('/v1/audit/log');
    expect(whole.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    const head = Number(whole.headers.get('x-log-head'));
    const lines = (await whole.text()).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((e) => e.position)).toEqual(Array.from({ length: head }, (_, i) => i + 1));
    // 7 registrations and 6 filings.
    expect(lines.map((e) => e.type).filter((t) => t === 'EnterpriseRegistered' || t === 'MonthlyReportFiled').length).toBe(13);
    const half = lines[5].position;
    const rest = (await (await download(`/v1/audit/log?after=${half}`)).text()).trim().split('\n').map((l) => JSON.parse(l));
    expect([...lines.slice(0, 6), ...rest]).toEqual(lines);
    expect((await (await download(`/v1/audit/log?after=${head}`)).text())).toBe('');
  });

  it('names a bad format or header language', async () => {
    for (const [query, path] of [
      ['format=pdf', 'format'],
      ['format=csv&lang=fr', 'lang'],
    ]) {
      const r = await server.request('GET', `/v1/statistics/revenue?period=2024&${query}`, { token: regulator });
      expect([query, r.status, r.body.errors?.map((e: { path: string }) => e.path)]).toEqual([query, 400, [path]]);
    }
  });
});
