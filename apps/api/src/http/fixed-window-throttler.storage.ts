import type { ThrottlerStorage } from '@nestjs/throttler';

interface Window {
  start: number;
  hits: number;
}

/**
 * Rate-limit counts in fixed windows: O(1) per request. (@nestjs/throttler's default storage
 * keeps one timestamp per hit and filters them all on every request, which costs more the
 * closer a token gets to its limit.) A client may burst up to twice the limit across a window
 * boundary, which is what a fixed window allows.
 */
export class FixedWindowThrottlerStorage implements ThrottlerStorage {
  private readonly windows = new Map<string, Window>();
  private lastSweep = Date.now();

  async increment(key: string, ttl: number, limit: number, _blockDuration: number, throttlerName: string) {
    const now = Date.now();
    if (now - this.lastSweep > ttl) this.sweep(now, ttl);
    const id = `${throttlerName}:${key}`;
    let window = this.windows.get(id);
    if (!window || now - window.start >= ttl) {
      window = { start: now, hits: 0 };
      this.windows.set(id, window);
    }
    const isBlocked = window.hits >= limit;
    if (!isBlocked) window.hits += 1;
    const timeToExpire = Math.max(1, Math.ceil((window.start + ttl - now) / 1000));
    return { totalHits: isBlocked ? limit + 1 : window.hits, timeToExpire, isBlocked, timeToBlockExpire: isBlocked ? timeToExpire : 0 };
  }

  /** Forgets windows that have ended, so idle clients cost nothing. */
  private sweep(now: number, ttl: number): void {
    this.lastSweep = now;
    for (const [id, window] of this.windows) if (now - window.start >= ttl) this.windows.delete(id);
  }
}
