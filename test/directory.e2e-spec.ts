import { withUsccCheckCharacter } from '../libs/domain/src/index.js';
import { inParallel, ServerProcess } from './support/server.js';
import { villagesUnder } from './support/villages.js';

/**
 * Issue 21, point 4 over HTTP: the enterprise directory (search in Chinese, by USCC prefix, filters),
 * paged by a stable order with every page read at the first page's log position — so pages neither
 * skip nor repeat while enterprises keep being registered — and the outlet and rental lists with
 * their filters, each caller seeing what it may. Expected lists are the test's own from what it sent.
 */
const uscc = (n: number) => withUsccCheckCharacter(`91330106MA3D${String(n).padStart(5, '0')}`.slice(0, 17));
interface Firm {
  uscc: string;
  name: string;
  regionCode: string;
  segment: 'manufacturing' | 'distribution' | 'rental_service';
  deregistered?: boolean;
}
const firms: Firm[] = Array.from({ length: 23 }, (_, i) => ({
  uscc: uscc(i + 1),
  name: i % 3 === 0 ? `宁波助行器${i}号贸易有限公司` : `杭州康复辅具${i}号科技有限公司`,
  regionCode: i % 2 ? '330106' : '330108',
  segment: i % 3 === 0 ? 'distribution' : i % 5 === 0 ? 'rental_service' : 'manufacturing',
  deregistered: i === 4 || i === 7,
}));

