import {
  ConflictError,
  ExplanationRequiredError,
  NotFoundError,
  RuleViolationError,
  ValidationFailedError,
} from '../errors.js';
import type { CommandContext } from '../shared/event.js';
import { withUsccCheckCharacter } from '../shared/uscc.js';
import { deciderSpec } from '../../../../test/support/given-when-then.js';
import { parseEnterpriseCommand, type EnterpriseCommand, type RawEnterpriseCommand } from './enterprise.commands.js';
import { decideEnterprise, enterpriseDecider, evolveEnterprise, initialEnterpriseState } from './enterprise.decider.js';
import type { EnterpriseEvent } from './enterprise.events.js';

const USCC = withUsccCheckCharacter('91330106MA2B00001');
const context: CommandContext = { actor: 'bureau:33', role: 'bureau', requestId: 'r-1', now: '2024-06-20T02:00:00.000Z' };
const metadata = { actor: 'bureau:33', role: 'bureau' as const, requestId: 'r-1', schemaVersion: 1 };

const given = deciderSpec(enterpriseDecider, context, parseEnterpriseCommand);
/** A raw command parsed as the application's edge parses it, with the spec's context. */
const parsed = (raw: RawEnterpriseCommand): EnterpriseCommand => ({ ...parseEnterpriseCommand(raw, context.now), context }) as EnterpriseCommand;

const registered: EnterpriseEvent = {
  type: 'EnterpriseRegistered',
  data: { uscc: USCC, name: '杭州康复辅具有限公司', regionCode: '330106', segment: 'manufacturing', industryCode: '3586', productClasses: ['12 22'], registeredOn: '2020-05-01' },
  metadata,
};
const register = {
  type: 'RegisterEnterprise' as const,
  data: { uscc: USCC, name: ' 杭州康复辅具有限公司 ', regionCode: '330106', segment: 'manufacturing', industryCode: '3586', productClasses: ['1222'], registeredOn: '2020-05-01' },
};
const filed = (period: string, revenue: string, taxPaid: string, employees: number, extra: Record<string, unknown> = {}): EnterpriseEvent => ({
  type: 'MonthlyReportFiled',
  data: {
    uscc: USCC,
    period,
    revenue,
    taxPaid,
    employees,
    reportRevision: 1,
    rules: [
      { id: 'revenue-yoy', version: 1, triggered: false },
      { id: 'revenue-mom', version: 1, triggered: false },
      { id: 'employees-mom', version: 1, triggered: false },
      { id: 'tax-exceeds-revenue', version: 1, triggered: false },
    ],
    ...extra,
  },
  metadata,
});
const file = (period: string, revenue: string, taxPaid: string, employees: number, extra: Record<string, unknown> = {}) => ({
  type: 'FileMonthlyReport' as const,
  data: { uscc: USCC, period, revenue, taxPaid, employees, ...extra },
});

