import type { ClickHouseClient } from '@clickhouse/client';
import { findIndicator, queryStreamsWithEvent } from '../../../analytics/src/index.js';
import {
  parseYuan,
  releaseDecider,
  releaseStreamId,
  type ConfidentialValue,
  type LinkedCell,
  type ReleaseCell,
  type ReleaseDrafted,
} from '../../../domain/src/index.js';
import type { EventStore } from '../../../event-store/src/index.js';
import { loadMany } from '../load.js';

/** A published release as the ledger keeps it: where it sits in the log and every cell it published. */
export interface PublishedRelease {
  readonly releaseId: string;
  /** The log position of its publication: the ledger of a publication is everything published before. */
  readonly position: number;
  readonly draft: ReleaseDrafted['data'];
  readonly cells: readonly ReleaseCell[];
  readonly confidential: readonly ConfidentialValue[];
}

/** Every published release, in the order of publication (from the event log's projection). */
export async function publishedReleases(store: EventStore, client: ClickHouseClient, database: string): Promise<PublishedRelease[]> {
  const streams = await queryStreamsWithEvent(client, database, 'ReleasePublished');
  const out: PublishedRelease[] = [];
  for (const { state, events } of await loadMany(store, releaseDecider, streams.map(releaseIdOfStream))) {
    const published = events.find((e) => e.type === 'ReleasePublished');
    if (state.status !== 'published' || !state.draft || !published) continue;
    out.push({ releaseId: state.draft.releaseId, position: published.position, draft: state.draft, cells: state.cells, confidential: state.confidential });
  }
  return out.sort((a, b) => a.position - b.position);
}

export const releaseIdOfStream = (streamId: string) => streamId.replace(/^release-/, '');
export { releaseStreamId };

const numeric = (value: string | number) => (typeof value === 'number' ? value : (parseYuan(value) as { fen: number }).fen);

/** Only money and headcounts are protected: the other indicators' cells never take part. */
export function isProtectedIndicator(indicator: string): boolean {
  const unit = findIndicator(indicator)?.unit;
  return unit === 'yuan' || unit === 'persons';
}

/**
 * The cells of one release as coordinates of the linked system (money and headcounts only). Each
 * keeps its index in the release, so suppression decided on the linked cells maps back.
 */
export function linkedCellsOf(
  releaseId: string,
  draft: Pick<ReleaseDrafted['data'], 'tables' | 'region' | 'period'>,
  cells: readonly { table: number; key: Readonly<Record<string, string>>; total: boolean; value: string | number | null }[],
  confidential: readonly ConfidentialValue[],
): { linked: LinkedCell[]; index: number[] } {
  const linked: LinkedCell[] = [];
  const index: number[] = [];
  const hiddenValues = new Map(confidential.map((c) => [c.cell, c]));
  cells.forEach((cell, i) => {
    const table = draft.tables[cell.table];
    if (!table || !isProtectedIndicator(table.indicator)) return;
    const { region = draft.region, period = draft.period, ...groups } = cell.key;
    const published = cell.value === null ? null : numeric(cell.value);
    const hidden = hiddenValues.get(i);
    const where = [region || '全国', period, ...Object.entries(groups).map(([k, v]) => `${k}=${v}`)].join(' ');
    linked.push({
      indicator: table.indicator,
      region,
      period,
      groups,
      published,
      value: published ?? hidden?.value ?? 0,
      sensitive: hidden?.primary ?? false,
      flow: findIndicator(table.indicator)!.kind === 'flow',
      release: releaseId,
      label: `${releaseId} 表${cell.table + 1} ${table.indicator} ${where}${cell.total ? ' (合计)' : ''}`,
      table: `${releaseId}|${cell.table}|${cell.key.period ?? ''}`,
      total: cell.total,
    });
    index.push(i);
  });
  return { linked, index };
}

/** The ledger a publication is checked against: every release published before `position` (all, when undefined), but `exclude`. */
export function ledgerOf(releases: readonly PublishedRelease[], options: { before?: number; exclude?: string } = {}): LinkedCell[] {
  return releases
    .filter((r) => (options.before === undefined || r.position < options.before) && r.releaseId !== options.exclude)
    .flatMap((r) => linkedCellsOf(r.releaseId, r.draft, r.cells, r.confidential).linked);
}
