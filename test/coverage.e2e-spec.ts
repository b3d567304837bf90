import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { formatFen, withUsccCheckCharacter } from '../libs/domain/src/index.js';
import { ServerProcess } from './support/server.js';
import { villagesUnder } from './support/villages.js';

/**
 * Issue 14 B.6: paths no test exercised before, each against figures this test computes from its
 * own input: the CLI's token, replay and restore --force; the import of every NDJSON command
 * kind; reads during a rebuild; asOf on enterprise, rental, pilot and monitoring reads; bureaus
 * asking wider regions; regionLevel and two-way groupBy; audit filters; register amendments.
 */

const COUNTIES = ['330106', '330108', '330110'];
const SEGMENTS = ['manufacturing', 'distribution'];
const enterprises = Array.from({ length: 12 }, (_, i) => ({
  uscc: withUsccCheckCharacter(`91${COUNTIES[i % 3]}MA2X${String(i).padStart(5, '0')}`),
  county: COUNTIES[i % 3],
  segment: SEGMENTS[Math.floor(i / 3) % 2],
}));
/** Revenue in fen of enterprise i in month m (1-6 of 2024). */
const revenue = (i: number, m: number) => 100_000 * (i + 1) + m * 137;

describe('paths first tested by issue 14', () => {
  let server: ServerProcess;
  let admin: string;
  let regulator: string;
  const at: Record<string, string> = {};

  beforeAll(async () => {
    server = await ServerProcess.start();
    admin = await server.token('admin');
    regulator = await server.token('regulator');
    for (const e of enterprises) {
      const r = await server.request('POST', '/v1/enterprises', {
        token: admin,
        body: { uscc: e.uscc, name: `覆盖测试${e.uscc.slice(-3)}`, regionCode: e.county, segment: e.segment, productClasses: ['12'], registeredOn: '2023-06-01' },
      });
      expect(r.status).toBe(201);
    }
    const bureau = await server.token('bureau', { region: '3301' });
    for (const [i, e] of enterprises.entries())
      for (let m = 1; m <= 6; m++) {
        const r = await server.request('PUT', `/v1/enterprises/${e.uscc}/reports/2024-0${m}`, { token: bureau, body: { revenue: formatFen(revenue(i, m)), taxPaid: '10.00', employees: 5 + i } });
        expect(r.status).toBe(201);
      }
    await server.waitForProjection();
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
  });

  const q2Revenue = (filter: (e: (typeof enterprises)[number]) => boolean) =>
    formatFen(enterprises.reduce((sum, e, i) => (filter(e) ? sum + revenue(i, 4) + revenue(i, 5) + revenue(i, 6) : sum), 0));

  it('CLI token: the printed JWT carries the role and claims asked for and the server accepts it; bad options exit 2', async () => {
    const run = await server.cli(['token', '--role', 'bureau', '--region', '3301', '--ttl', '10m']);
    expect(run.code).toBe(0);
    const token = run.stdout.trim();
    const claims = decodeJwt(token);
    expect([claims.role, claims.region, (claims.exp as number) - (claims.iat as number)]).toEqual(['bureau', '3301', 600]);
    const r = await server.request('GET', '/v1/statistics/revenue?period=2024-Q2', { token });
    expect([r.status, r.body.region, r.body.rows[0].value]).toEqual([200, '3301', q2Revenue(() => true)]);
    const missing = await server.cli(['token', '--role', 'enterprise']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('--uscc');
  });

  it('two-way groupBy (region × segment) at regionLevel=county equals the test’s own sums', async () => {
    const r = await server.request('GET', '/v1/statistics/revenue?period=2024-Q2&region=3301&groupBy=region,segment&regionLevel=county', { token: regulator });
    expect(r.status).toBe(200);
    const got = r.body.rows.map((row: { region: { code: string }; segment: string; value: string; contributors: number }) => [row.region.code, row.segment, row.value, row.contributors]);
    const want = COUNTIES.flatMap((county) =>
      SEGMENTS.map((segment) => [county, segment, q2Revenue((e) => e.county === county && e.segment === segment), enterprises.filter((e) => e.county === county && e.segment === segment).length]),
    ).filter((row) => (row[3] as number) > 0);
    expect(got.sort()).toEqual(want.sort());
    const cities = await server.request('GET', '/v1/statistics/revenue?period=2024-Q2&region=33&groupBy=region&regionLevel=city', { token: regulator });
    expect(cities.body.rows.map((row: { region: { code: string }; value: string }) => [row.region.code, row.value])).toEqual([['3301', q2Revenue(() => true)]]);
  });

  it('a bureau asking national figures or a wider region is refused; its own or a narrower one is served', async () => {
    const bureau = await server.token('bureau', { region: '3301' });
    for (const query of ['region=', 'region=33', 'region=11']) {
      const r = await server.request('GET', `/v1/statistics/revenue?period=2024&${query}`, { token: bureau });
      expect([query, r.status, r.body.code]).toEqual([query, 403, 'FORBIDDEN']);
    }
    const narrower = await server.request('GET', '/v1/statistics/revenue?period=2024-Q2&region=330108', { token: bureau });
    expect([narrower.status, narrower.body.rows[0].value]).toEqual([200, q2Revenue((e) => e.county === '330108')]);
  });

  it('amends the register (PATCH): the new segment carries the history, the name shows, asOf shows the old details', async () => {
    const target = enterprises[0];
    const before = (await server.request('GET', `/v1/enterprises/${target.uscc}`, { token: admin })).body;
    at.beforeAmendment = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));
    const r = await server.request('PATCH', `/v1/enterprises/${target.uscc}`, { token: await server.token('bureau', { region: '3301' }), body: { name: '覆盖测试更名公司', segment: 'rnd', productClasses: ['12', '18 30'] } });
    expect(r.status).toBe(200);
    const same = await server.request('PATCH', `/v1/enterprises/${target.uscc}`, { token: admin, body: { segment: 'rnd' } });
    expect([same.status, same.body.revision]).toEqual([200, r.body.revision]);
    const bad = await server.request('PATCH', `/v1/enterprises/${target.uscc}`, { token: admin, body: { segment: 'spaceflight' } });
    expect([bad.status, bad.body.errors?.[0]?.path]).toEqual([400, 'segment']);
    const own = await server.request('PATCH', `/v1/enterprises/${target.uscc}`, { token: await server.token('enterprise', { uscc: target.uscc }), body: { name: '自己改名' } });
    expect(own.status).toBe(403);
    const after = (await server.request('GET', `/v1/enterprises/${target.uscc}`, { token: admin })).body;
    expect([after.name, after.segment, after.productClasses, after.revision]).toEqual(['覆盖测试更名公司', 'rnd', ['12', '18 30'], before.revision + 1]);
    const then = (await server.request('GET', `/v1/enterprises/${target.uscc}?asOf=${at.beforeAmendment}`, { token: admin })).body;
    expect([then.name, then.segment]).toEqual([before.name, target.segment]);
    await server.waitForProjection();
    const bySegment = await server.request('GET', '/v1/statistics/revenue?period=2024-Q2&region=330106&groupBy=segment', { token: regulator });
    const rnd = bySegment.body.rows.find((row: { segment: string }) => row.segment === 'rnd');
    expect([rnd.value, rnd.contributors]).toEqual([q2Revenue((e) => e === target), 1]);
    target.segment = 'rnd';
  });

  it('imports every NDJSON command kind through the CLI, and each one took effect', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fuju-import-kinds-'));
    const [a, b] = [enterprises[1], enterprises[3]];
    const community = villagesUnder(a.county)[0];
    const lines = [
      { command: 'relocateEnterprise', uscc: a.uscc, regionCode: '330110', effectiveFrom: '2024-06' },
      { command: 'deregisterEnterprise', uscc: b.uscc, effectiveFrom: '2024-07', reason: '企业注销登记' },
      { command: 'openOutlet', outletId: 'IMP-O1', uscc: a.uscc, kind: 'rental_point', communityCode: community, name: '导入租赁点', openedOn: '2024-01-01' },
      { command: 'openOutlet', outletId: 'IMP-O2', uscc: a.uscc, kind: 'rental_point', communityCode: community, name: '导入租赁点二', openedOn: '2024-01-01' },
      { command: 'closeOutlet', outletId: 'IMP-O2', closedOn: '2024-05-31', reason: '场地到期撤点' },
      { command: 'startRental', rentalId: 'IMP-R1', outletId: 'IMP-O1', productClass: '12 22', traceCode: 'IMP-T1', beneficiary: 'disabled', startedOn: '2024-02-01', monthlyFee: '60.00', monthlySubsidy: '20.00' },
      { command: 'returnRental', rentalId: 'IMP-R1', endedOn: '2024-04-10', disinfectedOn: '2024-04-11' },
      { command: 'designatePilot', regionCode: '330108', name: '浙江省杭州市滨江区', batch: 2, startYear: 2021, endYear: 2023, targets: [{ indicator: 'revenue', year: 2023, value: '1000000.00', source: '测试：营收目标' }] },
      { command: 'reportPilotInvestment', regionCode: '330108', year: 2022, amount: '500000.00', source: '测试：2022年决算' },
    ];
    const file = join(dir, 'kinds.ndjson');
    writeFileSync(file, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
    const run = await server.cli(['import', file, '--actor', 'import:coverage']);
    expect([run.code, run.stdout]).toEqual([0, expect.stringContaining('lines 9: 9 accepted, 0 unchanged, 0 rejected')]);
    const again = await server.cli(['import', file, '--actor', 'import:coverage']);
    expect(again.stdout).toContain('lines 9: 0 accepted, 9 unchanged, 0 rejected');
    await server.waitForProjection();

    const enterpriseA = (await server.request('GET', `/v1/enterprises/${a.uscc}`, { token: admin })).body;
    expect(enterpriseA.regionCode).toBe('330110');
    expect((await server.request('GET', `/v1/enterprises/${b.uscc}`, { token: admin })).body.status).toBe('deregistered');
    expect((await server.request('GET', '/v1/outlets/IMP-O2', { token: admin })).body.closedOn).toBe('2024-05-31');
    const rental = (await server.request('GET', '/v1/rentals/IMP-R1', { token: admin })).body;
    expect([rental.status, rental.endedOn, rental.disinfectedOn]).toEqual(['ended', '2024-04-10', '2024-04-11']);
    const pilot = (await server.request('GET', '/v1/pilots/330108', { token: admin })).body;
    expect([pilot.targets.length, pilot.investments]).toEqual([1, [{ year: 2022, amount: '500000.00', source: '测试：2022年决算' }]]);
    // The relocation counts June in the new county: its revenue moved there.
    const june = await server.request('GET', '/v1/statistics/revenue?period=2024-06&region=330110', { token: regulator });
    const juneWant = enterprises.reduce((sum, e, i) => (e.county === '330110' || e === a ? sum + revenue(i, 6) : sum), 0);
    const may = await server.request('GET', '/v1/statistics/revenue?period=2024-05&region=330110', { token: regulator });
    expect(may.body.rows[0].value).toBe(formatFen(enterprises.reduce((sum, e, i) => (e.county === '330110' ? sum + revenue(i, 5) : sum), 0)));
    expect(june.body.rows[0].value).toBe(formatFen(juneWant));
    // Rentals: subsidy 20.00 × Feb, Mar, Apr = 60.00; outlets active at the end of May: one (O2 closed on the 31st).
    const subsidy = await server.request('GET', `/v1/statistics/rental-subsidy?period=2024&region=${a.county}`, { token: regulator });
    expect(subsidy.body.rows[0].value).toBe('60.00');
    const outlets = await server.request('GET', `/v1/statistics/outlets-active?period=2024-05&region=${a.county}`, { token: regulator });
    expect(outlets.body.rows[0].value).toBe(1);
    const events = await server.request('GET', '/v1/audit/events?actor=import:coverage&limit=50', { token: regulator });
    // The import decides lines concurrently per stream: the events, in any order.
    expect(events.body.events.map((e: { type: string }) => e.type).sort()).toEqual([
      'EnterpriseRelocated',
      'EnterpriseDeregistered',
      'OutletOpened',
      'OutletOpened',
      'OutletClosed',
      'DeviceRentedOut',
      'RentalStarted',
      'RentalEnded',
      'PilotDesignated',
      'PilotTargetsCommitted',
      'PilotInvestmentReported',
    ].sort());
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers asOf on enterprise, rental, pilot and monitoring reads as things stood then', async () => {
    const a = enterprises[1];
    const events = (await server.request('GET', '/v1/audit/events?actor=import:coverage&limit=50', { token: regulator })).body.events as { type: string; recordedAt: string; streamId: string }[];
    const before = (type: string) => new Date(Date.parse(events.find((e) => e.type === type)!.recordedAt) - 1).toISOString();
    const enterpriseThen = (await server.request('GET', `/v1/enterprises/${a.uscc}?asOf=${before('EnterpriseRelocated')}`, { token: admin })).body;
    expect(enterpriseThen.regionCode).toBe(a.county);
    const rentalThen = (await server.request('GET', `/v1/rentals/IMP-R1?asOf=${before('RentalEnded')}`, { token: admin })).body;
    expect([rentalThen.status, rentalThen.endedOn]).toEqual(['active', null]);
    expect((await server.request('GET', `/v1/rentals/IMP-R1?asOf=${before('RentalStarted')}`, { token: admin })).status).toBe(404);
    const pilotThen = (await server.request('GET', `/v1/pilots/330108?asOf=${before('PilotInvestmentReported')}`, { token: admin })).body;
    expect(pilotThen.investments).toEqual([]);
    expect((await server.request('GET', `/v1/pilots/330108?asOf=${before('PilotDesignated')}`, { token: admin })).status).toBe(404);
    // Monitoring: the deregistration (from 2024-07) made b no longer due for July.
    const b = enterprises[3];
    const july = await server.request('GET', `/v1/monitoring/filing-compliance?period=2024-07&region=${b.county}`, { token: regulator });
    const julyThen = await server.request('GET', `/v1/monitoring/filing-compliance?period=2024-07&region=${b.county}&asOf=${before('EnterpriseDeregistered')}`, { token: regulator });
    const dueThere = enterprises.filter((e) => e.county === b.county).length;
    expect([july.body.summary.due, julyThen.body.summary.due]).toEqual([dueThere - 1, dueThere]);
    expect(julyThen.body.missing.map((m: { uscc: string }) => m.uscc)).toContain(b.uscc);
  });

  it('filters the audit trail by stream, type, actor and time window', async () => {
    const a = enterprises[6];
    const stream = `enterprise-${a.uscc}`;
    const all = (await server.request('GET', `/v1/audit/events?streamId=${stream}&limit=100`, { token: regulator })).body.events as { type: string; streamId: string; recordedAt: string; metadata: { actor: string } }[];
    expect(all.map((e) => e.type)).toEqual(['EnterpriseRegistered', ...Array(6).fill('MonthlyReportFiled')]);
    expect(new Set(all.map((e) => e.streamId))).toEqual(new Set([stream]));
    const filed = (await server.request('GET', `/v1/audit/events?streamId=${stream}&type=MonthlyReportFiled&limit=100`, { token: regulator })).body.events;
    expect(filed).toHaveLength(6);
    const byActor = (await server.request('GET', `/v1/audit/events?streamId=${stream}&actor=admin&limit=100`, { token: regulator })).body.events;
    expect(byActor.map((e: { type: string }) => e.type)).toEqual(['EnterpriseRegistered']);
    const [from, to] = [all[2].recordedAt, all[4].recordedAt];
    const window = (await server.request('GET', `/v1/audit/events?streamId=${stream}&from=${from}&to=${to}&limit=100`, { token: regulator })).body.events;
    expect(window.map((e: { recordedAt: string }) => e.recordedAt)).toEqual(all.filter((e) => e.recordedAt >= from && e.recordedAt <= to).map((e) => e.recordedAt));
    const bad = await server.request('GET', '/v1/audit/events?from=yesterday', { token: regulator });
    expect([bad.status, bad.body.errors?.[0]?.path]).toEqual([400, 'from']);
  });

  it('keeps answering exact figures while the read model is rebuilt (replay through the CLI, and reads beside it)', async () => {
    const want = q2Revenue(() => true);
    let rebuilding = true;
    const answers: string[] = [];
    const reader = (async () => {
      while (rebuilding) {
        const r = await server.request('GET', '/v1/statistics/revenue?period=2024-Q2&region=3301', { token: regulator });
        answers.push(r.status === 200 ? r.body.rows[0].value : `${r.status}`);
      }
    })();
    const replay = await server.cli(['replay', '--url', server.url]);
    rebuilding = false;
    await reader;
    expect([replay.code, replay.stdout]).toEqual([0, expect.stringMatching(/rebuilt the read model from \d+ events and swapped it in/)]);
    expect(answers.length).toBeGreaterThan(3);
    expect([...new Set(answers)]).toEqual([want]);
  });
});

