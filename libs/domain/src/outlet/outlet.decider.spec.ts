import { deciderSpec } from '../../../../test/support/given-when-then.js';
import { NotFoundError, RuleViolationError, ValidationFailedError } from '../errors.js';
import { metadataOf, type CommandContext } from '../shared/event.js';
import { outletDecider, type OutletCommand, type OutletEvent, type OutletState } from './outlet.decider.js';

const context: CommandContext = { actor: 'enterprise:91110107MA0000777G', role: 'enterprise', requestId: 'o-1', now: '2025-06-30T04:00:00.000Z' };
const metadata = metadataOf(context);
const given = deciderSpec<OutletCommand, OutletState, OutletEvent>(outletDecider, context);
const owner = { registered: true, registeredOn: '2021-01-01', deregisteredFrom: null };
const opening = { outletId: 'O1', uscc: '91110107MA0000777G', kind: 'rental_point', communityCode: '110107001003', name: '八角租赁点', openedOn: '2024-01-01' };
const opened: OutletEvent = { type: 'OutletOpened', data: { ...opening, kind: 'rental_point' }, metadata };

describe('outlet decider (given / when / then)', () => {
  it('opens an outlet of a registered enterprise in a real community, once', () => {
    given([]).when({ type: 'OpenOutlet', data: { ...opening, name: ' 八角租赁点 ', owner } }).then([opened]);
    given([opened]).when({ type: 'OpenOutlet', data: { ...opening, owner } }).then([]);
    given([]).when({ type: 'OpenOutlet', data: { ...opening, owner: { ...owner, registered: false } } }).thenThrows(RuleViolationError);
    given([]).when({ type: 'OpenOutlet', data: { ...opening, communityCode: '110107999999', owner } }).thenThrows(ValidationFailedError, [{ path: 'communityCode' }]);
  });

  it('closes an open outlet after its opening, with a reason', () => {
    given([opened])
      .when({ type: 'CloseOutlet', data: { outletId: 'O1', closedOn: '2025-03-31', reason: '社区合并撤点' } })
      .then([{ type: 'OutletClosed', data: { outletId: 'O1', closedOn: '2025-03-31', reason: '社区合并撤点' }, metadata }]);
    given([opened]).when({ type: 'CloseOutlet', data: { outletId: 'O1', closedOn: '2023-12-31', reason: '撤点' } }).thenThrows(ValidationFailedError);
    given([]).when({ type: 'CloseOutlet', data: { outletId: 'O9', closedOn: '2024-12-31', reason: '撤点' } }).thenThrows(NotFoundError);
  });
});
