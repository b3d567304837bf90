import { formatFen, parseYuan } from '../libs/domain/src/index.js';
import { DEMO_REGIONS, demoCommands } from '../libs/platform/src/index.js';
import { villagesUnder } from './support/villages.js';
import { ServerProcess } from './support/server.js';

/** Acceptance 1: a first start loads the demo data set; its figures are served; a second start reuses the data. */
describe('first start with the demo data set', () => {
  let server: ServerProcess;

  afterAll(async () => {
    await server?.stop();
  });

  /** 2023 revenue per province prefix, from the demo's own command list (last value filed per report). */
  function expected2023(prefix: string): { value: string; contributors: number; response: Record<string, number | null> } {
    const latest = new Map<string, { uscc: string; fen: number }>();
    const regionOf = new Map<string, string>();
    for (const { command } of demoCommands()) {
      if (command.type === 'RegisterEnterprise') regionOf.set(command.data.uscc, command.data.regionCode);
      if (command.type === 'FileMonthlyReport' && command.data.period.startsWith('2023-')) {
        const parsed = parseYuan(command.data.revenue) as { fen: number };
        latest.set(`${command.data.uscc}|${command.data.period}`, { uscc: command.data.uscc, fen: parsed.fen });
      }
    }
    const inRegion = [...latest.values()].filter((r) => regionOf.get(r.uscc)!.startsWith(prefix));
    const contributors = new Set(inRegion.map((r) => r.uscc)).size;
    // Every demo enterprise files each month of 2023 (no 2022 to weigh by): complete response.
    const response = { expected: contributors, filed: contributors, rate: 1, weightedRate: null, reportsExpected: inRegion.length, reportsFiled: inRegion.length };
    return { value: formatFen(inRegion.reduce((s, r) => s + BigInt(r.fen), 0n)), contributors, response };
  }

  it('serves the demo figures for revenue 2023 to a regulator and to a bureau', async () => {
    server = await ServerProcess.start({ env: { DEMO: 'on', LOG_LEVEL: 'log' } });
    await server.waitForProjection();
    expect(server.log).toMatch(/demo data loaded in [\d.]+ s: 150 enterprises, 5400 monthly reports, \d+ corrections, \d+ outlets, \d+ rentals/);
    const national = await server.request('GET', '/v1/statistics/revenue?period=2023', { token: await server.token('regulator') });
    expect(national.status).toBe(200);
    expect(national.body.rows).toEqual([{ ...expected2023(''), yoy: null }]);
    const hebei = await server.request('GET', '/v1/statistics/revenue?period=2023&region=13', { token: await server.token('bureau', { region: '13' }) });
    expect(hebei.body.rows).toEqual([{ ...expected2023('13'), yoy: null }]);
    expect(expected2023('13').contributors).toBe(25);
  }, 240_000);

  it('shows community coverage between 10% and 80% in every demo pilot region, with real denominators', async () => {
    const regulator = await server.token('regulator');
    for (const region of DEMO_REGIONS) {
      const r = await server.request('GET', `/v1/statistics/community-coverage?period=2025&region=${region.prefix}`, { token: regulator });
      const [row] = r.body.rows;
      // The numerator from the demo's own commands: communities with a rental point open on 2025-12-31.
      const open = new Map<string, { community: string; kind: string; openedOn: string; closedOn?: string }>();
      for (const { command } of demoCommands()) {
        if (command.type === 'OpenOutlet') open.set(command.data.outletId, { community: command.data.communityCode, kind: command.data.kind, openedOn: command.data.openedOn });
        if (command.type === 'CloseOutlet') open.get(command.data.outletId)!.closedOn = command.data.closedOn;
      }
      const covered = new Set(
        [...open.values()].filter((o) => o.kind === 'rental_point' && o.community.startsWith(region.prefix) && o.openedOn <= '2025-12-31' && !(o.closedOn && o.closedOn <= '2025-12-31')).map((o) => o.community),
      );
      expect([row.numerator, row.denominator]).toEqual([covered.size, villagesUnder(region.prefix).length]);
      expect(row.value).toBe(covered.size / villagesUnder(region.prefix).length);
      expect(row.value).toBeGreaterThanOrEqual(0.1);
      expect(row.value).toBeLessThanOrEqual(0.8);
    }
    const rentals = await server.request('GET', '/v1/statistics/rentals-started?from=2023&to=2025&granularity=year', { token: regulator });
    const started = demoCommands().filter((c) => c.command.type === 'StartRental');
    expect(rentals.body.rows.map((r: { value: number }) => r.value)).toEqual(
      ['2023', '2024', '2025'].map((y) => started.filter((c) => c.command.type === 'StartRental' && c.command.data.startedOn.startsWith(y)).length),
    );
  });

  it('reuses the data on a second start instead of loading it again', async () => {
    const head = (await server.request('GET', '/health')).body.eventStore.head;
    await server.stop();
    await server.boot();
    expect(server.log).not.toMatch(/loading the demo data set/);
    expect((await server.request('GET', '/health')).body.eventStore.head).toBe(head);
  });
});
