import { ConflictError, NotFoundError, RuleViolationError, ValidationFailedError } from '../errors.js';
import { metadataOf, type CommandContext, type DomainEvent } from '../shared/event.js';
import { nameProblem, normaliseText, REASON_MIN_WEIGHT, substantiveTextProblem } from '../shared/text.js';
import type { DisclosureParams } from './disclosure-control.js';
import type { Decider } from '../shared/decider.js';

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
  readonly flags: readonly ('confidential' | 'revised' | 'provisional' | 'estimated')[];
  /**
   * Report indicators of a release drafted with imputation: enterprises expected and those that filed
   * every month they owed; the weighted rate only where it cannot single out an enterprise.
   */
  readonly response?: ReleaseResponse;
}

/** How complete a release cell is (issue 20). */
export interface ReleaseResponse {
  readonly expected: number;
  readonly filed: number;
  readonly rate: number | null;
  /**
   * The year-earlier value share of the filers; null where the cell is confidential or where fewer than the
   * disclosure threshold (FREQ) filed or did not file (it would tell one enterprise's share).
   */
  readonly weightedRate: number | null;
}

export interface Cutoff {
  readonly position: number;
  readonly asOf: string;
}

export type ReleaseDrafted = DomainEvent<
  'ReleaseDrafted',
  {
    releaseId: string;
    title: string;
    period: string;
    region: string;
    tables: ReleaseTable[];
    cutoff: Cutoff;
    revisionOf: string | null;
    disclosure: DisclosureParams;
    /**
     * Cells holding a filing that review had not accepted at the cut-off are provisional (issue 18).
     * Pinned with the draft, as the disclosure rules are, so a release drafted before review existed
     * verifies as it was published.
     */
    unreviewedProvisional?: true;
    /**
     * Owed months not filed are estimated (issue 20; the methods and versions of the indicator catalogue):
     * pinned with the draft, so a release drafted before imputation existed verifies as it was published.
     */
    imputation?: 'include';
  }
>;
/**
 * The true value of each confidential cell (index into `cells`) and whether it was hidden for its own
 * sake (primary) or to protect another: what later publications must keep protecting. Never part
 * of a release as served; regulators see these values through the statistics API anyway.
 */
export interface ConfidentialValue {
  readonly cell: number;
  readonly value: number;
  readonly primary: boolean;
}
export type ReleasePublished = DomainEvent<'ReleasePublished', { releaseId: string; cells: ReleaseCell[]; contentHash: string; confidential?: ConfidentialValue[] }>;
export type ReleaseSuperseded = DomainEvent<'ReleaseSuperseded', { releaseId: string; by: string }>;
/** A draft that will not be published (a wrong period, a wrong table): it leaves every list. */
export type ReleaseDiscarded = DomainEvent<'ReleaseDiscarded', { releaseId: string; reason: string }>;
export type ReleaseEvent = ReleaseDrafted | ReleasePublished | ReleaseSuperseded | ReleaseDiscarded;

export const releaseStreamId = (releaseId: string): string => `release-${releaseId}`;

export interface ReleaseState {
  readonly status: 'none' | 'draft' | 'published' | 'discarded';
  readonly draft: ReleaseDrafted['data'] | null;
  readonly cells: readonly ReleaseCell[];
  readonly contentHash: string | null;
  readonly supersededBy: string | null;
  readonly confidential: readonly ConfidentialValue[];
}

export type DraftRelease = { type: 'DraftRelease'; data: ReleaseDrafted['data']; context: CommandContext };
export type PublishRelease = { type: 'PublishRelease'; data: { releaseId: string; cells: ReleaseCell[]; contentHash: string; confidential?: ConfidentialValue[] }; context: CommandContext };
export type SupersedeRelease = { type: 'SupersedeRelease'; data: { releaseId: string; by: string }; context: CommandContext };
export type DiscardRelease = { type: 'DiscardRelease'; data: { releaseId: string; reason: string }; context: CommandContext };
export type ReleaseCommand = DraftRelease | PublishRelease | SupersedeRelease | DiscardRelease;

export const initialReleaseState = (): ReleaseState => ({ status: 'none', draft: null, cells: [], contentHash: null, supersededBy: null, confidential: [] });

export function evolveRelease(state: ReleaseState, event: ReleaseEvent): ReleaseState {
  switch (event.type) {
    case 'ReleaseDrafted':
      return { ...state, status: 'draft', draft: event.data };
    case 'ReleasePublished':
      return { ...state, status: 'published', cells: event.data.cells, contentHash: event.data.contentHash, confidential: event.data.confidential ?? [] };
    case 'ReleaseSuperseded':
      return { ...state, supersededBy: event.data.by };
    case 'ReleaseDiscarded':
      return { ...state, status: 'discarded' };
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
      const titleIssue = nameProblem(command.data.title, 300);
      if (titleIssue) throw ValidationFailedError.field('title', titleIssue);
      if (!command.data.tables.length) throw ValidationFailedError.field('tables', 'must list at least one table');
      return [{ type: 'ReleaseDrafted', data: { ...command.data, title: normaliseText(command.data.title) }, metadata }];
    }
    case 'PublishRelease': {
      if (state.status === 'none') throw new NotFoundError(`there is no release ${command.data.releaseId}`);
      if (state.status === 'discarded') throw new RuleViolationError(`release ${command.data.releaseId} was discarded; draft a new one`);
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
    case 'DiscardRelease': {
      if (state.status === 'none') throw new NotFoundError(`there is no release ${command.data.releaseId}`);
      if (state.status === 'published') throw new RuleViolationError(`release ${command.data.releaseId} is published and cannot be withdrawn; publish a revision instead`);
      if (state.status === 'discarded') return [];
      const reasonIssue = substantiveTextProblem(command.data.reason, REASON_MIN_WEIGHT);
      if (reasonIssue) throw ValidationFailedError.field('reason', reasonIssue);
      return [{ type: 'ReleaseDiscarded', data: { releaseId: command.data.releaseId, reason: normaliseText(command.data.reason) }, metadata }];
    }
    default: {
      const _exhaustive: never = command;
      throw new Error(`unknown command ${JSON.stringify(_exhaustive)}`);
    }
  }
}

/** The release aggregate as one value: stream `release-<id>`. */
export const releaseDecider: Decider<ReleaseCommand, ReleaseState, ReleaseEvent> = {
  streamId: releaseStreamId,
  initialState: initialReleaseState,
  evolve: evolveRelease,
  decide: decideRelease,
};
