import { FixedWindowThrottlerStorage } from './fixed-window-throttler.storage.js';

describe('FixedWindowThrottlerStorage', () => {
  it('counts hits per key in a window, blocks past the limit, and starts afresh in the next window', async () => {
    const storage = new FixedWindowThrottlerStorage();
    const hit = (key: string) => storage.increment(key, 1000, 3, 0, 'default');
    for (let i = 1; i <= 3; i++) expect(await hit('a')).toMatchObject({ totalHits: i, isBlocked: false });
    expect(await hit('a')).toMatchObject({ totalHits: 4, isBlocked: true, timeToBlockExpire: 1 });
    expect(await hit('b')).toMatchObject({ totalHits: 1, isBlocked: false });
    await new Promise((r) => setTimeout(r, 1050));
    expect(await hit('a')).toMatchObject({ totalHits: 1, isBlocked: false });
  });
});
