import { Catch, HttpException, Inject, Logger, Optional, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { FujuError, type ErrorCode, type FieldProblem } from '../../../../libs/domain/src/index.js';
import { APP_CONFIG, type AppConfig } from '../../../../libs/platform/src/index.js';
import { detailZh, fieldMessageZh, languageOf, TITLES_ZH } from './problem-language.js';

const STATUS: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PRECONDITION_FAILED: 412,
  EXPLANATION_REQUIRED: 422,
  IDEMPOTENCY_KEY_REUSED: 422,
  RULE_VIOLATION: 422,
};

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthenticated',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  409: 'Conflict',
  412: 'Precondition failed',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Unprocessable entity',
  429: 'Too many requests',
  431: 'Request header fields too large',
  500: 'Internal server error',
  503: 'Service unavailable',
};

const CODE_BY_STATUS: Record<number, string> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  412: 'PRECONDITION_FAILED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  431: 'REQUEST_TOO_LARGE',
};

/**
 * Requests Node's HTTP parser refuses before any route sees them (raw non-ASCII bytes in the
 * URL, a URL or headers over the size limit) still get problem+json, written on the socket.
 */
export function clientErrorResponse(error: { code?: string }): string {
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  const code = CODE_BY_STATUS[status];
  const detail =
    status === 431
      ? 'the request line or headers exceed 16 KiB: send long filters in fewer, shorter parameters'
      : 'the request could not be parsed: characters outside ASCII in the URL must be percent-encoded (UTF-8)';
  const body = JSON.stringify({ type: `https://fuju-ledger.example/problems/${code.toLowerCase().replace(/_/g, '-')}`, title: TITLES[status], status, detail, code });
  return (
    `HTTP/1.1 ${status} ${TITLES[status]}\r\nContent-Type: application/problem+json; charset=utf-8\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  );
}

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: FieldProblem[];
  instance?: string;
}

/** Maps every error to application/problem+json with a stable code; never leaks a stack or SQL. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  constructor(@Optional() @Inject(APP_CONFIG) private readonly config?: AppConfig) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const english = this.toProblem(exception);
    if (english.status >= 500) this.logger.error(`${request.method} ${request.url} failed: ${exception instanceof Error ? exception.stack : String(exception)}`);
    const language = languageOf(request.headers['accept-language'], this.config?.language ?? 'en');
    const problem = language === 'zh' ? inChinese(english) : english;
    reply
      .status(problem.status)
      .header('content-type', 'application/problem+json; charset=utf-8')
      .header('content-language', language)
      .header('vary', 'Accept-Language')
      .send({ ...problem, instance: request.url.split('?')[0] });
  }

  private toProblem(exception: unknown): ProblemDetails {
    if (exception instanceof FujuError) {
      const status = STATUS[exception.code];
      return {
        type: `https://fuju-ledger.example/problems/${exception.code.toLowerCase().replace(/_/g, '-')}`,
        title: TITLES[status],
        status,
        detail: exception.message,
        code: exception.code,
        ...(exception.errors.length ? { errors: [...exception.errors] } : {}),
      };
    }
    const status = exception instanceof HttpException ? exception.getStatus() : httpStatusOf(exception);
    const code = CODE_BY_STATUS[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'HTTP_ERROR');
    const detail =
      status >= 500
        ? 'the server could not complete the request; nothing was stored'
        : exception instanceof HttpException
          ? messageOf(exception)
          : exception instanceof Error
            ? exception.message
            : 'the request could not be processed';
    return { type: `https://fuju-ledger.example/problems/${code.toLowerCase().replace(/_/g, '-')}`, title: TITLES[status] ?? 'Error', status, detail, code };
  }
}

/** The same problem with its title, detail and field messages in Chinese (code, status and paths unchanged). */
function inChinese(problem: ProblemDetails): ProblemDetails {
  const errors = problem.errors ?? [];
  return {
    ...problem,
    title: TITLES_ZH[problem.status] ?? '错误',
    detail: detailZh(problem.code, errors),
    ...(errors.length ? { errors: errors.map((e) => ({ path: e.path, message: fieldMessageZh(e) })) } : {}),
  };
}

function messageOf(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  return Array.isArray(message) ? message.join('; ') : typeof message === 'string' ? message : exception.message;
}

/** Fastify's own errors (malformed JSON, body too large, wrong content type) carry a statusCode. */
function httpStatusOf(exception: unknown): number {
  const status = (exception as { statusCode?: unknown })?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
}
