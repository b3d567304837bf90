import 'reflect-metadata';
import fc from 'fast-check';
import { getMetadataStorage } from 'class-validator';
import { FujuError, ValidationFailedError } from '../../../../libs/domain/src/index.js';

import {
  AmendEnterpriseDetailsInput,
  CloseOutletInput,
  DeregisterEnterpriseInput,
  DesignatePilotInput,
  DiscardReleaseInput,
  DraftReleaseInput,
  FileMonthlyReportInput,
  OpenOutletInput,
  RegisterEnterpriseInput,
  RelocateEnterpriseInput,
  ReportInvestmentInput,
  ReturnRentalInput,
  StartRentalInput,
  validationPipe,
} from '../../../../libs/application/src/index.js';
import { GetStatisticsRequestDto } from '../statistics/statistics.request.dto.js';

/**
 * Property tests of every request DTO through the validation pipe the API uses: a valid body
 * passes unchanged; a wrong type in any field, or any unknown field, is a 400 naming that field;
 * and any JSON value at all is either accepted or refused with a ValidationFailedError, never
 * another error.
 */

type Dto = new () => object;
const DTOS: { dto: Dto; type: 'body' | 'query'; valid: Record<string, unknown> }[] = [
  { dto: FileMonthlyReportInput, type: 'body', valid: { revenue: '1234.50', taxPaid: '12.00', employees: 12, explanations: { 'revenue-yoy': '新产线投产' }, reason: '更正' } },
  {
    dto: RegisterEnterpriseInput,
    type: 'body',
    valid: { uscc: '91330106MA2X00001D', name: '某企业', regionCode: '330106', segment: 'manufacturing', industryCode: 'C3586', productClasses: ['12'], registeredOn: '2022-01-01' },
  },
  { dto: RelocateEnterpriseInput, type: 'body', valid: { regionCode: '330108', effectiveFrom: '2024-03' } },
  { dto: AmendEnterpriseDetailsInput, type: 'body', valid: { name: '杭州康复辅具股份有限公司', segment: 'distribution', industryCode: '3586', productClasses: ['12 22'] } },
  { dto: DeregisterEnterpriseInput, type: 'body', valid: { effectiveFrom: '2024-03', reason: '注销' } },
  { dto: OpenOutletInput, type: 'body', valid: { outletId: 'o-1', uscc: '91330106MA2X00001D', kind: 'rental_point', communityCode: '330106002051', name: '网点', openedOn: '2023-01-01' } },
  { dto: CloseOutletInput, type: 'body', valid: { closedOn: '2024-01-01', reason: '停业' } },
  {
    dto: StartRentalInput,
    type: 'body',
    valid: { rentalId: 'r-1', outletId: 'o-1', productClass: '12 22', traceCode: 'T-1', beneficiary: 'elderly', startedOn: '2023-02-01', monthlyFee: '100.00', monthlySubsidy: '50.00' },
  },
  { dto: ReturnRentalInput, type: 'body', valid: { endedOn: '2023-05-01', disinfectedOn: '2023-05-02' } },
  {
    dto: DesignatePilotInput,
    type: 'body',
    valid: { regionCode: '3304', name: '嘉兴市', batch: 1, startYear: 2017, endYear: 2020, targets: [{ indicator: 'revenue', year: 2020, value: '100.00', source: '承诺函' }], reason: '重述' },
  },
  { dto: ReportInvestmentInput, type: 'body', valid: { year: 2020, amount: '100.00', source: '财政局', reason: '审计调整' } },
  { dto: DiscardReleaseInput, type: 'body', valid: { reason: '期别填写错误' } },
  { dto: DraftReleaseInput, type: 'body', valid: { title: '2024年统计', period: '2024', region: '33', tables: [{ indicator: 'revenue', groupBy: 'region', regionLevel: 'city' }] } },
  { dto: GetStatisticsRequestDto, type: 'query', valid: { period: '2024', region: '33', groupBy: 'region', regionLevel: 'city', kind: 'rental_point', asOf: '2025-01-01T00:00:00Z' } },
];

const check = (entry: (typeof DTOS)[number], value: unknown) => validationPipe.transform(value, { type: entry.type, metatype: entry.dto });

/** A value of another JSON type than the field's valid one. */
function wrongTypeFor(valid: unknown): fc.Arbitrary<unknown> {
  const others = [fc.integer(), fc.double({ noNaN: true }), fc.boolean(), fc.constant(null), fc.string(), fc.array(fc.integer(), { maxLength: 2 }), fc.dictionary(fc.string(), fc.integer(), { maxKeys: 2 })];
  if (typeof valid === 'string') return fc.oneof(others[0], others[1], others[2], others[5], others[6]);
  if (typeof valid === 'number') return fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Number.isInteger(n)), others[2], others[4], others[5]);
  if (Array.isArray(valid)) return fc.oneof(others[0], others[2], others[4], others[6]);
  return fc.oneof(others[0], others[2], others[4]);
}

describe.each(DTOS.map((d) => [d.dto.name, d] as const))('%s', (_name, entry) => {
  it('accepts its valid example unchanged', async () => {
    const result = await check(entry, structuredClone(entry.valid));
    expect(result).toBeInstanceOf(entry.dto);
    expect(JSON.parse(JSON.stringify(result))).toEqual(entry.valid);
  });

  it('refuses a wrong type in any field, naming the field', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...Object.keys(entry.valid)).chain((field) => wrongTypeFor(entry.valid[field]).map((value) => ({ field, value }))),
        async ({ field, value }) => {
          const error = await check(entry, { ...structuredClone(entry.valid), [field]: value }).then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(error).toBeInstanceOf(ValidationFailedError);
          expect((error as ValidationFailedError).errors.map((p) => p.path.split('.')[0])).toContain(field);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('refuses any unknown field, naming it', async () => {
    // Every property the DTO declares (not only those of the example): "to" is known to the statistics query even if the example leaves it out.
    const known = new Set(getMetadataStorage().getTargetValidationMetadatas(entry.dto, '', true, false).map((m) => m.propertyName));
    expect([...known]).toEqual(expect.arrayContaining(Object.keys(entry.valid)));
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !known.has(k) && k !== '__proto__'),
        fc.jsonValue(),
        async (field, value) => {
          const error = await check(entry, { ...structuredClone(entry.valid), [field]: value }).then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(error).toBeInstanceOf(ValidationFailedError);
          expect((error as ValidationFailedError).errors).toContainEqual({ path: field, message: 'is not a known field' });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('accepts or refuses any JSON value with a field-naming problem, never another error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue(), fc.dictionary(fc.constantFrom(...Object.keys(entry.valid), 'x'), fc.jsonValue())), async (value) => {
        const error = await check(entry, value).then(
          () => undefined,
          (e: unknown) => e,
        );
        if (error === undefined) return;
        expect(error).toBeInstanceOf(FujuError);
        expect(error).toBeInstanceOf(ValidationFailedError);
      }),
      { numRuns: 80 },
    );
  });
});
