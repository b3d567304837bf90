import { withUsccCheckCharacter } from '../libs/domain/src/index.js';
import { ServerProcess } from './support/server.js';

/**
 * Issue 21, point 6 over HTTP: an import job (POST /v1/imports with NDJSON or CSV, GET for progress
 * to done, accepted and rejected counts, the rejects listed with their lines and reasons) running the
 * CLI's importer with the caller's rights, and a re-upload of the same file appending nothing.
 */
const uscc = (n: number) => withUsccCheckCharacter(`91330106MA3H${String(n).padStart(5, '0')}`.slice(0, 17));
const [A, B] = [uscc(1), uscc(2)];
const OUTSIDE = withUsccCheckCharacter('91440106MA3H00003');

const register = (id: string, region: string) => ({ command: 'registerEnterprise', uscc: id, name: `导入${id.slice(-3)}有限公司`, regionCode: region, segment: 'manufacturing', productClasses: [], registeredOn: '2024-01-01' });
const report = (id: string, period: string, revenue: string) => ({ command: 'fileMonthlyReport', uscc: id, period, revenue, taxPaid: '0.00', employees: 4 });
/** Line by line: what the importer must make of each. */
const LINES: [string, 'accepted' | 'rejected', string?][] = [
  [JSON.stringify(register(A, '330106')), 'accepted'],
  [JSON.stringify(register(B, '330108')), 'accepted'],
  [JSON.stringify(register(OUTSIDE, '440106')), 'rejected', 'FORBIDDEN'], // outside the bureau's region
  [JSON.stringify(report(A, '2024-01', '1000.00')), 'accepted'],
  [JSON.stringify(report(A, '2024-02', '-5.00')), 'rejected', 'VALIDATION_FAILED'],
  ['{"command": "fileMonthlyReport", ', 'rejected', 'VALIDATION_FAILED'], // not JSON
  [JSON.stringify(report(B, '2024-01', '2000.00')), 'accepted'],
  [JSON.stringify({ command: 'launchRocket' }), 'rejected', 'VALIDATION_FAILED'],
];

describe('bulk upload over HTTP (issue 21, point 6)', () => {
  let server: ServerProcess;
  let bureau = '';

  beforeAll(async () => {
    server = await ServerProcess.start();
    bureau = await server.token('bureau', { region: '33' });
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
  });

  const upload = async (body: string, type: string) => {
    const r = await fetch(`${server.url}/v1/imports`, { method: 'POST', headers: { authorization: `Bearer ${bureau}`, 'content-type': type }, body });
    const job = await r.json();
    expect([r.status, r.headers.get('location')]).toEqual([202, `/v1/imports/${job.id}`]);
    return job;
  };
  const finished = async (id: string, token = bureau) => {
    for (let i = 0; i < 300; i++) {
      const r = await server.request('GET', `/v1/imports/${id}`, { token });
      expect(r.status).toBe(200);
      if (r.body.status !== 'running') return r.body;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`import ${id} did not finish`);
  };

  it('imports NDJSON with the same rules and rights as the API, lists the rejects, and appends nothing on a re-upload', async () => {
    const body = `${LINES.map(([line]) => line).join('\n')}\n`;
    const started = await upload(body, 'application/x-ndjson');
    expect([started.status, started.lines, started.format]).toEqual(['running', LINES.length, 'ndjson']);
    const done = await finished(started.id);
    const count = (outcome: string) => LINES.filter(([, o]) => o === outcome).length;
    expect([done.status, done.processed, done.accepted, done.unchanged, done.rejected]).toEqual(['succeeded', LINES.length, count('accepted'), 0, count('rejected')]);
    const rejects = await fetch(`${server.url}${done.rejects}`, { headers: { authorization: `Bearer ${bureau}` } });
    expect(rejects.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    const listed = (await rejects.text()).trim().split('\n').map((l) => JSON.parse(l));
    expect(listed.map((r) => [r.line, r.code])).toEqual(LINES.flatMap(([, outcome, code], i) => (outcome === 'rejected' ? [[i + 1, code]] : [])));
    expect(listed.find((r) => r.line === 5).errors).toEqual([{ path: 'revenue', message: 'must not be negative' }]);
    // What was accepted is there, filed as the bureau.
    const filed = await server.request('GET', `/v1/enterprises/${A}/reports/2024-01`, { token: bureau });
    expect([filed.status, filed.body.revenue, filed.body.history[0].actor]).toEqual([200, '1000.00', expect.stringContaining('bureau')]);
    // The same file again: nothing new.
    const again = await finished((await upload(body, 'application/x-ndjson')).id);
    expect([again.accepted, again.unchanged, again.rejected]).toEqual([0, count('accepted'), count('rejected')]);
    expect((await server.request('GET', `/v1/enterprises/${A}`, { token: bureau })).body.revision).toBe(2);
  });

  it('imports CSV monthly reports, and keeps each job to its uploader and administrators', async () => {
    const csv = `uscc,period,revenue,taxPaid,employees\n${A},2024-03,3000.00,0.00,4\n${B},2024-03,abc,0.00,4\n`;
    const job = await finished((await upload(csv, 'text/csv')).id);
    expect([job.format, job.lines, job.accepted, job.rejected]).toEqual(['csv', 2, 1, 1]);
    expect((await server.request('GET', `/v1/enterprises/${A}/reports/2024-03`, { token: bureau })).body.revenue).toBe('3000.00');
    const other = await server.token('bureau', { region: '44' });
    expect((await server.request('GET', `/v1/imports/${job.id}`, { token: other })).status).toBe(403);
    expect((await server.request('GET', `/v1/imports/${job.id}`, { token: await server.token('admin') })).status).toBe(200);
    const wrong = await fetch(`${server.url}/v1/imports`, { method: 'POST', headers: { authorization: `Bearer ${bureau}`, 'content-type': 'application/json' }, body: '{}' });
    expect([wrong.status, (await wrong.json()).errors.map((e: { path: string }) => e.path)]).toEqual([400, ['format']]);
  });
});