describe('restore --force over an existing store', () => {
  it('replaces a store that moved on since the backup; the next start serves the backup’s figures', async () => {
    const server = await ServerProcess.start();
    const admin = await server.token('admin');
    const uscc = withUsccCheckCharacter('91330106MA2X90001');
    try {
      expect((await server.request('POST', '/v1/enterprises', { token: admin, body: { uscc, name: '恢复测试', regionCode: '330106', segment: 'other', productClasses: [], registeredOn: '2023-01-01' } })).status).toBe(201);
      const bureau = await server.token('bureau', { region: '33' });
      const put = (period: string, value: string, reason?: string) =>
        server.request('PUT', `/v1/enterprises/${uscc}/reports/${period}`, { token: bureau, body: { revenue: value, taxPaid: '1.00', employees: 2, ...(reason ? { reason } : {}) } });
      expect((await put('2024-01', '100.00')).status).toBe(201);
      const dir = mkdtempSync(join(tmpdir(), 'fuju-restore-force-'));
      expect((await server.cli(['backup', dir])).code).toBe(0);
      expect((await put('2024-02', '50.00')).status).toBe(201);
      expect((await put('2024-01', '300.00', '补录漏记的销售收入')).status).toBe(200);
      await server.stop();
      const restored = await server.cli(['restore', dir, '--force']);
      expect([restored.code, restored.stdout]).toEqual([0, 'restored 2 events (up to position 2), counts and checksum verified; start the server to rebuild the read model from the log\n']);
      await server.boot();
      await server.waitForProjection();
      const r = await server.request('GET', '/v1/statistics/revenue?period=2024&region=330106', { token: await server.token('regulator') });
      expect(r.body.rows[0].value).toBe('100.00');
      expect((await server.request('GET', '/health')).body.eventStore.head).toBe(2);
      rmSync(dir, { recursive: true, force: true });
    } finally {
      await server.stop();
    }
  }, 120_000);
});

