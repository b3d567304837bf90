import { formatFen, withUsccCheckCharacter } from '../libs/domain/src/index.js';
import { pilotRegions } from '../libs/reference/src/index.js';
import { ServerProcess } from './support/server.js';
import { villagesUnder } from './support/villages.js';

/** Issue 4: pilot reference data through the CLI and API, progress against targets, filing compliance. */
describe('pilot regions and their progress', () => {
  let server: ServerProcess;
  let admin: string;
  let regulator: string;
  const instants: Record<string, string> = {};
  const latest = (results: { body: { recordedAt: string } }[]) => results.map((r) => r.body.recordedAt).sort().at(-1)!;

  const HS = ['131102', '131102', '131121'].map((county, i) => ({ uscc: withUsccCheckCharacter(`91${county}MA0P0000${i}`.slice(0, 17)), county }));
  const MONTHLY = [
    { revenue: 100000, tax: 1000, employees: 10 },
    { revenue: 200000, tax: 2000, employees: 20 },
    { revenue: 50050, tax: 500, employees: 5 },
  ];
  const communities = villagesUnder('1311').slice(0, 5);
  const amended = [
    { indicator: 'revenue', year: 2023, value: '60000.00', source: '测试：主营业务收入目标' },
    { indicator: 'tax', year: 2023, value: '1000.00', source: '测试：税收目标' },
    { indicator: 'employment', year: 2023, value: 60, source: '测试：就业目标' },
    { indicator: 'enterprises', year: 2023, value: 3, source: '测试：企业数目标' },
    { indicator: 'community-coverage', year: 2023, value: 0.5, source: '测试：社区覆盖率目标' },
    { indicator: 'outlets-active', year: 2023, value: 4, kind: 'rental_point', source: '测试：租赁服务点目标' },
    { indicator: 'beneficiaries', year: 2023, value: 100, source: '测试：受益人数目标' },
    { indicator: 'investment', year: 2021, value: '100.00', source: '测试：2021年投入' },
    { indicator: 'investment', year: 2023, value: '300.00', source: '测试：2023年投入' },
  ];

  beforeAll(async () => {
    server = await ServerProcess.start();
    admin = await server.token('admin');
    regulator = await server.token('regulator');
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('loads every pilot region of the commitment letters and Jiaxing through the CLI, beside the running server', async () => {
    const run = await server.cli(['pilots', 'load']);
    expect([run.code, run.stdout.trim()]).toEqual([0, 'pilots: 23 designated, 0 amended, 0 unchanged']);
    const again = await server.cli(['pilots', 'load']);
    expect(again.stdout.trim()).toBe('pilots: 0 designated, 0 amended, 23 unchanged');
    await server.waitForProjection();
    const list = await server.request('GET', '/v1/pilots', { token: regulator });
    expect(list.body.map((p: { name: string; regionCode: string; batch: number }) => [p.name, p.regionCode, p.batch])).toEqual(
      pilotRegions().map((p) => [p.name, p.regionCode, p.batch]),
    );
    expect(list.body).toHaveLength(23);
    const hengshui = list.body.find((p: { regionCode: string }) => p.regionCode === '1311');
    expect(hengshui.targets).toEqual(
      expect.arrayContaining([
        { indicator: 'revenue', year: 2023, value: '11000000000.00', source: '全市康复辅助器具产业主营业务收入达到110亿元' },
        { indicator: 'community-coverage', year: 2023, value: 0.7, source: '培育2家全链条服务社区租赁企业，服务覆盖全市70%以上社区' },
      ]),
    );
    const batch1 = await server.request('GET', '/v1/pilots?batch=1', { token: await server.token('bureau', { region: '33' }) });
    expect(batch1.body.map((p: { regionCode: string }) => p.regionCode)).toEqual(['3304']);
  });

  it('tracks targets against actuals with the linear-pace statuses, as of chosen instants', async () => {
    const restated = await server.request('POST', '/v1/pilots', {
      token: admin,
      body: { regionCode: '1311', name: '河北省衡水市', batch: 2, startYear: 2021, endYear: 2023, targets: amended, reason: '测试用目标' },
    });
    expect(restated.status).toBe(200);
    instants.amended = restated.body.recordedAt;

    for (const e of HS) {
      const r = await server.request('POST', '/v1/enterprises', {
        token: admin,
        body: { uscc: e.uscc, name: `衡水辅具${e.uscc.slice(-3)}`, regionCode: e.county, segment: 'manufacturing', productClasses: ['12'], registeredOn: '2020-01-01' },
      });
      expect(r.status).toBe(201);
    }
    const fileYear = async (year: number) => {
      const results = [];
      for (const [i, e] of HS.entries())
        for (let m = 1; m <= 12; m++) {
          const f = MONTHLY[i];
          const r = await server.request('PUT', `/v1/enterprises/${e.uscc}/reports/${year}-${String(m).padStart(2, '0')}`, {
            token: admin === '' ? '' : await server.token('bureau', { region: '1311' }),
            body: { revenue: formatFen(f.revenue), taxPaid: formatFen(f.tax), employees: f.employees },
          });
          expect(r.status).toBe(201);
          results.push(r);
        }
      return results;
    };
    const company = HS[0];
    const companyToken = await server.token('enterprise', { uscc: company.uscc });
    const open = async (n: number, openedOn: string) => {
      const r = await server.request('POST', '/v1/outlets', {
        token: companyToken,
        body: { outletId: `HS-${n}`, uscc: company.uscc, kind: 'rental_point', communityCode: communities[n], name: `衡水租赁点${n}`, openedOn },
      });
      expect(r.status).toBe(201);
      return r;
    };
    const y2021 = [...(await fileYear(2021)), await open(0, '2021-03-01'), await open(1, '2021-06-01')];
    instants.t2021 = latest(y2021);
    await new Promise((r) => setTimeout(r, 10));
    const y2022 = [...(await fileYear(2022)), await open(2, '2022-02-01'), await open(3, '2022-05-01'), await open(4, '2022-09-01')];
    instants.t2022 = latest(y2022);
    await new Promise((r) => setTimeout(r, 10));
    const invested = await server.request('POST', '/v1/pilots/1311/investments', { token: admin, body: { year: 2021, amount: '100.00', source: '测试：2021年决算' } });
    expect(invested.status).toBe(201);
    await fileYear(2023);
    await server.waitForProjection();

    const denominator = villagesUnder('1311').length;
    const yearly = (key: 'revenue' | 'tax') => MONTHLY.reduce((s, m) => s + m[key] * 12, 0);
    /** The rules of the issue, applied by the test to its own figures. */
    const thisYear = Number(new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 4));
    const status = (achievement: number | null, pace: number, yearOver: boolean) =>
      achievement === null ? 'no_data' : achievement >= 1 ? 'achieved' : yearOver ? 'behind' : achievement >= pace ? 'on_track' : achievement >= 0.8 * pace ? 'at_risk' : 'behind';
    const round = (x: number) => Math.round(x * 1e6) / 1e6;
    const expectedItems = (year: number, outlets: number, investment2021: string | null) => {
      const pace = round((year - 2021 + 1) / 3);
      const actuals: Record<string, string | number | null> = {
        revenue: formatFen(yearly('revenue')),
        tax: formatFen(yearly('tax')),
        employment: 35,
        enterprises: 3,
        'community-coverage': outlets / denominator,
        'outlets-active': outlets,
        beneficiaries: null,
      };
      return amended.map((t) => {
        const isInvestment = t.indicator === 'investment';
        const actual = isInvestment ? (t.year === 2021 ? investment2021 : null) : actuals[t.indicator];
        const target = typeof t.value === 'string' ? Number(t.value) : t.value;
        const achievement = actual === null ? null : round(Number(actual) / target);
        const itemPace = isInvestment ? 1 : pace;
        return {
          indicator: t.indicator,
          year: t.year,
          ...(t.kind ? { kind: t.kind } : {}),
          target: t.value,
          actual,
          achievement,
          status: status(achievement, itemPace, (isInvestment ? t.year : year) === t.year && thisYear > t.year),
          evaluatedYear: isInvestment ? t.year : year,
          expectedPace: itemPace,
          source: t.source,
        };
      });
    };
    const progress = async (query: string) => (await server.request('GET', `/v1/pilots/1311/progress?${query}`, { token: regulator })).body;

    const in2021 = await progress(`year=2021&asOf=${instants.t2021}`);
    expect(in2021).toEqual(expectedItems(2021, 2, null));
    const in2022 = await progress(`year=2022&asOf=${instants.t2022}`);
    expect(in2022).toEqual(expectedItems(2022, 5, null));
    expect(in2022.map((i: { indicator: string; status: string }) => `${i.indicator}:${i.status}`)).toEqual([
      'revenue:on_track',
      'tax:behind',
      'employment:at_risk',
      'enterprises:achieved',
      'community-coverage:behind',
      'outlets-active:achieved',
      'beneficiaries:no_data',
      'investment:no_data',
      'investment:no_data',
    ]);
    const now = await progress('year=2023');
    expect(now).toEqual(expectedItems(2023, 5, '100.00'));

    // Before the targets were restated, the letter's own targets applied.
    const before = await progress(`year=2021&asOf=${new Date(Date.parse(instants.amended) - 1).toISOString()}`);
    expect(before.find((i: { indicator: string }) => i.indicator === 'revenue').target).toBe('11000000000.00');
    const foreign = await server.request('GET', '/v1/pilots/1311/progress', { token: await server.token('bureau', { region: '33' }) });
    expect(foreign.status).toBe(403);
  });

  it('judges a target whose year is over as achieved or behind only (issue 14 A.4)', async () => {
    // 2021's investment at 85% of its target, the year long over: behind, not at risk.
    const restated = await server.request('POST', '/v1/pilots/1311/investments', {
      token: admin,
      body: { year: 2021, amount: '85.00', source: '测试：2021年决算（调整）', reason: '审计调减不合规支出' },
    });
    expect(restated.status).toBe(201);
    const items = (await server.request('GET', '/v1/pilots/1311/progress?year=2023', { token: regulator })).body;
    expect(items.filter((i: { indicator: string }) => i.indicator === 'investment').map((i: { year: number; achievement: number; status: string }) => [i.year, i.achievement, i.status])).toEqual([
      [2021, 0.85, 'behind'],
      [2023, null, 'no_data'],
    ]);
    // Every 2023 target is final now: no on_track or at_risk among them.
    expect(items.filter((i: { status: string }) => i.status === 'on_track' || i.status === 'at_risk')).toEqual([]);
  });

  it('restates targets and investments only with a reason, keeps their history, and answers progress as of before (issue 14 A.5)', async () => {
    const changed = amended.map((t) => (t.indicator === 'tax' ? { ...t, value: '900.00' } : t));
    const body = { regionCode: '1311', name: '河北省衡水市', batch: 2, startYear: 2021, endYear: 2023, targets: changed };
    const silent = await server.request('POST', '/v1/pilots', { token: admin, body });
    expect([silent.status, silent.body.code, silent.body.errors?.[0]?.path]).toEqual([400, 'VALIDATION_FAILED', 'reason']);
    const placeholder = await server.request('POST', '/v1/pilots', { token: admin, body: { ...body, reason: 'x' } });
    expect([placeholder.status, placeholder.body.errors?.[0]?.path]).toEqual([400, 'reason']);
    const restated = await server.request('POST', '/v1/pilots', { token: admin, body: { ...body, reason: '税收目标按新口径下调' } });
    expect(restated.status).toBe(200);
    const again = await server.request('POST', '/v1/pilots/1311/investments', { token: admin, body: { year: 2021, amount: '90.00', source: '测试：2021年决算' } });
    expect([again.status, again.body.errors?.[0]?.path]).toEqual([400, 'reason']);

    const pilot = await server.request('GET', '/v1/pilots/1311', { token: regulator });
    expect(pilot.status).toBe(200);
    const history = pilot.body.history.map((h: { type: string; reason?: string; investment?: { year: number; amount: string }; targets?: { indicator: string; value: unknown }[] }) => [
      h.type,
      h.reason ?? null,
      h.investment ? `${h.investment.year}:${h.investment.amount}` : (h.targets?.find((t) => t.indicator === 'tax')?.value ?? null),
    ]);
    expect(history).toEqual([
      ['PilotDesignated', null, null],
      ['PilotTargetsCommitted', null, '260000000.00'],
      ['PilotTargetsAmended', '测试用目标', '1000.00'],
      ['PilotInvestmentReported', null, '2021:100.00'],
      ['PilotInvestmentReported', '审计调减不合规支出', '2021:85.00'],
      ['PilotTargetsAmended', '税收目标按新口径下调', '900.00'],
    ]);
    expect(pilot.body.investments).toEqual([{ year: 2021, amount: '85.00', source: '测试：2021年决算（调整）' }]);
    // As of the instant before the restatements, the first figures apply.
    const before = new Date(Date.parse(pilot.body.history[4].recordedAt) - 1).toISOString();
    const then = (await server.request('GET', `/v1/pilots/1311/progress?year=2023&asOf=${before}`, { token: regulator })).body;
    expect(then.find((i: { indicator: string; year: number }) => i.indicator === 'investment' && i.year === 2021).actual).toBe('100.00');
    expect(then.find((i: { indicator: string }) => i.indicator === 'tax').target).toBe('1000.00');
    const atThen = await server.request('GET', `/v1/pilots/1311?asOf=${before}`, { token: regulator });
    expect(atThen.body.history).toHaveLength(4);
    // The reference letter's quantified commitments this system cannot measure are listed with their reasons.
    expect(pilot.body.reference.unmeasured).toEqual(pilotRegions().find((p) => p.regionCode === '1311')!.unmeasured);
    expect(pilot.body.reference.unmeasured.map((u: { source: string }) => u.source)).toContain('培养高层次专业技术人才500名');
  });

  it('measures 新增就业 as employment in the year less employment in the year before the pilot (issue 14 A.16)', async () => {
    // 131102 holds HS[0] (10 employees) and HS[1] (20) in 2021-2023; HS[0] corrects its December 2023 headcount to 12.
    const f = MONTHLY[0];
    const corrected = await server.request('PUT', `/v1/enterprises/${HS[0].uscc}/reports/2023-12`, {
      token: await server.token('bureau', { region: '1311' }),
      body: { revenue: formatFen(f.revenue), taxPaid: formatFen(f.tax), employees: 12, reason: '年末新招两名员工' },
    });
    expect(corrected.status).toBe(200);
    await server.waitForProjection();
    const body = { regionCode: '131102', name: '河北省衡水市桃城区', batch: 2, startYear: 2022, endYear: 2023, targets: [{ indicator: 'employment-added', year: 2023, value: 10, source: '测试：新增就业10人' }] };
    expect((await server.request('POST', '/v1/pilots', { token: admin, body })).status).toBe(201);
    const [item] = (await server.request('GET', '/v1/pilots/131102/progress?year=2023', { token: regulator })).body;
    const employment = (i: number) => MONTHLY[i].employees;
    // Employment is each enterprise's latest month in the year: 2023 = 12 + 20, the year before the pilot (2021) = 10 + 20.
    const added = 12 + employment(1) - (employment(0) + employment(1));
    expect([item.actual, item.achievement, item.status]).toEqual([added, added / 10, 'behind']);
    expect(added).toBe(2);
    // Without filings in the year before the pilot (2020 for 1311), there is nothing to compare with.
    const hengshui = { regionCode: '131121', name: '河北省衡水市枣强县', batch: 2, startYear: 2021, endYear: 2023, targets: [{ indicator: 'employment-added', year: 2023, value: 10, source: '测试：新增就业10人' }] };
    expect((await server.request('POST', '/v1/pilots', { token: admin, body: hengshui })).status).toBe(201);
    const [none] = (await server.request('GET', '/v1/pilots/131121/progress?year=2023', { token: regulator })).body;
    expect([none.actual, none.status]).toEqual([null, 'no_data']);
  });
});
