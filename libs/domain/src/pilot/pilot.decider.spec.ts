import { deciderSpec } from '../../../../test/support/given-when-then.js';
import { NotFoundError, ValidationFailedError } from '../errors.js';
import { metadataOf, type CommandContext } from '../shared/event.js';
import { parsePilotCommand, pilotDecider, type PilotCommand, type PilotEvent, type PilotState, type RawPilotCommand } from './pilot.decider.js';

const context: CommandContext = { actor: 'admin:ministry', role: 'admin', requestId: 'p-1', now: '2025-06-30T04:00:00.000Z' };
const metadata = metadataOf(context);
const given = deciderSpec<PilotCommand, PilotState, PilotEvent, RawPilotCommand>(pilotDecider, context, parsePilotCommand);

const target = { indicator: 'outlets-active' as const, year: 2025, value: 20, source: '全市建成20个租赁服务点', kind: 'rental_point' };
const designated: PilotEvent = { type: 'PilotDesignated', data: { regionCode: '3304', name: '嘉兴市', batch: 2, startYear: 2020, endYear: 2025 }, metadata };
const committed: PilotEvent = { type: 'PilotTargetsCommitted', data: { regionCode: '3304', targets: [target] }, metadata };

describe('pilot decider (given / when / then)', () => {
  it('designates a pilot region with its committed targets, once', () => {
    const designate = { type: 'DesignatePilot' as const, data: { regionCode: '3304', name: ' 嘉兴市 ', batch: 2, startYear: 2020, endYear: 2025, targets: [target] } };
    given([]).when(designate).then([{ ...designated }, committed]);
    // The same designation again changes nothing.
    given([designated, committed]).when(designate).then([]);
  });

  it('restates targets only with a substantive reason, kept with the amendment', () => {
    const restated = { ...target, value: 25 };
    const designate = { type: 'DesignatePilot' as const, data: { regionCode: '3304', name: '嘉兴市', batch: 2, startYear: 2020, endYear: 2025, targets: [restated] } };
    given([designated, committed]).when(designate).thenThrows(ValidationFailedError, [{ path: 'reason', message: 'is required to restate the targets of a designated pilot' }]);
    given([designated, committed])
      .when({ ...designate, data: { ...designate.data, reason: '省厅批复调整租赁点建设目标' } })
      .then([{ type: 'PilotTargetsAmended', data: { regionCode: '3304', targets: [restated], reason: '省厅批复调整租赁点建设目标' }, metadata }]);
  });

  it('records investment of a designated pilot only, and refuses a province or a bad amount', () => {
    given([designated])
      .when({ type: 'ReportPilotInvestment', data: { regionCode: '3304', year: 2024, amount: '1500000.5', source: '市财政局决算' } })
      .then([{ type: 'PilotInvestmentReported', data: { regionCode: '3304', year: 2024, amount: '1500000.50', source: '市财政局决算' }, metadata }]);
    given([]).when({ type: 'ReportPilotInvestment', data: { regionCode: '3304', year: 2024, amount: '1.00', source: '决算' } }).thenThrows(NotFoundError);
    given([designated]).when({ type: 'ReportPilotInvestment', data: { regionCode: '3304', year: 2024, amount: '-5', source: '决算' } }).thenThrows(ValidationFailedError, [{ path: 'amount' }]);
    given([])
      .when({ type: 'DesignatePilot', data: { regionCode: '33', name: '浙江省', batch: 2, startYear: 2020, endYear: 2025, targets: [] } })
      .thenThrows(ValidationFailedError, [{ path: 'regionCode', message: 'must be an existing city (4-digit) or district (6-digit) GB/T 2260 code' }]);
  });
});
