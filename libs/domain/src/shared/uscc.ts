const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** The GB 32100-2015 check character for the first 17 characters of a USCC, or undefined if they are malformed. */
export function usccCheckCharacter(first17: string): string | undefined {
  if (first17.length !== 17) return undefined;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = ALPHABET.indexOf(first17[i]);
    if (value < 0) return undefined;
    sum += value * WEIGHTS[i];
  }
  const check = 31 - (sum % 31);
  return ALPHABET[check === 31 ? 0 : check];
}

/** Why a USCC is invalid, or undefined when it is a well-formed code with the right check character. */
export function usccProblem(uscc: string): string | undefined {
  if (typeof uscc !== 'string' || uscc.length !== 18) return 'must be 18 characters';
  for (const ch of uscc) if (!ALPHABET.includes(ch)) return `character "${ch}" is not allowed (GB 32100-2015 uses 0-9 and A-Y without I, O, S, V, Z)`;
  const expected = usccCheckCharacter(uscc.slice(0, 17));
  if (expected !== uscc[17]) return `check character should be ${expected}, not ${uscc[17]} (GB 32100-2015)`;
  return undefined;
}

export function isValidUscc(uscc: string): boolean {
  return usccProblem(uscc) === undefined;
}

/** Completes 17 characters into a valid USCC (for generated test and demo data). */
export function withUsccCheckCharacter(first17: string): string {
  const check = usccCheckCharacter(first17);
  if (!check) throw new Error(`not a USCC body: ${first17}`);
  return first17 + check;
}
