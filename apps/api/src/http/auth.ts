import { createParamDecorator, Inject, Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { fingerprint, type CommandMeta, type CommandResult, type ExpectedVersion, type Principal, type Role } from '../../../../libs/application/src/index.js';
import { ForbiddenError, UnauthenticatedError, ValidationFailedError } from '../../../../libs/domain/src/index.js';
import { JWT_SECRET, TokenVerifier } from '../../../../libs/platform/src/index.js';

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

/** Who asks a query, and the request's id. */
export interface RequestContext {
  readonly principal: Principal;
  readonly requestId: string;
}

function principalOf(request: AuthenticatedRequest): Principal {
  return request.principal ?? { subject: 'anonymous', role: 'anonymous' as never };
}

export const Context = createParamDecorator((_: unknown, ctx: ExecutionContext): RequestContext => {
  const request = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
  return { principal: principalOf(request), requestId: String(request.id) };
});

/**
 * A write's command meta from its HTTP request: the actor, `If-Match` as the expected version and
 * `Idempotency-Key` with the request's fingerprint (method, path and body; `{ body: false }` for
 * routes whose body is not part of the request).
 */
export const Meta = createParamDecorator((options: { body?: boolean } | undefined, ctx: ExecutionContext): CommandMeta => {
  const request = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
  const key = request.headers['idempotency-key'];
  const ifMatch = request.headers['if-match'];
  const path = request.url.split('?')[0];
  const withBody = options?.body !== false && request.body !== undefined;
  return {
    actor: principalOf(request),
    requestId: String(request.id),
    ...(typeof ifMatch === 'string' ? { expectedVersion: parseIfMatch(ifMatch) } : {}),
    ...(typeof key === 'string' && key.length
      ? { idempotency: { key: checkKey(key), fingerprint: fingerprint(withBody ? [request.method, decoded(path), request.body] : [request.method, decoded(path)]) } }
      : {}),
  };
});

function decoded(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

function checkKey(key: string): string {
  if (key.length > 200 || !/^[\x21-\x7e]+$/.test(key)) throw ValidationFailedError.field('Idempotency-Key', 'must be 1-200 printable ASCII characters');
  return key;
}

/** An ETag of ours ("3", W/"3" or a bare 3), or * (any version, but the resource must exist). */
function parseIfMatch(value: string): ExpectedVersion {
  if (value.trim() === '*') return 'exists';
  const m = /^(?:W\/)?"?(\d+)"?$/.exec(value.trim());
  if (!m) throw ValidationFailedError.field('If-Match', 'must be the ETag a GET of the resource sent, such as "3", or *');
  return Number(m[1]);
}

/** A write's answer: 201 when it created something, 200 otherwise; the body names the event it ended at. */
export function answer(reply: FastifyReply, result: CommandResult): Pick<CommandResult, 'streamId' | 'revision' | 'position' | 'recordedAt'> {
  reply.status(result.created ? 201 : 200);
  return { streamId: result.streamId, revision: result.revision, position: result.position, recordedAt: result.recordedAt };
}
