import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { map, type Observable } from 'rxjs';

/** The strong ETag of a resource at a revision: the same value `If-Match` on a write compares with. */
export const etagOf = (revision: number): string => `"${revision}"`;

function matches(ifNoneMatch: string, etag: string): boolean {
  return ifNoneMatch.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t === etag || t === `W/${etag}`;
  });
}

/**
 * GET of a writable resource (RFC 9110): sends `ETag: "<revision>"` from the body's `revision`,
 * and answers `If-None-Match` with that tag by 304 Not Modified and no body.
 */
@Injectable()
export class ETagInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    return next.handle().pipe(
      map((body: unknown) => {
        const revision = (body as { revision?: unknown } | null)?.revision;
        if (typeof revision !== 'number') return body;
        const etag = etagOf(revision);
        reply.header('etag', etag);
        const ifNoneMatch = request.headers['if-none-match'];
        if (typeof ifNoneMatch === 'string' && matches(ifNoneMatch, etag)) {
          reply.status(304);
          return undefined;
        }
        return body;
      }),
    );
  }
}
