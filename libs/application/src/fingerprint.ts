import { createHash } from 'node:crypto';

/** JSON with object keys sorted, so equal bodies hash equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * What identifies a request for its idempotency key: the same key sent again with another
 * request is refused. The api and the CLI's import both fingerprint `[method, path, body?]`, so an
 * import line and the HTTP request it stands for are the same request.
 */
export function fingerprint(request: readonly unknown[]): string {
  return sha256(canonicalJson(request));
}
