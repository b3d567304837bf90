/**
 * Money is exact: decimal strings with at most 2 decimals on the wire, integer fen inside.
 * 10^13 yuan is 10^15 fen, well inside Number.MAX_SAFE_INTEGER.
 */
export const MAX_AMOUNT_FEN = 10 ** 15; // exclusive: amounts of 10^13 yuan or more are rejected

/** Parses a decimal yuan string into fen, or returns why it cannot. */
export function parseYuan(value: unknown): { fen: number } | { problem: string } {
  if (typeof value !== 'string') return { problem: 'must be a decimal string such as "1234.50"' };
  const m = /^(-)?(\d+)(?:\.(\d+))?$/.exec(value.trim());
  if (!m) return { problem: 'must be a decimal string such as "1234.50"' };
  if (m[1]) return { problem: 'must not be negative' };
  const decimals = m[3] ?? '';
  if (decimals.length > 2) return { problem: 'must have at most 2 decimals' };
  const integer = m[2].replace(/^0+(?=\d)/, '');
  if (integer.length > 13) return { problem: 'must be less than 10000000000000 yuan (10^13)' };
  const fen = Number(integer) * 100 + Number(decimals.padEnd(2, '0'));
  if (fen >= MAX_AMOUNT_FEN) return { problem: 'must be less than 10000000000000 yuan (10^13)' };
  return { fen };
}

/** Formats fen (number or bigint) as a yuan string with exactly 2 decimals. */
export function formatFen(fen: number | bigint): string {
  const value = BigInt(fen);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const yuan = abs / 100n;
  const cents = (abs % 100n).toString().padStart(2, '0');
  return `${negative ? '-' : ''}${yuan}.${cents}`;
}
