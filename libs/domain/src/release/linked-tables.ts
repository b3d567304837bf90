/**
 * Everything published, as one linked system (issue 15). A published cell is a sum over "atoms":
 * the finest pieces that the published coordinates distinguish. Regions nest by code prefix
 * (county ⊂ city ⊂ province ⊂ country), periods by month ranges (month ⊂ quarter ⊂ year) for
 * flows, and a cell without a grouping dimension is the total over every value of it. An attacker
 * who downloads every release knows, for each published value, that the atoms under it add up
 * to it, and that no atom is negative; a confidential cell is protected when that leaves its
 * value uncertain by at least p·x on either side.
 */
import { parsePeriod } from '../shared/period.js';
import { LpInfeasibleError, type LpSolver } from './lp.js';
import { withDeterminedAtomsFixed } from './lp-presolve.js';

/** Where a published cell sits: indicator, region prefix ('' = national), period label, grouping values. */
export interface CellCoordinate {
  readonly indicator: string;
  readonly region: string;
  readonly period: string;
  /** segment, kind, productClass, beneficiary: present when the cell is for one value of it. */
  readonly groups: Readonly<Record<string, string>>;
}

export interface LinkedCell extends CellCoordinate {
  /** What the public saw: a number, or null when the cell was confidential. */
  readonly published: number | null;
  /** The true value (known to the bureau, never published when confidential). */
  readonly value: number;
  /** A cell that must stay protected (primary suppression), not merely hidden to protect another. */
  readonly sensitive: boolean;
  /** For flows, months add up to quarters and years; stocks (a headcount) do not. */
  readonly flow: boolean;
  /** The release it belongs to and its label in messages. */
  readonly release: string;
  readonly label: string;
  /**
   * The published table (release, table, period group) the cell is a row or the total of. A
   * grouped table lists every row with data, so its rows exhaust its total: whatever the total
   * covers outside them is known to be zero (a county without a row had nothing).
   */
  readonly table?: string;
  readonly total?: boolean;
}

/** A linear system over atoms: each cell is the sum of the atoms it covers. */
export interface AtomModel {
  readonly atoms: number;
  /** Atom indexes each cell covers, parallel to the cells. */
  readonly cover: readonly (readonly number[])[];
}

const monthRanges = new Map<string, [number, number] | undefined>();

/** The month range of a period label (undefined for an unknown label); memoised, it is asked millions of times. */
function monthsOf(period: string): [number, number] | undefined {
  if (!monthRanges.has(period)) {
    const p = parsePeriod(period);
    monthRanges.set(period, p ? [p.fromMonth, p.toMonth] : undefined);
  }
  return monthRanges.get(period);
}

/** The elementary pieces of a region dimension: every used prefix, less its used descendants. */
function regionPieces(prefixes: readonly string[]): { pieces: string[]; covers: (region: string) => number[] } {
  const used = [...new Set(prefixes)].sort();
  // A piece is "P minus the used prefixes under it", named by P itself.
  const pieces = used;
  const covers = (region: string) => pieces.flatMap((piece, i) => (piece.startsWith(region) ? [i] : []));
  return { pieces, covers };
}

/** The elementary month ranges between every boundary of the used periods. */
function periodPieces(periods: readonly string[]): { pieces: [number, number][]; covers: (period: string) => number[] } {
  const ranges = [...new Set(periods)].map((p) => monthsOf(p)).filter((r): r is [number, number] => r !== undefined);
  const cuts = [...new Set(ranges.flatMap(([a, b]) => [a, b + 1]))].sort((x, y) => x - y);
  const pieces: [number, number][] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const [from, to] = [cuts[i], cuts[i + 1] - 1];
    if (ranges.some(([a, b]) => a <= from && to <= b)) pieces.push([from, to]);
  }
  const covers = (period: string) => {
    const r = monthsOf(period);
    return r ? pieces.flatMap(([a, b], i) => (a >= r[0] && b <= r[1] ? [i] : [])) : [];
  };
  return { pieces, covers };
}

const OTHER = '\u0000other';

/**
 * Builds the atoms of one indicator's cells. Cells of different indicators never share an atom.
 * Flows refine periods into month pieces; for a stock each period label is its own piece.
 */
