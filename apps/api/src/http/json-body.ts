import type { FastifyInstance } from 'fastify';

export const MAX_JSON_DEPTH = 32;

/** The nesting depth of a parsed JSON value, without recursion (a hostile body cannot overflow the stack). */
export function jsonDepth(value: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    deepest = Math.max(deepest, depth);
    if (deepest > MAX_JSON_DEPTH) return deepest;
    for (const child of Object.values(node as Record<string, unknown>)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/**
 * JSON bodies are parsed by us: malformed JSON and bodies nested deeper than any request of the
 * API needs are a 400 before they reach validation (whose recursion a 5,000-level body would overflow).
 */
export function registerJsonBodyParser(fastify: FastifyInstance): void {
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const fail = (message: string) => done(Object.assign(new Error(message), { statusCode: 400 }), undefined);
    let parsed: unknown;
    try {
      parsed = body === '' ? undefined : JSON.parse(body as string);
    } catch (error) {
      return fail(`the body is not valid JSON: ${(error as Error).message}`);
    }
    if (jsonDepth(parsed) > MAX_JSON_DEPTH) return fail(`the body is nested deeper than ${MAX_JSON_DEPTH} levels`);
    done(null, parsed);
  });
}

/** Import uploads (NDJSON, CSV) arrive as text, up to `limit` bytes (more than any JSON request may be). */
export function registerImportBodyParsers(fastify: FastifyInstance, limit: number): void {
  for (const type of ['application/x-ndjson', 'text/csv'])
    fastify.addContentTypeParser(type, { parseAs: 'string', bodyLimit: limit }, (_request, body, done) => done(null, body));
}
