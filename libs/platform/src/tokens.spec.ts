import { signToken, TokenVerifier } from './tokens.js';

const secret = new TextEncoder().encode('a-test-secret-of-at-least-32-characters!');
const other = new TextEncoder().encode('another-secret-of-at-least-32-characters');

describe('TokenVerifier', () => {
  it('answers a verified token again from its cache, and stops at the token’s expiry', async () => {
    const verifier = new TokenVerifier(secret);
    const token = await signToken(secret, { role: 'bureau', region: '33' }, '2s');
    expect(await verifier.verify(token)).toEqual({ subject: 'bureau:33', role: 'bureau', region: '33' });
    expect(await verifier.verify(token)).toEqual({ subject: 'bureau:33', role: 'bureau', region: '33' });
    await new Promise((r) => setTimeout(r, 2100));
    expect(await verifier.verify(token)).toEqual({ problem: 'the token has expired' });
  });

  it('never caches a refusal: a forged token stays refused and does not shadow a good one', async () => {
    const verifier = new TokenVerifier(secret);
    const forged = await signToken(other, { role: 'admin' });
    expect(await verifier.verify(forged)).toEqual({ problem: 'the token is not valid' });
    expect(await verifier.verify(forged)).toEqual({ problem: 'the token is not valid' });
    expect(await verifier.verify(await signToken(secret, { role: 'admin' }))).toEqual({ subject: 'admin', role: 'admin' });
  });

  it('keeps at most its capacity of tokens', async () => {
    const verifier = new TokenVerifier(secret, 2);
    const tokens = await Promise.all(['11', '12', '13'].map((region) => signToken(secret, { role: 'bureau', region })));
    for (const t of tokens) await verifier.verify(t);
    expect((verifier as unknown as { verified: Map<string, unknown> }).verified.size).toBe(2);
  });
});