export function buildAtomModel(cells: readonly CellCoordinate[], flow: boolean): AtomModel {
  const regions = regionPieces(cells.map((c) => c.region));
  const periods = flow ? periodPieces(cells.map((c) => c.period)) : undefined;
  const stockPeriods = flow ? [] : [...new Set(cells.map((c) => c.period))].sort();
  const dims = [...new Set(cells.flatMap((c) => Object.keys(c.groups)))].sort();
  const values = dims.map((d) => [...[...new Set(cells.flatMap((c) => (c.groups[d] === undefined ? [] : [c.groups[d]])))].sort(), OTHER]);
  const periodCount = flow ? periods!.pieces.length : stockPeriods.length;
  const sizes = [regions.pieces.length, periodCount, ...values.map((v) => v.length)];
  const atoms = sizes.reduce((a, b) => a * b, 1);
  const cover = cells.map((c) => {
    const axes: number[][] = [
      regions.covers(c.region),
      flow ? periods!.covers(c.period) : [stockPeriods.indexOf(c.period)],
      ...dims.map((d, i) => (c.groups[d] === undefined ? values[i].map((_, j) => j) : [values[i].indexOf(c.groups[d])])),
    ];
    // Cartesian product of the axes, as flat indexes (row-major over sizes).
    let indexes = [0];
    axes.forEach((axis, k) => {
      const stride = sizes.slice(k + 1).reduce((a, b) => a * b, 1);
      indexes = indexes.flatMap((base) => axis.map((i) => base + i * stride));
    });
    return indexes;
  });
  return { atoms, cover };
}

export interface ProtectionAudit {
  /** Index of the cell in the list audited. */
  readonly index: number;
  readonly label: string;
  readonly release: string;
  readonly value: number;
  /** The attacker's feasible interval for the cell. */
  readonly min: number;
  readonly max: number;
  /** p·x: how far the interval must reach on each side. */
  readonly required: number;
  readonly protected: boolean;
}

/** The default protection level p (DESIGN.md): the interval reaches 15% of the value on each side. */
export const DEFAULT_PROTECTION = 0.15;

/**
 * The attacker's interval of every confidential sensitive cell, given every published value
 * (the linked equations) and non-negativity. Cells of different indicators are separate systems.
 */
/**
 * `exact`: every interval solved to its ends (the regulator's audit). Otherwise a cell is also
 * certified by any feasible point already found (a solution of an earlier cell's program) that puts
 * it at least p·x below and above its value — sound, since such points are attacker-feasible data
 * sets — and its interval is then reported as reaching at least that far.
 */
export function auditLinkedCells(
  cells: readonly LinkedCell[],
  p: number,
  solver: LpSolver,
  only?: ReadonlySet<number>,
  exact = true,
  /** Carried between rounds of suppression over the same cells (only `published` changes). */
  rounds: AuditRounds = { witnesses: new Map(), models: new Map() },
): ProtectionAudit[] {
  const out: ProtectionAudit[] = [];
  const byIndicator = new Map<string, number[]>();
  cells.forEach((c, i) => (byIndicator.get(c.indicator) ?? byIndicator.set(c.indicator, []).get(c.indicator)!).push(i));
  for (const indexes of byIndicator.values()) {
    const targets = indexes.filter((i) => cells[i].published === null && cells[i].sensitive && cells[i].value > 0 && (!only || only.has(i)));
    if (!targets.length) continue;
    const group = indexes.map((i) => cells[i]);
    // The atoms depend only on the coordinates: built once across rounds.
    const built = rounds.models.get(group[0].indicator) ?? rounds.models.set(group[0].indicator, withExhaustion(group)).get(group[0].indicator)!;
    const model = built.model;
    // A coordinate published again (a revision, a later table) counts once, with its latest value.
    const latest = new Map<string, number>();
    group.forEach((c, k) => c.published !== null && latest.set(coordinateKey(c), k));
    const releases = [...new Set(group.map((c) => c.release))];
    const all = [
      ...group.flatMap((c, k) => (c.published === null || latest.get(coordinateKey(c)) !== k ? [] : [{ cover: model.cover[k], value: c.published, release: c.release }])),
      ...built.exhaustion,
    ];
    // Figures revised between releases can contradict older tables: then the oldest releases' equations give way.
    for (let dropped = 0; ; dropped++) {
      const equations = all.filter((e) => !releases.slice(0, dropped).includes(e.release));
      const session = withDeterminedAtomsFixed(solver).session(model.atoms, equations);
      try {
        const points = rounds.witnesses.get(group[0].indicator) ?? rounds.witnesses.set(group[0].indicator, []).get(group[0].indicator)!;
        const ranges = targets.map((i): [number, number] => {
          const cover = model.cover[indexes.indexOf(i)];
          const x = cells[i].value;
          if (!exact) {
            // The newest points first (they come from this round's neighbours); stop at the first pair that certifies.
            let [low, high] = [Infinity, -Infinity];
            for (let w = points.length - 1; w >= 0; w--) {
              let sum = 0;
              for (const a of cover) sum += points[w][a];
              if (sum < low) low = sum;
              if (sum > high) high = sum;
              if (low <= x * (1 - p) && high >= x * (1 + p)) return [low, high];
            }
          }
          const range = session.range(cover);
          if (!exact) points.push(...(session.lastPoints?.() ?? []));
          return range;
        });
        targets.forEach((i, t) => {
          const cell = cells[i];
          const [min, max] = ranges[t];
          const required = p * cell.value;
          // A hair of tolerance for the solver's floating point; amounts are in fen, so this is far below one fen.
          const slack = 1e-6 * Math.max(1, cell.value);
          out.push({ index: i, label: cell.label, release: cell.release, value: cell.value, min, max, required, protected: max - cell.value >= required - slack && cell.value - min >= required - slack });
        });
        break;
      } catch (error) {
        if (!(error instanceof LpInfeasibleError) || dropped >= releases.length) throw error;
      } finally {
        session.dispose();
      }
    }
  }
  return out.sort((a, b) => a.index - b.index);
}

