import { Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { createHash } from 'node:crypto';

/**
 * Rate limit per token (per client address without one): a client that floods the API gets
 * 429 with Retry-After, whoever else shares its network.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override async getTracker(request: Record<string, any>): Promise<string> {
    const header = request.headers?.authorization;
    if (typeof header === 'string' && header.length > 7) return `token:${createHash('sha256').update(header).digest('hex').slice(0, 32)}`;
    return `ip:${request.ip ?? 'unknown'}`;
  }
}
