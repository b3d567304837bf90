import { INDICATORS } from './indicators.js';

describe('the indicator catalogue’s statistical metadata (issue 21, point 2)', () => {
  it('gives every indicator a Chinese definition, its form and items, frequency and deadline', () => {
    for (const i of INDICATORS) {
      expect([i.id, i.metadata.definitionZh.length > 5, i.metadata.source.items.length > 0, i.metadata.unitMultiplier]).toEqual([i.id, true, true, 0]);
      expect([i.id, i.metadata.frequency]).toEqual([i.id, i.family === 'annual' ? 'annual' : 'monthly']);
      const deadline = i.family === 'report' ? /15th of the following month/ : i.family === 'annual' ? /31 March of the following year/ : /recorded as the events happen/;
      expect([i.id, deadline.test(i.metadata.deadline)]).toEqual([i.id, true]);
    }
    expect(INDICATORS.map((i) => i.id)).toHaveLength(14);
  });
});
