import { randomUUID } from 'node:crypto';
import { ExpectedRevisionConflictError, IdempotencyKeyTakenError, type EventStore, type NewEvent, type RecordedEvent } from './event-store.port.js';

const event = (type: string, n: number): NewEvent => ({ type, data: { n }, metadata: { actor: 'contract-test', role: 'system' } });
const claim = (key: string, requestHash = 'hash-a') => ({
  scope: 'actor-1',
  key,
  requestHash,
  outcome: (r: { revision: number; position: number }) => ({ created: true, body: { revision: r.revision, position: r.position } }),
});

/**
 * The behaviour every EventStore adapter must have. Each adapter's integration test calls
 * this with a factory for a fresh, empty store (SQLite now, EventStoreDB when a server is set).
 */
export function describeEventStoreContract(name: string, open: () => Promise<EventStore>, reopen?: (store: EventStore) => Promise<EventStore>): void {
  describe(`EventStore contract: ${name}`, () => {
    let store: EventStore;
    const stream = () => `contract-${randomUUID()}`;

    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    it('appends atomically with gap-free revisions and strictly increasing positions', async () => {
      const s = stream();
      const first = await store.append(s, [event('A', 1), event('B', 2)], { expectedRevision: 0 });
      const second = await store.append(s, [event('C', 3)], { expectedRevision: 2 });
      expect(first.revision).toBe(2);
      expect(second.revision).toBe(3);
      expect(second.position).toBeGreaterThan(first.position);
      const events = await store.readStream(s);
      expect(events.map((e) => [e.type, e.revision, (e.data as { n: number }).n])).toEqual([
        ['A', 1, 1],
        ['B', 2, 2],
        ['C', 3, 3],
      ]);
      expect(events[0].position).toBeLessThan(events[1].position);
      expect(events[1].position).toBeLessThan(events[2].position);
      expect(events[2].position).toBe(second.position);
      expect(events.every((e) => !Number.isNaN(Date.parse(e.recordedAt)))).toBe(true);
      expect(events[0].metadata).toEqual({ actor: 'contract-test', role: 'system' });
    });

    it('reads a stream from after a revision', async () => {
      const s = stream();
      await store.append(s, [event('A', 1), event('B', 2), event('C', 3)], { expectedRevision: 0 });
      expect((await store.readStream(s, 1)).map((e) => [e.type, e.revision])).toEqual([
        ['B', 2],
        ['C', 3],
      ]);
      expect(await store.readStream(s, 3)).toEqual([]);
      expect(await store.readStream(stream(), 2)).toEqual([]);
    });

    it('reads several streams at once, each as its own read would', async () => {
      const [a, b, missing] = [stream(), stream(), stream()];
      await store.append(a, [event('A', 1), event('B', 2)], { expectedRevision: 0 });
      await store.append(b, [event('C', 3)], { expectedRevision: 0 });
      await store.append(a, [event('D', 4)], { expectedRevision: 2 });
      const read = await store.readStreams([b, missing, a]);
      expect([...read.keys()]).toEqual([b, missing, a]);
      expect(read.get(a)!.map((e) => [e.type, e.revision])).toEqual([
        ['A', 1],
        ['B', 2],
        ['D', 3],
      ]);
      expect(read.get(a)).toEqual(await store.readStream(a));
      expect(read.get(b)).toEqual(await store.readStream(b));
      expect(read.get(missing)).toEqual([]);
      expect(await store.readStreams([])).toEqual(new Map());
    });

    it('rejects an append at the wrong expected revision and stores nothing', async () => {
      const s = stream();
      await store.append(s, [event('A', 1)], { expectedRevision: 0 });
      await expect(store.append(s, [event('B', 2), event('C', 3)], { expectedRevision: 0 })).rejects.toBeInstanceOf(ExpectedRevisionConflictError);
      await expect(store.append(s, [event('B', 2)], { expectedRevision: 5 })).rejects.toBeInstanceOf(ExpectedRevisionConflictError);
      expect((await store.readStream(s)).map((e) => e.type)).toEqual(['A']);
    });

    it('lets only one of two concurrent appends at the same revision win', async () => {
      const s = stream();
      const results = await Promise.allSettled([
        store.append(s, [event('A', 1)], { expectedRevision: 0 }),
        store.append(s, [event('B', 1)], { expectedRevision: 0 }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(await store.readStream(s)).toHaveLength(1);
    });

    it('reads all events after a position in position order', async () => {
      const head = await store.headPosition();
      const a = stream();
      const b = stream();
      await store.append(a, [event('A1', 1)], { expectedRevision: 0 });
      await store.append(b, [event('B1', 2)], { expectedRevision: 0 });
      await store.append(a, [event('A2', 3)], { expectedRevision: 1 });
      const all = await store.readAll({ after: head, limit: 100 });
      expect(all.map((e) => e.type)).toEqual(['A1', 'B1', 'A2']);
      expect(await store.headPosition()).toBe(all[2].position);
      const page = await store.readAll({ after: all[0].position, limit: 1 });
      expect(page.map((e) => e.type)).toEqual(['B1']);
      expect(all[1].recordedAt >= all[0].recordedAt && all[2].recordedAt >= all[1].recordedAt).toBe(true);
    });

    it('pages past and answers its head beyond runs of stored outcomes (which are not events of the log)', async () => {
      const a = stream();
      const first = await store.append(a, [event('A1', 1)], { expectedRevision: 0 });
      // More stored outcomes than any read-ahead a store may use between two events of the log.
      for (let i = 0; i < 30; i++) await store.rememberOutcome('actor-1', randomUUID(), { requestHash: 'h', created: false, body: { i } });
      expect(await store.headPosition()).toBe(first.position);
      const second = await store.append(a, [event('A2', 2)], { expectedRevision: 1 });
      for (let i = 0; i < 30; i++) await store.rememberOutcome('actor-1', randomUUID(), { requestHash: 'h', created: false, body: { i } });
      expect(await store.headPosition()).toBe(second.position);
      expect((await store.readAll({ after: first.position, limit: 1 })).map((e) => [e.type, e.position])).toEqual([['A2', second.position]]);
    });

    it('replays the stored outcome for a used idempotency key and appends nothing', async () => {
      const s = stream();
      const key = randomUUID();
      const first = await store.append(s, [event('A', 1)], { expectedRevision: 0, idempotency: claim(key) });
      expect(first.replayed).toBeUndefined();
      const retry = await store.append(s, [event('A', 1)], { expectedRevision: 0, idempotency: claim(key) });
      expect(retry.replayed).toEqual({ requestHash: 'hash-a', created: true, body: { revision: 1, position: first.position } });
      expect(await store.readStream(s)).toHaveLength(1);
      expect(await store.findIdempotentOutcome('actor-1', key)).toEqual(retry.replayed);
      expect(await store.findIdempotentOutcome('actor-2', key)).toBeUndefined();
    });

    it('appends several requests to one stream at once, each claim with its own result, or nothing at all (where the adapter batches)', async () => {
      if (!store.appendParts) {
        process.stderr.write(`SKIPPED appendParts on ${name}: the adapter has no batched append (bulk imports send each line alone)\n`);
        return;
      }
      const s = stream();
      await store.append(s, [event('A', 1)], { expectedRevision: 0 });
      const [k1, k2, k3] = [randomUUID(), randomUUID(), randomUUID()];
      const results = await store.appendParts(s, [{ events: [event('B', 2), event('C', 3)], idempotency: claim(k1) }, { events: [], idempotency: claim(k2) }, { events: [event('D', 4)], idempotency: claim(k3) }], {
        expectedRevision: 1,
      });
      const stored = await store.readStream(s);
      expect(stored.map((e) => [e.type, e.revision])).toEqual([['A', 1], ['B', 2], ['C', 3], ['D', 4]]);
      // A part without events answers with the stream's last event before it.
      expect(results.map((r) => [r.revision, r.position])).toEqual([[3, stored[2].position], [3, stored[2].position], [4, stored[3].position]]);
      expect(await store.findIdempotentOutcome('actor-1', k2)).toEqual({ requestHash: 'hash-a', created: true, body: { revision: 3, position: stored[2].position } });
      expect(await store.findIdempotentOutcome('actor-1', k3)).toEqual({ requestHash: 'hash-a', created: true, body: { revision: 4, position: stored[3].position } });
      // A stale revision or a used key fails the whole write.
      await expect(store.appendParts(s, [{ events: [event('E', 5)], idempotency: claim(randomUUID()) }], { expectedRevision: 3 })).rejects.toBeInstanceOf(ExpectedRevisionConflictError);
      const fresh = randomUUID();
      await expect(store.appendParts(s, [{ events: [event('E', 5)], idempotency: claim(fresh) }, { events: [event('F', 6)], idempotency: claim(k1) }], { expectedRevision: 4 })).rejects.toBeInstanceOf(
        IdempotencyKeyTakenError,
      );
      expect(await store.readStream(s)).toHaveLength(4);
      expect(await store.findIdempotentOutcome('actor-1', fresh)).toBeUndefined();
    });

    it('remembers an outcome for a request that appended nothing, first writer wins', async () => {
      const key = randomUUID();
      const outcome = { requestHash: 'h', created: false, body: { ok: 1 } };
      expect(await store.rememberOutcome('actor-1', key, outcome)).toEqual(outcome);
      expect(await store.rememberOutcome('actor-1', key, { ...outcome, body: { ok: 2 } })).toEqual(outcome);
    });

    it('follows new appends through a subscription, in order, without gaps', async () => {
      const head = await store.headPosition();
      const s = stream();
      await store.append(s, [event('A', 1)], { expectedRevision: 0 });
      const seen: RecordedEvent[] = [];
      const done = new Promise<void>((resolve) => {
        const sub = store.subscribe(head, async (batch) => {
          seen.push(...batch);
          if (seen.length >= 3) {
            resolve();
            void sub.close();
          }
        });
      });
      await store.append(s, [event('B', 2), event('C', 3)], { expectedRevision: 1 });
      await done;
      expect(seen.map((e) => e.type)).toEqual(['A', 'B', 'C']);
    });

    if (reopen) {
      it('keeps events and idempotency keys across a restart', async () => {
        const s = stream();
        const key = randomUUID();
        await store.append(s, [event('A', 1)], { expectedRevision: 0, idempotency: claim(key) });
        store = await reopen(store);
        const retry = await store.append(s, [event('A', 1)], { expectedRevision: 0, idempotency: claim(key) });
        expect(retry.replayed?.created).toBe(true);
        expect(await store.readStream(s)).toHaveLength(1);
      });
    }
  });
}
