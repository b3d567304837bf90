import type { OpenAPIObject } from '@nestjs/swagger';

/** Status codes any operation may answer with problem+json (API.md "Conventions"). */
const PROBLEMS: Record<string, string> = {
  '400': 'VALIDATION_FAILED: a parameter or field is malformed (each one named in errors[])',
  '401': 'UNAUTHENTICATED: no valid bearer token',
  '403': 'FORBIDDEN: the token may not do this (role, region or enterprise)',
  '404': 'NOT_FOUND',
  '409': 'CONFLICT: it exists already',
  '412': 'PRECONDITION_FAILED: If-Match does not match the current ETag',
  '413': 'PAYLOAD_TOO_LARGE: a body over 1 MiB',
  '415': 'UNSUPPORTED_MEDIA_TYPE: a body that is not JSON',
  '422': 'EXPLANATION_REQUIRED, IDEMPOTENCY_KEY_REUSED or RULE_VIOLATION',
  '429': 'RATE_LIMITED (Retry-After says when to try again)',
  '503': 'a component (event store, ClickHouse) is not available; nothing was stored',
};

const PROBLEM_SCHEMA = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail', 'code'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { type: 'string' },
    instance: { type: 'string' },
    errors: { type: 'array', items: { type: 'object', required: ['path', 'message'], properties: { path: { type: 'string' }, message: { type: 'string' } } } },
  },
};

/** Routes whose GET answers `format=csv|xlsx` with a download (issue 21: exports). */
const DOWNLOADS = ['/v1/releases/{id}', '/v1/statistics/{indicator}', '/v1/monitoring/filing-compliance', '/v1/review', '/v1/audit/events'];

/** Routes whose GET also answers format=sdmx-json|sdmx-csv. */
const SDMX_DATA = ['/v1/releases/{id}', '/v1/statistics/{indicator}'];

/** Routes whose GET sends an ETag and answers If-None-Match with 304. */
const ETAGGED = ['/v1/enterprises/{uscc}', '/v1/enterprises/{uscc}/reports/{period}', '/v1/outlets/{outletId}', '/v1/rentals/{rentalId}', '/v1/pilots/{regionCode}', '/v1/releases/{id}'];

/**
 * Completes the generated document with what every operation may answer: the problem+json
 * errors, both 200 and 201 for writes (201 when something was created, 200 for a correction or
 * an identical resubmission), 304 for conditional GETs, and the download formats of releases.
 */
export function completeDocument(document: OpenAPIObject): OpenAPIObject {
  document.components ??= {};
  document.components.schemas ??= {};
  document.components.schemas.ProblemDetails = PROBLEM_SCHEMA as never;
  const problem = { $ref: '#/components/schemas/ProblemDetails' };
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item) as [string, { responses?: Record<string, unknown> }][]) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const responses = (operation.responses ??= {});
      for (const [code, description] of Object.entries(PROBLEMS))
        responses[code] ??= { description, content: { 'application/problem+json': { schema: problem } } };
      if (method !== 'get') {
        const success = (responses['201'] ?? responses['200'] ?? { description: 'the write result' }) as object;
        responses['200'] ??= { ...success, description: 'nothing new was created: a correction, an identical resubmission, or a replayed Idempotency-Key' };
        responses['201'] ??= { ...success, description: 'created' };
      }
      if (method === 'get' && path === '/v1/audit/log')
        responses['200'] = { description: 'the events, one JSON object per line', content: { 'application/x-ndjson': { schema: { type: 'string' } } } };
      if (method === 'get' && ETAGGED.includes(path)) responses['304'] ??= { description: 'Not Modified: If-None-Match names the current ETag' };
      if (method === 'get' && DOWNLOADS.includes(path)) {
        const ok = (responses['200'] ??= { description: 'the answer' }) as { content?: Record<string, unknown> };
        ok.content = {
          ...(ok.content ?? { 'application/json': {} }),
          'text/csv': { schema: { type: 'string' } },
          'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: { type: 'string', format: 'binary' } },
          ...(SDMX_DATA.includes(path) ? { 'application/vnd.sdmx.data+json': { schema: { type: 'object' } }, 'application/vnd.sdmx.data+csv': { schema: { type: 'string' } } } : {}),
        };
      }
      if (method === 'get' && path === '/v1/sdmx/structure')
        responses['200'] = { description: 'the SDMX-JSON 2.0 structure message', content: { 'application/vnd.sdmx.structure+json': { schema: { type: 'object' } } } };
    }
  }
  return document;
}
