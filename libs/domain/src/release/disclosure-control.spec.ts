import { applyDisclosureControl, type ControlCell } from './disclosure-control.js';

const cell = (id: string, value: number, contributors: number, top: number, groups = ['g'], extra: Partial<ControlCell> = {}): ControlCell => ({ id, groups, value, contributors, top, sensitive: true, ...extra });
const total = (value: number, contributors: number, top: number): ControlCell => ({ id: 'total', groups: [], totalOf: 'g', value, contributors, top, sensitive: true });

describe('disclosure control', () => {
  it('hides cells with fewer than 3 contributors or one contributor above 85%, then a second cell in the group', () => {
    const hidden = applyDisclosureControl([
      cell('a', 100, 2, 60),
      cell('b', 1000, 5, 900),
      cell('c', 500, 4, 200),
      cell('d', 300, 6, 100),
      total(1900, 17, 900),
    ]);
    expect([...hidden.entries()].sort()).toEqual([
      ['a', 'primary'],
      ['b', 'primary'],
    ]);
  });

  it('adds the smallest other cell when only one cell of a published total is hidden', () => {
    const hidden = applyDisclosureControl([cell('a', 100, 2, 60), cell('b', 1000, 5, 300), cell('c', 500, 4, 200), cell('d', 300, 6, 100), total(1900, 17, 300)]);
    expect([...hidden.entries()].sort()).toEqual([
      ['a', 'primary'],
      ['d', 'secondary'],
    ]);
  });

  it('hides the total when the hidden cell is alone in its group, and never protects counts', () => {
    expect([...applyDisclosureControl([cell('a', 100, 1, 100), total(100, 1, 100)]).entries()].sort()).toEqual([
      ['a', 'primary'],
      ['total', 'primary'],
    ]);
    expect(applyDisclosureControl([cell('a', 1, 1, 1, ['g'], { sensitive: false })]).size).toBe(0);
  });

  it('keeps a cell hidden that an earlier release hid, and protects it by a second one', () => {
    const hidden = applyDisclosureControl([cell('a', 100, 9, 20, ['g'], { previouslyHidden: true }), cell('b', 50, 9, 10), cell('c', 70, 9, 10), total(220, 27, 20)]);
    expect([...hidden.entries()].sort()).toEqual([
      ['a', 'primary'],
      ['b', 'secondary'],
    ]);
  });
});