/** What rounds of suppression over the same cells share: only which cells are published changes between them. */
export interface AuditRounds {
  /** Feasible points found so far, per indicator: still feasible while equations are only removed. */
  readonly witnesses: Map<string, Float64Array[]>;
  /** Each indicator's atoms and its tables' exhaustion equations (they depend on coordinates alone). */
  readonly models: Map<string, { model: AtomModel; exhaustion: { cover: number[]; value: number; release: string }[] }>;
}

function withExhaustion(group: readonly LinkedCell[]) {
  const model = buildAtomModel(group, group[0].flow);
  return { model, exhaustion: exhaustion(group, model) };
}

const coordinateKey = (c: CellCoordinate) => JSON.stringify([c.indicator, c.region, c.period, Object.entries(c.groups).sort()]);

/** Each grouped table's rows exhaust its total: the atoms of the total outside every row add up to zero. */
function exhaustion(cells: readonly LinkedCell[], model: AtomModel): { cover: number[]; value: number; release: string }[] {
  const tables = new Map<string, { total?: number; rows: number[] }>();
  cells.forEach((c, k) => {
    if (!c.table) return;
    const t = tables.get(c.table) ?? tables.set(c.table, { rows: [] }).get(c.table)!;
    if (c.total) t.total = k;
    else t.rows.push(k);
  });
  const out: { cover: number[]; value: number; release: string }[] = [];
  for (const { total, rows } of tables.values()) {
    if (total === undefined || !rows.length) continue;
    const inRows = new Set(rows.flatMap((k) => model.cover[k]));
    const rest = model.cover[total].filter((a) => !inRows.has(a));
    if (rest.length) out.push({ cover: rest, value: 0, release: cells[total].release });
  }
  return out;
}

/** Whether two coordinates' regions and periods overlap (so one cell's value constrains the other). */
function overlaps(a: CellCoordinate, b: CellCoordinate): boolean {
  if (a.indicator !== b.indicator) return false;
  if (!(a.region.startsWith(b.region) || b.region.startsWith(a.region))) return false;
  const [x, y] = [monthsOf(a.period), monthsOf(b.period)];
  if (!x || !y || x[1] < y[0] || y[1] < x[0]) return false;
  return Object.keys(a.groups).every((d) => b.groups[d] === undefined || b.groups[d] === a.groups[d]);
}

export interface LinkedProtection {
  /** Indexes (into the new cells) hidden to protect cells of this or earlier releases. */
  readonly hidden: readonly number[];
  /** Sensitive cells that no pattern of the new release's cells protects (publication must be refused). */
  readonly exposed: readonly ProtectionAudit[];
}

/**
 * Secondary suppression across releases: published cells cannot be withdrawn, so cells of the new
 * release are hidden until every sensitive cell — old or new — is protected. In each round every
 * exposed cell gets one more hidden cell of the new release: the nearest one linked to it
 * (overlapping it, or a published cell that overlaps it) — same region, then same period, then the
 * smallest value.
 */
