import { isCommunityCode, OUTLET_KINDS, type OutletKind } from '../../../reference/src/index.js';
import { ConflictError, NotFoundError, RuleViolationError, ValidationFailedError, type FieldProblem } from '../errors.js';
import { dateProblem, identifierProblem } from '../shared/dates.js';
import { nameProblem, normaliseText, REASON_MIN_WEIGHT, substantiveTextProblem } from '../shared/text.js';
import { metadataOf, type CommandContext, type DomainEvent } from '../shared/event.js';
import type { Decider } from '../shared/decider.js';

export type OutletOpened = DomainEvent<
  'OutletOpened',
  { outletId: string; uscc: string; kind: OutletKind; communityCode: string; name: string; openedOn: string }
>;
export type OutletClosed = DomainEvent<'OutletClosed', { outletId: string; closedOn: string; reason: string }>;
export type OutletEvent = OutletOpened | OutletClosed;

export const outletStreamId = (outletId: string): string => `outlet-${outletId}`;

export interface OutletState {
  readonly status: 'none' | 'open' | 'closed';
  readonly outletId: string;
  readonly uscc: string;
  readonly kind: OutletKind | null;
  readonly communityCode: string;
  readonly name: string;
  readonly openedOn: string;
  readonly closedOn: string | null;
}

/** What the command handler found about the owning enterprise (another aggregate). */
export interface OwnerFacts {
  readonly registered: boolean;
  readonly registeredOn: string | null;
  readonly deregisteredFrom: string | null;
}

export type OpenOutlet = {
  type: 'OpenOutlet';
  data: { outletId: string; uscc: string; kind: string; communityCode: string; name: string; openedOn: string; owner: OwnerFacts };
  context: CommandContext;
};
export type CloseOutlet = { type: 'CloseOutlet'; data: { outletId: string; closedOn: string; reason: string }; context: CommandContext };
export type OutletCommand = OpenOutlet | CloseOutlet;

export const initialOutletState = (): OutletState => ({
  status: 'none',
  outletId: '',
  uscc: '',
  kind: null,
  communityCode: '',
  name: '',
  openedOn: '',
  closedOn: null,
});

export function decideOutlet(command: OutletCommand, state: OutletState): OutletEvent[] {
  switch (command.type) {
    case 'OpenOutlet':
      return open(command, state);
    case 'CloseOutlet':
      return close(command, state);
    default: {
      const _exhaustive: never = command;
      throw new Error(`unknown command ${JSON.stringify(_exhaustive)}`);
    }
  }
}

export function evolveOutlet(state: OutletState, event: OutletEvent): OutletState {
  switch (event.type) {
    case 'OutletOpened':
      return { ...state, status: 'open', ...event.data, closedOn: null };
    case 'OutletClosed':
      return { ...state, status: 'closed', closedOn: event.data.closedOn };
    default: {
      const _exhaustive: never = event;
      return state;
    }
  }
}

/** Whether the outlet was open on a date: opened on or before it, not closed on or before it. */
export function isOutletOpenOn(state: OutletState, date: string): boolean {
  return state.status !== 'none' && state.openedOn <= date && (state.closedOn === null || state.closedOn > date);
}

function open(command: OpenOutlet, state: OutletState): OutletEvent[] {
  const d = command.data;
  const problems: FieldProblem[] = [];
  const idIssue = identifierProblem(d.outletId);
  if (idIssue) problems.push({ path: 'outletId', message: idIssue });
  if (!(OUTLET_KINDS as readonly string[]).includes(d.kind)) problems.push({ path: 'kind', message: `must be one of ${OUTLET_KINDS.join(', ')}` });
  if (!isCommunityCode(d.communityCode)) problems.push({ path: 'communityCode', message: 'must be an existing 12-digit 村/居委会 code' });
  const nameIssue = nameProblem(d.name);
  if (nameIssue) problems.push({ path: 'name', message: nameIssue });
  const dateIssue = dateProblem(d.openedOn, command.context.now);
  if (dateIssue) problems.push({ path: 'openedOn', message: dateIssue });
  if (problems.length) throw new ValidationFailedError(problems);
  if (!d.owner.registered) throw new RuleViolationError(`enterprise ${d.uscc} is not registered`, [{ path: 'uscc', message: 'must be a registered enterprise' }]);
  if (d.owner.deregisteredFrom !== null && d.openedOn.slice(0, 7) >= d.owner.deregisteredFrom)
    throw new RuleViolationError(`enterprise ${d.uscc} is deregistered from ${d.owner.deregisteredFrom}`, [{ path: 'openedOn', message: 'the owner is deregistered by then' }]);
  if (d.owner.registeredOn !== null && d.openedOn < d.owner.registeredOn)
    throw new RuleViolationError(`enterprise ${d.uscc} was registered on ${d.owner.registeredOn}`, [
      { path: 'openedOn', message: `must not be before the owner's registration on ${d.owner.registeredOn}` },
    ]);
  const opened: OutletOpened = {
    type: 'OutletOpened',
    data: { outletId: d.outletId, uscc: d.uscc, kind: d.kind as OutletKind, communityCode: d.communityCode, name: normaliseText(d.name), openedOn: d.openedOn },
    metadata: metadataOf(command.context),
  };
  if (state.status !== 'none') {
    const same = state.uscc === d.uscc && state.kind === d.kind && state.communityCode === d.communityCode && state.name === opened.data.name && state.openedOn === d.openedOn;
    if (same) return [];
    throw new ConflictError(`outlet ${d.outletId} already exists`);
  }
  return [opened];
}

function close(command: CloseOutlet, state: OutletState): OutletEvent[] {
  const d = command.data;
  if (state.status === 'none') throw new NotFoundError(`there is no outlet ${d.outletId}`);
  const problems: FieldProblem[] = [];
  const dateIssue = dateProblem(d.closedOn, command.context.now);
  if (dateIssue) problems.push({ path: 'closedOn', message: dateIssue });
  else if (d.closedOn < state.openedOn) problems.push({ path: 'closedOn', message: `must not be before the opening on ${state.openedOn}` });
  const reasonIssue = substantiveTextProblem(d.reason, REASON_MIN_WEIGHT);
  if (reasonIssue) problems.push({ path: 'reason', message: reasonIssue });
  if (problems.length) throw new ValidationFailedError(problems);
  if (state.status === 'closed') {
    if (state.closedOn === d.closedOn) return [];
    throw new RuleViolationError(`outlet ${d.outletId} was already closed on ${state.closedOn}`);
  }
  return [{ type: 'OutletClosed', data: { outletId: d.outletId, closedOn: d.closedOn, reason: normaliseText(d.reason) }, metadata: metadataOf(command.context) }];
}

/** The outlet aggregate as one value: stream `outlet-<id>`. */
export const outletDecider: Decider<OutletCommand, OutletState, OutletEvent> = {
  streamId: outletStreamId,
  initialState: initialOutletState,
  evolve: evolveOutlet,
  decide: decideOutlet,
};
