import { EVENT_SCHEMAS, EventSchemas } from './upcasting.js';

describe('event schemas and upcasters', () => {
  const schemas = new EventSchemas([
    { type: 'Thing', fromVersion: 2, description: 'b → c', upcast: (d) => ({ c: `${d.b}!` }) },
    { type: 'Thing', fromVersion: 1, description: 'a → b', upcast: (d) => ({ b: Number(d.a) * 2 }) },
  ]);
  const event = (schemaVersion: number, data: Record<string, unknown>) => ({ type: 'Thing', data, metadata: { actor: 'x', schemaVersion } });

  it('upcasts each stored version through the chain to the current one, and leaves current events alone', () => {
    expect(schemas.currentVersion('Thing')).toBe(3);
    expect(schemas.currentVersion('Other')).toBe(1);
    expect(schemas.upcast(event(1, { a: 21 }))).toEqual(event(3, { c: '42!' }));
    expect(schemas.upcast(event(2, { b: 7 }))).toEqual(event(3, { c: '7!' }));
    const current = event(3, { c: 'as is' });
    expect(schemas.upcast(current)).toBe(current);
    expect(schemas.stamp(event(1, { c: 'new' })).metadata.schemaVersion).toBe(3);
  });

  it('refuses a chain with a gap, and an event newer than the code', () => {
    expect(() => new EventSchemas([{ type: 'T', fromVersion: 2, description: '', upcast: (d) => d }])).toThrow('must run from version 1 without gaps');
    expect(() => schemas.upcast(event(4, {}))).toThrow('newer than this code reads (3)');
  });

  it('reads a version-1 deregistration as version 2 with its kind unrecorded', () => {
    const v1 = { type: 'EnterpriseDeregistered', data: { uscc: 'u', effectiveFrom: '2024-04', reason: '注销' }, metadata: { schemaVersion: 1 } };
    expect(EVENT_SCHEMAS.upcast(v1)).toEqual({ ...v1, data: { ...v1.data, kind: 'unrecorded' }, metadata: { schemaVersion: 2 } });
  });
});
