import { deterministicEventId } from './eventstoredb.event-store.js';

describe('EventStoreDB event ids of idempotent requests (issue 16)', () => {
  it('are UUID v5, the same for every retry of a request, and differ by scope, key and index', () => {
    const id = deterministicEventId('enterprise:91330106MA27XXXX06', 'key-1', 0);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deterministicEventId('enterprise:91330106MA27XXXX06', 'key-1', 0)).toBe(id);
    const others = [
      deterministicEventId('enterprise:91330106MA27XXXX06', 'key-1', 1),
      deterministicEventId('enterprise:91330106MA27XXXX06', 'key-2', 0),
      deterministicEventId('admin', 'key-1', 0),
      // The separator keeps ("a", "b\u0000c") apart from ("a\u0000b", "c").
      deterministicEventId('enterprise:91330106MA27XXXX06\u0000key-1', '', 0),
    ];
    expect(new Set([id, ...others]).size).toBe(5);
  });
});
