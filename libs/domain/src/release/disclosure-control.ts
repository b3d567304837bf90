/**
 * Statistical disclosure control for published tables (DESIGN.md): a sensitive cell is
 * confidential when fewer than `minContributors` enterprises contribute (FREQ) or when its
 * largest contributor exceeds `dominanceShare` of it (NK(1, k)); then, in every group whose total
 * is published, a lone hidden cell would be recoverable by subtraction, so the smallest other
 * cell is hidden too (or the total, when there is no other).
 */
export interface DisclosureParams {
  readonly minContributors: number;
  readonly dominanceShare: number;
  /** p of the protection rule across releases (absent in drafts made before it: the default 0.15). */
  readonly protection?: number;
}

export const DEFAULT_DISCLOSURE: DisclosureParams = { minContributors: 3, dominanceShare: 0.85 };

export interface ControlCell {
  readonly id: string;
  /** Groups whose published total adds this cell up (empty for a cell that is its own total). */
  readonly groups: readonly string[];
  /** The total of this group id, when the cell is one. */
  readonly totalOf?: string;
  readonly value: number;
  readonly contributors: number;
  /** The largest single contributor's part. */
  readonly top: number;
  /** Money and headcounts are protected; counts of outlets or rentals are not. */
  readonly sensitive: boolean;
  /** Hidden in an earlier release of the same table: stays hidden. */
  readonly previouslyHidden?: boolean;
}

export type Suppression = 'primary' | 'secondary';

export function primarySuppression(cell: ControlCell, params: DisclosureParams): boolean {
  if (!cell.sensitive || cell.contributors === 0) return false;
  return cell.contributors < params.minContributors || cell.top > params.dominanceShare * cell.value;
}

export function applyDisclosureControl(cells: readonly ControlCell[], params: DisclosureParams = DEFAULT_DISCLOSURE): Map<string, Suppression> {
  const hidden = new Map<string, Suppression>();
  for (const cell of cells) if (primarySuppression(cell, params) || cell.previouslyHidden) hidden.set(cell.id, 'primary');
  const groups = new Map<string, { members: ControlCell[]; total?: ControlCell }>();
  for (const cell of cells) {
    for (const g of cell.groups) (groups.get(g) ?? groups.set(g, { members: [] }).get(g)!).members.push(cell);
    if (cell.totalOf) (groups.get(cell.totalOf) ?? groups.set(cell.totalOf, { members: [] }).get(cell.totalOf)!).total = cell;
  }
  let changed = true;
  while (changed) {
    changed = false;
    for (const { members, total } of groups.values()) {
      if (total && hidden.has(total.id)) continue;
      const hiddenMembers = members.filter((m) => hidden.has(m.id));
      if (hiddenMembers.length !== 1) continue;
      const candidates = members
        .filter((m) => !hidden.has(m.id))
        .sort((a, b) => a.value - b.value || (a.id < b.id ? -1 : 1));
      const victim = candidates[0] ?? total;
      if (!victim) continue;
      hidden.set(victim.id, 'secondary');
      changed = true;
    }
  }
  return hidden;
}
