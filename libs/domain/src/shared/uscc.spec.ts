import { isValidUscc, usccCheckCharacter, usccProblem, withUsccCheckCharacter } from './uscc.js';

describe('USCC check character (GB 32100-2015)', () => {
  it('accepts well-formed codes and rejects a wrong check character', () => {
    expect(isValidUscc('91350100M000100Y43')).toBe(true);
    expect(isValidUscc('91110000100006385X')).toBe(true);
    expect(isValidUscc('91350100M000100Y44')).toBe(false);
  });

  it('computes the check character by the weighted sum mod 31', () => {
    // 91350100M000100Y4 (M = 21, Y = 30): 9·1+1·3+3·9+5·27+1·26+21·20+1·8+30·30+4·28 = 1640; 31 − 1640 mod 31 = 3
    expect(usccCheckCharacter('91350100M000100Y4')).toBe('3');
    // 91110000100006385: 9+3+9+27+20+6·24+3·10+8·30+5·28 = 622; 31 − 622 mod 31 = 29 → X
    expect(withUsccCheckCharacter('91110000100006385')).toBe('91110000100006385X');
  });

  it('names what is wrong', () => {
    expect(usccProblem('91110000100006385W')).toBe('check character should be X, not W (GB 32100-2015)');
    expect(usccProblem('9111000010000638')).toBe('must be 18 characters');
    expect(usccProblem('9111000010000638IW')).toMatch(/character "I" is not allowed/);
  });
});
