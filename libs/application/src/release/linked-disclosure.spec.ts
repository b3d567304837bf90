import { auditLinkedCells, protectAcrossReleases, type LinkedCell } from '../../../domain/src/index.js';
import { highsSolver } from './highs-solver.js';

const cell = (over: Partial<LinkedCell> & Pick<LinkedCell, 'region' | 'period' | 'value'>): LinkedCell => ({
  indicator: 'revenue',
  groups: {},
  published: over.value,
  sensitive: false,
  flow: true,
  release: 'A',
  label: `${over.region}/${over.period}`,
  // One table per release; the city is the total its county rows exhaust.
  table: `${over.release ?? 'A'}|${over.period}`,
  total: over.region.length === 4,
  ...over,
});

describe('disclosure control across releases (issue 15), with HiGHS', () => {
  // Release A: 2025-09 revenue by county under 3301 (in yuan): 330102 hidden (dominated), 330106 hidden (secondary).
  const releaseA: LinkedCell[] = [
    cell({ region: '330102', period: '2025-09', value: 3_770_000, published: null, sensitive: true }),
    cell({ region: '330105', period: '2025-09', value: 2_100_000 }),
    cell({ region: '330106', period: '2025-09', value: 1_400_000, published: null }),
    cell({ region: '3301', period: '2025-09', value: 7_270_000 }),
  ];

  it('sees the first release protect its hidden cell on its own', async () => {
    const [audit] = auditLinkedCells(releaseA, 0.15, await highsSolver());
    expect([audit.label, audit.min, audit.max, audit.protected]).toEqual(['330102/2025-09', 0, 5_170_000, true]);
  });

  it('finds the subtraction through a second release of 330106 alone, and hides that cell instead of publishing it', async () => {
    const releaseB = [cell({ region: '330106', period: '2025-09', value: 1_400_000, release: 'B' })];
    const exposed = auditLinkedCells([...releaseA, ...releaseB], 0.15, await highsSolver());
    expect(exposed.map((a) => [a.label, a.min, a.max, a.protected])).toEqual([['330102/2025-09', 3_770_000, 3_770_000, false]]);
    expect(protectAcrossReleases(releaseA, releaseB, 0.15, await highsSolver())).toEqual({ hidden: [0], exposed: [] });
  });

  it('links months to their quarter: Q3 total less the published Q3 and monthly cells gives nothing away once protected', async () => {
    const months = ['2025-07', '2025-08', '2025-09'];
    const ledger = months.flatMap((m, i) => [
      cell({ region: '330102', period: m, value: 1_000_000 + i, published: null, sensitive: true, release: m }),
      cell({ region: '330105', period: m, value: 700_000 + i, published: null, release: m }),
      cell({ region: '330106', period: m, value: 500_000 + i, release: m }),
      cell({ region: '3301', period: m, value: 2_200_000 + 3 * i, release: m }),
    ]);
    const quarter = [
      cell({ region: '330102', period: '2025-Q3', value: 3_000_003, published: null, sensitive: true, release: 'Q3' }),
      cell({ region: '330105', period: '2025-Q3', value: 2_100_003, release: 'Q3' }),
      cell({ region: '330106', period: '2025-Q3', value: 1_500_003, release: 'Q3' }),
      cell({ region: '3301', period: '2025-Q3', value: 6_600_009, release: 'Q3' }),
    ];
    const before = auditLinkedCells([...ledger, ...quarter], 0.15, await highsSolver()).filter((a) => !a.protected);
    expect(before.length).toBeGreaterThan(0);
    const result = protectAcrossReleases(ledger, quarter, 0.15, await highsSolver());
    expect(result.exposed).toEqual([]);
    const after = quarter.map((c, k) => (result.hidden.includes(k) ? { ...c, published: null } : c));
    expect(auditLinkedCells([...ledger, ...after], 0.15, await highsSolver()).every((a) => a.protected)).toBe(true);
  });

  it('reports cells no pattern of the new release can protect', async () => {
    // An earlier release already gave away everything but one county: nothing new can help.
    const ledger = [
      cell({ region: '330102', period: '2025-09', value: 3_770_000, published: null, sensitive: true }),
      cell({ region: '330105', period: '2025-09', value: 2_100_000 }),
      cell({ region: '3301', period: '2025-09', value: 5_870_000 }),
    ];
    const result = protectAcrossReleases(ledger, [cell({ region: '330105', period: '2025-09', value: 2_100_000, release: 'B' })], 0.15, await highsSolver());
    expect(result.exposed.map((a) => [a.label, a.min, a.max])).toEqual([['330102/2025-09', 3_770_000, 3_770_000]]);
  });
});