describe('health with ClickHouse down', () => {
  it('answers 503 naming the component, and the event store as up', async () => {
    const server = await ServerProcess.start({ env: { CLICKHOUSE_URL: 'http://127.0.0.1:1' }, expectHealthy: false });
    try {
      const r = await server.request('GET', '/health');
      expect([r.status, r.body.status, r.body.clickhouse.status, r.body.eventStore.status]).toEqual([503, 'unavailable', 'down', 'up']);
      expect(r.body.clickhouse.error).toMatch(/ECONNREFUSED|connect/);
    } finally {
      await server.stop();
    }
  }, 120_000);
});

describe('DISCLOSURE_* settings', () => {
  it('publishes a 2-contributor cell when DISCLOSURE_MIN_CONTRIBUTORS=2 (suppressed under the default 3)', async () => {
    const server = await ServerProcess.start({ env: { DISCLOSURE_MIN_CONTRIBUTORS: '2', DISCLOSURE_DOMINANCE_SHARE: '0.95' } });
    try {
      const admin = await server.token('admin');
      const plan = { '330106': [500_000, 400_000], '330108': [300_000, 300_000, 300_000], '330110': [900_000, 50_000, 50_000] };
      let n = 0;
      for (const [county, revenues] of Object.entries(plan))
        for (const value of revenues) {
          const uscc = withUsccCheckCharacter(`91${county}MA2X8${String(n++).padStart(4, '0')}`);
          expect((await server.request('POST', '/v1/enterprises', { token: admin, body: { uscc, name: `披露${n}`, regionCode: county, segment: 'other', productClasses: [], registeredOn: '2023-01-01' } })).status).toBe(201);
          expect((await server.request('PUT', `/v1/enterprises/${uscc}/reports/2024-03`, { token: await server.token('bureau', { region: '33' }), body: { revenue: formatFen(value), taxPaid: '1.00', employees: 3 } })).status).toBe(201);
        }
      await server.waitForProjection();
      const draft = await server.request('POST', '/v1/releases', { token: admin, body: { title: '披露参数', period: '2024-03', region: '3301', tables: [{ indicator: 'revenue', groupBy: 'region', regionLevel: 'county' }] } });
      expect(draft.body.disclosure).toEqual({ minContributors: 2, dominanceShare: 0.95, protection: 0.15 });
      const published = await server.request('POST', `/v1/releases/${draft.body.releaseId}/publication`, { token: admin });
      const cell = (county: string) => published.body.cells.find((c: { total: boolean; key: { region?: string } }) => !c.total && c.key.region === county);
      // 330106: 2 contributors, largest 55.6% → published under FREQ(2); 330110: largest 90% < 95% → published too.
      expect([cell('330106').value, cell('330108').value, cell('330110').value]).toEqual(['9000.00', '9000.00', '10000.00']);
    } finally {
      await server.stop();
    }
  }, 120_000);
});