describe('the enterprise directory and the outlet and rental lists (issue 21, point 4)', () => {
  let server: ServerProcess;
  let regulator = '';
  let admin = '';
  const list = async (path: string, token = regulator) => {
    const r = await server.request('GET', path, { token });
    expect([path, r.status, r.body.errors]).toEqual([path, 200, undefined]);
    return r.body;
  };
  /** Every page of a listing, following `next`; `between` runs after the first page. */
  const allPages = async (first: string, between: () => Promise<void> = async () => {}) => {
    const pages = [await list(first)];
    await between();
    while (pages[pages.length - 1].next) pages.push(await list(pages[pages.length - 1].next));
    return pages;
  };

  beforeAll(async () => {
    server = await ServerProcess.start();
    admin = await server.token('admin');
    regulator = await server.token('regulator');
    await inParallel(firms, 4, async (f) => {
      const r = await server.request('POST', '/v1/enterprises', { token: admin, body: { uscc: f.uscc, name: f.name, regionCode: f.regionCode, segment: f.segment, productClasses: ['12 22'], registeredOn: '2024-01-01' } });
      expect(r.status).toBe(201);
    });
    for (const f of firms.filter((x) => x.deregistered))
      expect((await server.request('POST', `/v1/enterprises/${f.uscc}/deregistrations`, { token: admin, body: { effectiveFrom: '2025-01', reason: '企业已注销，停止经营' } })).status).toBe(201);
    await server.waitForProjection();
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
  });

  it('finds enterprises by part of a Chinese name, pages without gaps or repeats while others register', async () => {
    const expected = firms.filter((f) => f.name.includes('康复辅具')).map((f) => f.uscc).sort();
    expect(expected.length).toBeGreaterThan(10);
    let n = 100;
    const pages = await allPages(`/v1/enterprises?q=${encodeURIComponent('康复辅具')}&pageSize=4`, async () => {
      // Registered after the first page, matching the search: not part of this listing.
      for (let k = 0; k < 3; k++) {
        const r = await server.request('POST', '/v1/enterprises', { token: admin, body: { uscc: uscc(n++), name: `杭州康复辅具新${k}号有限公司`, regionCode: '330106', segment: 'manufacturing', productClasses: [], registeredOn: '2024-01-01' } });
        expect(r.status).toBe(201);
      }
      await server.waitForProjection();
    });
    const seen = pages.flatMap((p) => p.items.map((i: { uscc: string }) => i.uscc));
    expect(seen).toEqual(expected); // in USCC order, each once, none missing
    expect(pages.map((p) => [p.page, p.items.length, p.total])).toEqual(
      Array.from({ length: Math.ceil(expected.length / 4) }, (_, i) => [i + 1, Math.min(4, expected.length - i * 4), expected.length]),
    );
    expect(new Set(pages.map((p) => p.cutoff.position)).size).toBe(1);
    // A new listing sees the three registered since.
    expect((await list(`/v1/enterprises?q=${encodeURIComponent('康复辅具')}&pageSize=4`)).total).toBe(expected.length + 3);
    const one = pages[0].items[0];
    const firm = firms.find((f) => f.uscc === one.uscc)!;
    expect(one).toEqual({
      uscc: firm.uscc,
      name: firm.name,
      regionCode: firm.regionCode,
      regionName: firm.regionCode === '330106' ? '西湖区' : '滨江区',
      segment: firm.segment,
      registeredOn: '2024-01-01',
      status: firm.deregistered ? 'deregistered' : 'active',
      deregisteredFrom: firm.deregistered ? '2025-01' : null,
      deregistrationKind: firm.deregistered ? 'other' : null,
    });
  });

  it('filters by USCC prefix, region, segment and status', async () => {
    const uscSearch = await list(`/v1/enterprises?q=${firms[0].uscc.slice(0, 16)}&pageSize=500`);
    expect(uscSearch.items.map((i: { uscc: string }) => i.uscc)).toEqual(firms.filter((f) => f.uscc.startsWith(firms[0].uscc.slice(0, 16))).map((f) => f.uscc).sort());
    const cases: [string, (f: Firm) => boolean][] = [
      ['region=330108', (f) => f.regionCode === '330108'],
      ['segment=distribution', (f) => f.segment === 'distribution'],
      ['status=deregistered', (f) => Boolean(f.deregistered)],
      [`status=active&segment=manufacturing&q=${encodeURIComponent('科技')}`, (f) => !f.deregistered && f.segment === 'manufacturing' && f.name.includes('科技')],
    ];
    for (const [query, keep] of cases) {
      const body = await list(`/v1/enterprises?${query}&pageSize=500`);
      const mine = firms.filter(keep).map((f) => f.uscc).sort();
      // (The three registered in the paging test are in 330106, manufacturing, active, and not 科技: none of these.)
      expect([query, body.total, body.items.map((i: { uscc: string }) => i.uscc)]).toEqual([query, mine.length, mine]);
    }
  });

  it('names bad parameters and keeps each caller to what it may list', async () => {
    for (const [query, path] of [
      ['page=0', 'page'],
      ['pageSize=501', 'pageSize'],
      ['status=closed', 'status'],
      ['segment=retail', 'segment'],
      ['position=abc', 'position'],
      ['region=3399', 'region'],
    ]) {
      const r = await server.request('GET', `/v1/enterprises?${query}`, { token: regulator });
      expect([query, r.status, r.body.errors?.map((e: { path: string }) => e.path)]).toEqual([query, 400, [path]]);
    }
    const bureau = await server.token('bureau', { region: '330108' });
    expect((await server.request('GET', '/v1/enterprises?region=330106', { token: bureau })).status).toBe(403);
    const own = await list('/v1/enterprises?pageSize=500', bureau);
    expect(own.items.map((i: { uscc: string }) => i.uscc)).toEqual(firms.filter((f) => f.regionCode === '330108').map((f) => f.uscc).sort());
    expect((await server.request('GET', '/v1/enterprises', { token: await server.token('enterprise', { uscc: firms[1].uscc }) })).status).toBe(403);
  });

  it('lists outlets and rentals with filters and paging, an enterprise only its own', async () => {
    const [a, b] = [firms[1], firms[2]];
    const tokenA = await server.token('enterprise', { uscc: a.uscc });
    const tokenB = await server.token('enterprise', { uscc: b.uscc });
    const outlets = [
      { outletId: 'D-A1', owner: a, token: tokenA, community: villagesUnder(a.regionCode)[0], closed: false },
      { outletId: 'D-A2', owner: a, token: tokenA, community: villagesUnder(a.regionCode)[1], closed: true },
      { outletId: 'D-B1', owner: b, token: tokenB, community: villagesUnder(b.regionCode)[0], closed: false },
    ];
    for (const o of outlets)
      expect((await server.request('POST', '/v1/outlets', { token: o.token, body: { outletId: o.outletId, uscc: o.owner.uscc, kind: 'rental_point', communityCode: o.community, name: `网点${o.outletId}`, openedOn: '2024-02-01' } })).status).toBe(201);
    const rentals = [
      { rentalId: 'D-R1', outletId: 'D-A1', token: tokenA, productClass: '12 22', ended: false },
      { rentalId: 'D-R2', outletId: 'D-A1', token: tokenA, productClass: '18 12', ended: true },
      { rentalId: 'D-R3', outletId: 'D-A2', token: tokenA, productClass: '12 06', ended: true },
      { rentalId: 'D-R4', outletId: 'D-B1', token: tokenB, productClass: '12 22', ended: false },
    ];
    for (const r of rentals)
      expect(
        (await server.request('POST', '/v1/rentals', { token: r.token, body: { rentalId: r.rentalId, outletId: r.outletId, productClass: r.productClass, traceCode: `T-${r.rentalId}`, beneficiary: 'elderly', startedOn: '2024-03-01', monthlyFee: '80.00', monthlySubsidy: '40.00' } }))
          .status,
      ).toBe(201);
    for (const r of rentals.filter((x) => x.ended)) expect((await server.request('POST', `/v1/rentals/${r.rentalId}/return`, { token: r.token, body: { endedOn: '2024-05-01', disinfectedOn: '2024-05-02' } })).status).toBe(201);
    expect((await server.request('POST', '/v1/outlets/D-A2/closure', { token: tokenA, body: { closedOn: '2024-06-01', reason: '租赁点搬迁合并至社区服务中心' } })).status).toBe(201);
    await server.waitForProjection();
    const ids = (body: { items: { outletId?: string; rentalId?: string }[] }) => body.items.map((i) => i.rentalId ?? i.outletId);
    expect(ids(await list('/v1/outlets?region=3301'))).toEqual(['D-A1', 'D-A2', 'D-B1']);
    expect(ids(await list('/v1/outlets?status=closed'))).toEqual(['D-A2']);
    expect(ids(await list('/v1/outlets', tokenA))).toEqual(['D-A1', 'D-A2']);
    expect((await server.request('GET', `/v1/outlets?uscc=${b.uscc}`, { token: tokenA })).status).toBe(403);
    expect(ids(await list('/v1/rentals?productClass=12'))).toEqual(['D-R1', 'D-R3', 'D-R4']);
    expect(ids(await list('/v1/rentals?status=active'))).toEqual(['D-R1', 'D-R4']);
    expect(ids(await list('/v1/rentals?outletId=D-A1&status=ended'))).toEqual(['D-R2']);
    expect(ids(await list('/v1/rentals', tokenB))).toEqual(['D-R4']);
    const paged = await allPages('/v1/rentals?pageSize=3');
    expect(paged.map((p) => ids(p))).toEqual([['D-R1', 'D-R2', 'D-R3'], ['D-R4']]);
    expect(ids(await list('/v1/rentals?productClass=1222'))).toEqual(['D-R1', 'D-R4']);
  });
});