describe('enterprise decider', () => {
  it('registers an enterprise, normalising name and product classes', () => {
    given([]).when(register).then([registered]);
  });

  it('refuses a second registration of the same USCC', () => {
    given([registered]).when(register).thenThrows(ConflictError);
  });

  it('names every bad registration field', () => {
    given([])
      .when({ ...register, data: { ...register.data, uscc: '91330106MA2B000010', regionCode: '339999', segment: 'mining', productClasses: ['99'], registeredOn: '2030-01-01' } })
      .thenThrows(ValidationFailedError, [{ path: 'uscc' }, { path: 'regionCode' }, { path: 'segment' }, { path: 'productClasses.0' }, { path: 'registeredOn' }]);
  });

  it('files a first monthly report as revision 1 with the rule versions that ran', () => {
    given([registered]).when(file('2024-05', '1000.5', '30', 10)).then([filed('2024-05', '1000.50', '30.00', 10)]);
  });

  it('appends nothing for an identical resubmission', () => {
    given([registered, filed('2024-05', '1000.50', '30.00', 10)]).when(file('2024-05', '1000.50', '30', 10)).then([]);
  });

  it('needs a reason to correct, then records revision 2 with it', () => {
    const history = [registered, filed('2024-05', '1000.50', '30.00', 10)];
    given(history).when(file('2024-05', '1100.00', '30.00', 10)).thenThrows(ValidationFailedError, [{ path: 'reason' }]);
    const corrected = given(history).when(file('2024-05', '1100.00', '30.00', 10, { reason: '漏记一笔销售收入' }));
    corrected.then([
      {
        type: 'MonthlyReportCorrected',
        data: { ...(filed('2024-05', '1100.00', '30.00', 10).data as object), reportRevision: 2, reason: '漏记一笔销售收入' } as never,
        metadata,
      },
    ]);
  });

  it.each([
    [{ revenue: '-1' }, 'revenue', 'must not be negative'],
    [{ revenue: '1.001' }, 'revenue', 'must have at most 2 decimals'],
    [{ taxPaid: '10000000000000' }, 'taxPaid', 'must be less than 10000000000000 yuan (10^13)'],
    [{ employees: 1.5 }, 'employees', 'must be a whole number'],
    [{ employees: 1_000_001 }, 'employees', 'must not exceed 1000000'],
    [{ period: '2024-07' }, 'period', 'must not be after the current month 2024-06'],
    [{ period: '2020-04' }, 'period', 'must not be before the registration month 2020-05'],
  ])('hard edit %p rejects with %s named', (override, path, message) => {
    given([registered])
      .when({ type: 'FileMonthlyReport', data: { ...file('2024-05', '100', '1', 5).data, ...override } })
      .thenThrows(ValidationFailedError, [{ path, message }]);
  });

  it('rejects filings of a deregistered enterprise from its deregistration month', () => {
    const deregistered: EnterpriseEvent = { type: 'EnterpriseDeregistered', data: { uscc: USCC, effectiveFrom: '2024-03', reason: '注销', kind: 'other' }, metadata };
    given([registered, deregistered]).when(file('2024-03', '1', '0', 1)).thenThrows(RuleViolationError);
    given([registered, deregistered]).when(file('2024-02', '1', '0', 1)).then([filed('2024-02', '1.00', '0.00', 1)]);
  });

  it('does not file for an unregistered enterprise', () => {
    given([]).when(file('2024-05', '1', '0', 1)).thenThrows(NotFoundError);
  });

  describe('soft edits', () => {
    const lastYear = filed('2023-05', '1000.00', '10.00', 10);
    const lastMonth = filed('2024-04', '1400.00', '10.00', 10);

    it('asks for an explanation per triggered rule, naming the rule id', () => {
      given([registered, lastYear, lastMonth])
        .when(file('2024-05', '1600.00', '2000.00', 14))
        .thenThrows(ExplanationRequiredError, [{ path: 'revenue-yoy' }, { path: 'employees-mom' }, { path: 'tax-exceeds-revenue' }]);
    });

    it('rejects placeholders and short texts as explanations', () => {
      given([registered, lastYear])
        .when(file('2024-05', '1600.00', '10.00', 10, { explanations: { 'revenue-yoy': '核实无误' } }))
        .thenThrows(ExplanationRequiredError, [{ path: 'revenue-yoy' }]);
      given([registered, lastYear])
        .when(file('2024-05', '1600.00', '10.00', 10, { explanations: { 'revenue-yoy': 'ok' } }))
        .thenThrows(ExplanationRequiredError, [{ path: 'revenue-yoy' }]);
    });

    it('accepts a real explanation and keeps it with the rule versions in the event', () => {
      const text = '本月新增一条生产线投产，订单大幅增加。';
      const events = decideEnterprise(
        parsed(file('2024-05', '1600.00', '10.00', 10, { explanations: { 'revenue-yoy': text, 'unrelated-rule': 'ignored text here' } })),
        [registered, lastYear].reduce(evolveEnterprise, initialEnterpriseState()),
      );
      expect(events).toHaveLength(1);
      expect(events[0].data).toMatchObject({
        explanations: { 'revenue-yoy': text },
        rules: expect.arrayContaining([{ id: 'revenue-yoy', version: 1, triggered: true }, { id: 'revenue-mom', version: 1, triggered: false }]),
      });
    });

    it('flags a month-on-month revenue jump of more than 3 times', () => {
      given([registered, filed('2024-04', '100.00', '1.00', 10)]).when(file('2024-05', '301.00', '1.00', 10)).thenThrows(ExplanationRequiredError, [{ path: 'revenue-mom' }]);
      given([registered, filed('2024-04', '100.00', '1.00', 10)]).when(file('2024-05', '300.00', '1.00', 10)).then([filed('2024-05', '300.00', '1.00', 10)]);
    });
  });

  it('relocates from a month on and replays to the same state', () => {
    const events = decideEnterprise(parsed({ type: 'RelocateEnterprise', data: { uscc: USCC, regionCode: '330108', effectiveFrom: '2024-03' } }), evolveEnterprise(initialEnterpriseState(), registered));
    expect(events.map((e) => e.data)).toEqual([{ uscc: USCC, regionCode: '330108', effectiveFrom: '2024-03' }]);
    const state = [registered, ...events].reduce(evolveEnterprise, initialEnterpriseState());
    expect(state.regionCode).toBe('330108');
    expect(state.locations).toEqual([
      { regionCode: '330106', effectiveFrom: '2020-05' },
      { regionCode: '330108', effectiveFrom: '2024-03' },
    ]);
  });

  describe('review (issue 18)', () => {
    const may = filed('2024-05', '100.00', '1.00', 5);
    const queried: EnterpriseEvent = { type: 'FilingQueried', data: { uscc: USCC, period: '2024-05', queryId: '2024-05-q1', question: '收入变化较大，请说明。', reportRevision: 1 }, metadata };

    it('asks a numbered question about a filed month only', () => {
      given([registered, may]).when({ type: 'QueryFiling', data: { uscc: USCC, period: '2024-05', question: '收入变化较大，请说明。' } }).then([queried]);
      given([registered]).when({ type: 'QueryFiling', data: { uscc: USCC, period: '2024-05', question: '收入变化较大，请说明。' } }).thenThrows(NotFoundError);
      given([registered, may]).when({ type: 'QueryFiling', data: { uscc: USCC, period: '2024-05', question: 'ok' } }).thenThrows(ValidationFailedError, [{ path: 'question' }]);
    });

    it('refuses acceptance while a query is open; a correction closes it and says so', () => {
      given([registered, may, queried]).when({ type: 'AcceptFiling', data: { uscc: USCC, period: '2024-05' } }).thenThrows(RuleViolationError, [{ path: '2024-05-q1' }]);
      const [corrected] = decideEnterprise(parsed(file('2024-05', '120.00', '1.00', 5, { reason: '补录一笔收入' })), [registered, may, queried].reduce(evolveEnterprise, initialEnterpriseState()));
      expect((corrected.data as { closesQueries?: string[] }).closesQueries).toEqual(['2024-05-q1']);
      given([registered, may, queried, corrected])
        .when({ type: 'AcceptFiling', data: { uscc: USCC, period: '2024-05' } })
        .then([{ type: 'FilingAccepted', data: { uscc: USCC, period: '2024-05', reportRevision: 2 }, metadata }]);
    });

    it('reminds of an unfiled month once, and never of a filed one or one before registration', () => {
      const reminded: EnterpriseEvent = { type: 'FilingReminderSent', data: { uscc: USCC, period: '2024-04' }, metadata };
      given([registered]).when({ type: 'SendFilingReminder', data: { uscc: USCC, period: '2024-04' } }).then([reminded]);
      given([registered, reminded]).when({ type: 'SendFilingReminder', data: { uscc: USCC, period: '2024-04' } }).then([]);
      given([registered, may]).when({ type: 'SendFilingReminder', data: { uscc: USCC, period: '2024-05' } }).then([]);
      given([registered]).when({ type: 'SendFilingReminder', data: { uscc: USCC, period: '2020-04' } }).then([]);
    });
  });

  describe('annual report (年报)', () => {
    const annual = (year: number | string, extra: Record<string, unknown> = {}) => ({
      type: 'FileAnnualReport' as const,
      data: { uscc: USCC, year, revenueByClass: { '1222': '1000000', other: '50000.5' }, exportRevenue: '200000', rdSpending: '30000', employees: 40, ...extra },
    });
    const RULES = [
      { id: 'annual-revenue-vs-months', version: 1, triggered: false },
      { id: 'annual-employees-vs-december', version: 1, triggered: false },
      { id: 'rd-over-half-revenue', version: 1, triggered: false },
    ];
    const annualFiled: EnterpriseEvent = {
      type: 'AnnualReportFiled',
      data: {
        uscc: USCC,
        year: 2023,
        revenueByClass: { '12 22': '1000000.00', other: '50000.50' },
        revenue: '1050000.50',
        exportRevenue: '200000.00',
        rdSpending: '30000.00',
        employees: 40,
        reportRevision: 1,
        rules: RULES,
      },
      metadata,
    };

    it('files once per year with classes normalised and the total summed; the same figures again append nothing', () => {
      given([registered]).when(annual(2023)).then([annualFiled]);
      given([registered, annualFiled]).when(annual('2023')).then([]);
    });

    it('rejects a year not ended, before registration or from deregistration, and an undeclared class', () => {
      given([registered]).when(annual(2024)).thenThrows(ValidationFailedError, [{ path: 'year' }]); // now is 2024
      given([registered]).when(annual(2019)).thenThrows(ValidationFailedError, [{ path: 'year' }]);
      const gone: EnterpriseEvent = { type: 'EnterpriseDeregistered', data: { uscc: USCC, effectiveFrom: '2023-01', reason: '企业已注销，停止经营', kind: 'other' }, metadata };
      given([registered, gone]).when(annual(2023)).thenThrows(RuleViolationError);
      given([registered]).when(annual(2023, { revenueByClass: { '18 12': '5.00' }, exportRevenue: '0' })).thenThrows(ValidationFailedError, [{ path: 'revenueByClass.18 12' }]);
    });

    it('needs a reason to correct, and an explanation when revenue is more than 5% off the months', () => {
      given([registered, annualFiled]).when(annual(2023, { exportRevenue: '1.00' })).thenThrows(ValidationFailedError, [{ path: 'reason' }]);
      const months = Array.from({ length: 12 }, (_, i) => filed(`2023-${String(i + 1).padStart(2, '0')}`, '80000.00', '0.00', 40));
      // Σ months 960,000.00 × 1.05 = 1,008,000.00 < 1,050,000.50.
      given([registered, ...months]).when(annual(2023)).thenThrows(ExplanationRequiredError, [{ path: 'annual-revenue-vs-months' }]);
      given([registered, ...months])
        .when(annual(2023, { revenueByClass: { '12 22': '1008000.00' } }))
        .then([{ ...annualFiled, data: { ...annualFiled.data, revenueByClass: { '12 22': '1008000.00' }, revenue: '1008000.00' } } as EnterpriseEvent]);
    });
  });
});