export function protectAcrossReleases(ledger: readonly LinkedCell[], release: readonly LinkedCell[], p: number, solver: LpSolver): LinkedProtection {
  const cells = [...ledger, ...release];
  const offset = ledger.length;
  const hidden: number[] = [];
  // Hiding a cell removes an equation, which can only widen intervals: after the first audit only
  // the cells still exposed need solving again.
  let watch: Set<number> | undefined;
  // Hiding cells only removes equations (the atoms stay the same): every point found stays feasible.
  const rounds: AuditRounds = { witnesses: new Map(), models: new Map() };
  for (;;) {
    const exposed = auditLinkedCells(cells, p, solver, watch, false, rounds).filter((a) => !a.protected);
    watch = new Set(exposed.map((e) => e.index));
    if (!exposed.length) return { hidden, exposed: [] };
    const chosen = new Set<number>();
    // New cells by region and period: the nearest candidates are found without scanning them all.
    const here = new Map<string, number[]>();
    const at = new Map<string, number>();
    cells.slice(offset).forEach((c, k) => {
      for (const key of [`${c.indicator}|${c.region}|${c.period}`, `${c.indicator}|${c.region}`]) (here.get(key) ?? here.set(key, []).get(key)!).push(k);
      at.set(coordinateKey(c), k);
    });
    for (const e of exposed) {
      const target = cells[e.index];
      const open = (k: number) => cells[offset + k].published !== null && !chosen.has(k);
      // Candidates: published cells of the new release that overlap the target or a published cell
      // overlapping it (its "pins"); the nearest first (same region and period), then the smallest.
      const near = (here.get(`${target.indicator}|${target.region}|${target.period}`) ?? []).filter((k) => open(k) && overlaps(cells[offset + k], target));
      let best: number | undefined = near.sort((a, b) => (cells[offset + a].published as number) - (cells[offset + b].published as number) || a - b)[0];
      if (best === undefined) {
        const pins = cells.filter((m, i) => i !== e.index && m.published !== null && overlaps(m, target));
        const linked = (c: LinkedCell, k: number) => open(k) && c.indicator === target.indicator && (overlaps(c, target) || pins.some((m) => overlaps(c, m)));
        const score = (k: number) => [cells[offset + k].period === target.period ? 0 : 1, cells[offset + k].published as number, k];
        // Cells of the target's own region rank first: only when none is linked are the others scanned.
        for (const pass of [(here.get(`${target.indicator}|${target.region}`) ?? []), undefined]) {
          let bestScore: number[] | undefined;
          for (const k of pass ?? cells.slice(offset).map((_, k) => k)) {
            if (!linked(cells[offset + k], k)) continue;
            const s = score(k);
            if (!bestScore || compare(s, bestScore) < 0) [best, bestScore] = [k, s];
          }
          if (best !== undefined) break;
        }
      }
      if (best === undefined) continue;
      chosen.add(best);
      // A cell hidden beside the target in the same region and period (another segment, say) still
      // leaves both recoverable from sums over periods: complete the rectangle with the target's
      // and the partner's cells of another period of this release (the smallest such pair).
      const partner = cells[offset + best];
      const monthsT = monthsOf(target.period);
      if (partner.region !== target.region || partner.period !== target.period || !monthsT) continue;
      let pair: [number, number] | undefined;
      let pairValue = Infinity;
      for (const [key, ks] of here) {
        if (!key.startsWith(`${target.indicator}|${target.region}|`)) continue;
        for (const k of ks) {
          const c = cells[offset + k];
          // The target's cell of that period may be hidden already (a dominated segment is hidden in every month).
          if (c.period === target.period || chosen.has(k) || coordinateKey({ ...c, period: target.period }) !== coordinateKey(target)) continue;
          const other = at.get(coordinateKey({ ...partner, period: c.period }));
          if (other === undefined || !open(other)) continue;
          const value = (c.published ?? 0) + (cells[offset + other].published as number);
          if (value < pairValue) [pair, pairValue] = [[k, other], value];
        }
      }
      if (pair) for (const k of pair) if (open(k)) chosen.add(k);
    }
    if (!chosen.size) return { hidden, exposed };
    for (const k of chosen) {
      cells[offset + k] = { ...cells[offset + k], published: null };
      hidden.push(k);
    }
  }
}

function compare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}
