import { ConflictError, NotFoundError, RuleViolationError, ValidationFailedError } from '../errors.js';
import { metadataOf, type CommandContext, type DomainEvent } from '../shared/event.js';
import type { DisclosureParams } from './disclosure-control.js';

export interface ReleaseTable {
  readonly indicator: string;
  readonly groupBy: string[];
  readonly regionLevel?: string;
}

export interface ReleaseCell {
  readonly table: number;
  /** The cell's coordinates: region code, segment, kind, productClass, beneficiary, period (as grouped). */
  readonly key: Readonly<Record<string, string>>;
  /** The table's (or the period's) published total rather than a cell of it. */
  readonly total: boolean;
  /** null when confidential. */
  readonly value: string | number | null;
  readonly flags: readonly ('confidential' | 'revised' | 'provisional')[];
}

export interface Cutoff {
  readonly position: number;
  readonly asOf: string;
}

export type ReleaseDrafted = DomainEvent<
  'ReleaseDrafted',
  { releaseId: string; title: string; period: string; region: string; tables: ReleaseTable[]; cutoff: Cutoff; revisionOf: string | null; disclosure: DisclosureParams }
>;
export type ReleasePublished = DomainEvent<'ReleasePublished', { releaseId: string; cells: ReleaseCell[]; contentHash: string }>;
export type ReleaseSuperseded = DomainEvent<'ReleaseSuperseded', { releaseId: string; by: string }>;
export type ReleaseEvent = ReleaseDrafted | ReleasePublished | ReleaseSuperseded;

export const releaseStreamId = (releaseId: string): string => `release-${releaseId}`;

export interface ReleaseState {
  readonly status: 'none' | 'draft' | 'published';
  readonly draft: ReleaseDrafted['data'] | null;
  readonly cells: readonly ReleaseCell[];
  readonly contentHash: string | null;
  readonly supersededBy: string | null;
}

export type DraftRelease = { type: 'DraftRelease'; data: ReleaseDrafted['data']; context: CommandContext };
export type PublishRelease = { type: 'PublishRelease'; data: { releaseId: string; cells: ReleaseCell[]; contentHash: string }; context: CommandContext };
export type SupersedeRelease = { type: 'SupersedeRelease'; data: { releaseId: string; by: string }; context: CommandContext };
export type ReleaseCommand = DraftRelease | PublishRelease | SupersedeRelease;

export const initialReleaseState = (): ReleaseState => ({ status: 'none', draft: null, cells: [], contentHash: null, supersededBy: null });

export function evolveRelease(state: ReleaseState, event: ReleaseEvent): ReleaseState {
  switch (event.type) {
    case 'ReleaseDrafted':
      return { ...state, status: 'draft', draft: event.data };
    case 'ReleasePublished':
      return { ...state, status: 'published', cells: event.data.cells, contentHash: event.data.contentHash };
    case 'ReleaseSuperseded':
      return { ...state, supersededBy: event.data.by };
    default: {
      const _exhaustive: never = event;
      return state;
    }
  }
}

export function decideRelease(command: ReleaseCommand, state: ReleaseState): ReleaseEvent[] {
  const metadata = metadataOf(command.context);
  switch (command.type) {
    case 'DraftRelease': {
      if (state.status !== 'none') throw new ConflictError(`release ${command.data.releaseId} already exists`);
      if (typeof command.data.title !== 'string' || !command.data.title.trim()) throw ValidationFailedError.field('title', 'must not be empty');
      if (!command.data.tables.length) throw ValidationFailedError.field('tables', 'must list at least one table');
      return [{ type: 'ReleaseDrafted', data: { ...command.data, title: command.data.title.trim() }, metadata }];
    }
    case 'PublishRelease': {
      if (state.status === 'none') throw new NotFoundError(`there is no release ${command.data.releaseId}`);
      if (state.status === 'published') {
        if (state.contentHash === command.data.contentHash) return [];
        throw new RuleViolationError(`release ${command.data.releaseId} is already published; publish a revision instead`);
      }
      return [{ type: 'ReleasePublished', data: command.data, metadata }];
    }
    case 'SupersedeRelease': {
      if (state.status !== 'published') throw new RuleViolationError(`release ${command.data.releaseId} is not published`);
      if (state.supersededBy === command.data.by) return [];
      return [{ type: 'ReleaseSuperseded', data: command.data, metadata }];
    }
    default: {
      const _exhaustive: never = command;
      throw new Error(`unknown command ${JSON.stringify(_exhaustive)}`);
    }
  }
}
