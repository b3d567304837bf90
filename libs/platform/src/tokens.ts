import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { errors, jwtVerify, SignJWT } from 'jose';
import { ROLES, type Principal, type Role } from '../../application/src/index.js';


export const TOKEN_ISSUER = 'fuju-ledger';
export const TOKEN_AUDIENCE = 'fuju-ledger-api';

/**
 * The HS256 signing secret: AUTH_JWT_SECRET when set, otherwise generated once into
 * DATA_DIR/jwt-secret so the server and the CLI of the same data directory agree.
 */
export function loadJwtSecret(dataDir: string, configured?: string): Uint8Array {
  if (configured) return new TextEncoder().encode(configured);
  const file = join(dataDir, 'jwt-secret');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    try {
      writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return new TextEncoder().encode(readFileSync(file, 'utf8').trim());
}

export async function signToken(secret: Uint8Array, principal: Omit<Principal, 'subject'>, ttl = '8h'): Promise<string> {
  const subject = principal.role === 'enterprise' ? `enterprise:${principal.uscc}` : principal.role === 'bureau' ? `bureau:${principal.region}` : principal.role;
  return new SignJWT({ role: principal.role, ...(principal.uscc ? { uscc: principal.uscc } : {}), ...(principal.region ? { region: principal.region } : {}) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(subject)
    .setIssuer(TOKEN_ISSUER)
    .setAudience(TOKEN_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(ttl)
    .sign(secret);
}

/**
 * Verifies tokens and remembers the ones that passed until they expire, so a client sending
 * the same token on every request pays for one HMAC verification, not one per request. Failed
 * verifications are never cached; a cached token is dropped the moment it expires.
 */
export class TokenVerifier {
  private readonly verified = new Map<string, { principal: Principal; expiresAt: number }>();

  constructor(
    private readonly secret: Uint8Array,
    private readonly capacity = 10_000,
  ) {}

  async verify(token: string): Promise<Principal | { problem: string }> {
    const cached = this.verified.get(token);
    if (cached) {
      if (cached.expiresAt > Date.now()) return cached.principal;
      this.verified.delete(token);
    }
    const result = await verify(this.secret, token);
    if ('problem' in result) return result;
    if (result.exp !== undefined) {
      if (this.verified.size >= this.capacity) this.verified.delete(this.verified.keys().next().value as string);
      this.verified.set(token, { principal: result.principal, expiresAt: result.exp * 1000 });
    }
    return result.principal;
  }
}

/** Verifies signature, algorithm, issuer, audience and expiry; returns why it failed otherwise. */
export async function verifyToken(secret: Uint8Array, token: string): Promise<Principal | { problem: string }> {
  const result = await verify(secret, token);
  return 'problem' in result ? result : result.principal;
}

/** The verified principal and the token's expiry (seconds since the epoch), or why it failed. */
async function verify(secret: Uint8Array, token: string): Promise<{ principal: Principal; exp?: number } | { problem: string }> {
  try {
    const { payload } = await jwtVerify(token, secret, { algorithms: ['HS256'], issuer: TOKEN_ISSUER, audience: TOKEN_AUDIENCE });
    const role = payload.role as Role;
    if (!ROLES.includes(role)) return { problem: 'the token has no valid role' };
    if (role === 'enterprise' && typeof payload.uscc !== 'string') return { problem: 'an enterprise token needs a uscc claim' };
    if (role === 'bureau' && (typeof payload.region !== 'string' || !/^\d{2,6}$/.test(payload.region))) return { problem: 'a bureau token needs a region claim' };
    const principal: Principal = {
      subject: payload.sub ?? role,
      role,
      ...(role === 'enterprise' ? { uscc: payload.uscc as string } : {}),
      ...(role === 'bureau' ? { region: payload.region as string } : {}),
    };
    return { principal, exp: payload.exp };
  } catch (error) {
    if (error instanceof errors.JWTExpired) return { problem: 'the token has expired' };
    if (error instanceof errors.JWTClaimValidationFailed) return { problem: `the token's ${error.claim} claim is not accepted` };
    return { problem: 'the token is not valid' };
  }
}
