import { formatFen, parseYuan } from './money.js';

describe('money', () => {
  it.each([
    ['0', 0],
    ['12', 1200],
    ['12.5', 1250],
    ['12.05', 1205],
    ['9999999999999.99', 999999999999999],
  ])('parses %s yuan as %d fen', (yuan, fen) => {
    expect(parseYuan(yuan)).toEqual({ fen });
  });

  it.each([
    ['-1', 'must not be negative'],
    ['1.234', 'must have at most 2 decimals'],
    ['10000000000000', 'must be less than 10000000000000 yuan (10^13)'],
    ['1e5', 'must be a decimal string such as "1234.50"'],
    [12, 'must be a decimal string such as "1234.50"'],
  ])('rejects %p: %s', (value, problem) => {
    expect(parseYuan(value)).toEqual({ problem });
  });

  it('formats fen with exactly two decimals, beyond the safe integer range too', () => {
    expect(formatFen(0)).toBe('0.00');
    expect(formatFen(1205)).toBe('12.05');
    expect(formatFen(123456789012345678901n)).toBe('1234567890123456789.01');
  });
});
