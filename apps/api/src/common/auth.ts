import { createParamDecorator, Inject, Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { ForbiddenError, UnauthenticatedError } from '../../../../libs/domain/src/index.js';
import { JWT_SECRET, TokenVerifier, type Principal, type Role } from '../../../../libs/platform/src/index.js';

const ROLES_KEY = 'fuju:roles';
const PUBLIC_KEY = 'fuju:public';

/** Roles allowed to call a route (every other role gets 403). */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);
/** A route that needs no token. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
const OPTIONAL_KEY = 'fuju:optional-auth';
/** A route anyone may call; a token, when sent, must be valid and tells who is asking. */
export const OptionalAuth = () => SetMetadata(OPTIONAL_KEY, true);

export type AuthenticatedRequest = FastifyRequest & { principal?: Principal };

@Injectable()
export class AuthGuard implements CanActivate {
  private readonly tokens: TokenVerifier;

  constructor(
    private readonly reflector: Reflector,
    @Inject(JWT_SECRET) secret: Uint8Array,
  ) {
    this.tokens = new TokenVerifier(secret);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization;
    if (header === undefined && this.reflector.getAllAndOverride<boolean>(OPTIONAL_KEY, targets)) return true;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) throw new UnauthenticatedError('an Authorization: Bearer <token> header is required');
    const verified = await this.tokens.verify(match[1]);
    if ('problem' in verified) throw new UnauthenticatedError(verified.problem);
    request.principal = verified;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(verified.role)) throw new ForbiddenError(`the ${verified.role} role may not ${request.method} ${request.routeOptions.url ?? request.url}`);
    return true;
  }
}

/** What a command or query handler needs to know about the HTTP request. */
export interface RequestContext {
  readonly principal: Principal;
  readonly requestId: string;
  readonly idempotencyKey?: string;
  readonly ifMatch?: number;
}

export const Context = createParamDecorator((_: unknown, ctx: ExecutionContext): RequestContext => {
  const request = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
  const key = request.headers['idempotency-key'];
  const ifMatch = request.headers['if-match'];
  return {
    principal: request.principal ?? { subject: 'anonymous', role: 'anonymous' as never },
    requestId: String(request.id),
    ...(typeof key === 'string' && key.length ? { idempotencyKey: key } : {}),
    ...(typeof ifMatch === 'string' ? { ifMatch: parseIfMatch(ifMatch) } : {}),
  };
});

/** An ETag of ours ("3", W/"3" or a bare 3) or * (any version: IF_MATCH_ANY in the executor); -1 when malformed. */
function parseIfMatch(value: string): number {
  if (value.trim() === '*') return -2;
  const m = /^(?:W\/)?"?(\d+)"?$/.exec(value.trim());
  if (!m) return -1;
  return Number(m[1]);
}

/** Region-scoped access: a bureau acts only inside its prefix; regulators and admins everywhere. */
export function assertRegionAccess(principal: Principal, region: string, action = 'read figures for'): void {
  if (principal.role === 'regulator' || principal.role === 'admin') return;
  if (principal.role === 'bureau' && principal.region && region.startsWith(principal.region)) return;
  const where = region === '' ? 'the whole country' : `region ${region}`;
  throw new ForbiddenError(
    principal.role === 'bureau' ? `a bureau for region ${principal.region} may not ${action} ${where}` : `the ${principal.role} role may not ${action} ${where}`,
  );
}

/** An enterprise acts only for itself; its bureau for enterprises in its region. */
export function assertEnterpriseAccess(principal: Principal, uscc: string, enterpriseRegion: string | undefined, action: string): void {
  if (principal.role === 'admin') return;
  if (principal.role === 'enterprise' && principal.uscc === uscc) return;
  if (principal.role === 'bureau' && principal.region && enterpriseRegion?.startsWith(principal.region)) return;
  throw new ForbiddenError(`the ${principal.role} token may not ${action} enterprise ${uscc}`);
}

/**
 * Outlets and rentals are acted on by the owning enterprise, or by the bureau of the region the
 * outlet's community lies in. Admin reaches this only through the CLI import (the HTTP routes
 * admit enterprise and bureau).
 */
export function assertServiceAccess(principal: Principal, ownerUscc: string, communityCode: string, action: string): void {
  if (principal.role === 'admin') return;
  if (principal.role === 'enterprise' && principal.uscc === ownerUscc) return;
  if (principal.role === 'bureau' && principal.region && communityCode.startsWith(principal.region)) return;
  throw new ForbiddenError(`the ${principal.role} token may not ${action} of enterprise ${ownerUscc} in community ${communityCode}`);
}
