import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConflictError, type DomainEvent } from '../../domain/src/index.js';
import { SqliteEventStore } from '../../event-store/src/index.js';
import { StreamHandler, type CommandMeta, type Handling } from './command-handler.js';
import { jest } from '@jest/globals';

type ValueSet = DomainEvent<'ValueSet', { value: number }>;
interface Box {
  readonly value: number | null;
  readonly sets: number;
}

const ctx: CommandMeta = { actor: { subject: 'test', role: 'admin' }, requestId: 'r' };
const evolve = (s: Box, e: ValueSet): Box => ({ value: e.data.value, sets: s.sets + 1 });

/** Sets the box's value; setting the value it has is a no-op; `onlyOnce` refuses a second set. */
const setTo = (value: number, onlyOnce = false, streamId = 'box-1'): Handling<Box, ValueSet> => ({
  streamId,
  decider: { initialState: () => ({ value: null, sets: 0 }), evolve },
  decide: (state) => {
    if (onlyOnce && state.sets > 0) throw new ConflictError('already set');
    return state.value === value ? [] : [{ type: 'ValueSet', data: { value }, metadata: { actor: 'test', role: 'admin', requestId: 'r', schemaVersion: 1 } }];
  },
  created: () => false,
});

/**
 * Two executors over one store stand for two processes (the server and a CLI import): each
 * keeps its own cached state, so one of them decides on a stale cache after the other wrote.
 */
describe('StreamHandler with cached stream state', () => {
  let store: SqliteEventStore;
  beforeEach(() => {
    store = new SqliteEventStore(join(mkdtempSync(join(tmpdir(), 'fuju-executor-')), 'events.sqlite'));
  });
  afterEach(async () => store.close());

  it('appends at the right revision after another writer moved the stream on', async () => {
    const a = new StreamHandler(store);
    const b = new StreamHandler(store);
    expect((await a.handle(ctx, setTo(1))).revision).toBe(1);
    expect((await b.handle(ctx, setTo(2))).revision).toBe(2);
    const third = await a.handle(ctx, setTo(3));
    expect(third).toMatchObject({ appended: true, revision: 3 });
    expect((await store.readStream('box-1')).map((e) => (e.data as { value: number }).value)).toEqual([1, 2, 3]);
  });

  it('answers a no-op from the stored state, not from a stale cache', async () => {
    const a = new StreamHandler(store);
    const b = new StreamHandler(store);
    await a.handle(ctx, setTo(1));
    await b.handle(ctx, setTo(2));
    // A's cache says 1, so "set to 2" looks like a change; the store says it is already 2.
    const again = await a.handle(ctx, setTo(2));
    expect(again).toMatchObject({ appended: false, created: false, revision: 2 });
    // A's cache says 1, so "set to 1" looks like a no-op; the store says 2, so it is a change.
    const back = await a.handle(ctx, setTo(1));
    expect(back).toMatchObject({ appended: true, revision: 3 });
    expect(await store.readStream('box-1')).toHaveLength(3);
  });

  it('decides a rejection on the stored state', async () => {
    const a = new StreamHandler(store);
    const b = new StreamHandler(store);
    await a.handle(ctx, setTo(1));
    await b.handle(ctx, setTo(2));
    await expect(a.handle(ctx, setTo(5, true))).rejects.toBeInstanceOf(ConflictError);
    expect(await store.readStream('box-1')).toHaveLength(2);
  });

  it('honours an expected version against the stored revision', async () => {
    const a = new StreamHandler(store);
    const b = new StreamHandler(store);
    await a.handle(ctx, setTo(1));
    await b.handle(ctx, setTo(2));
    expect((await a.handle({ ...ctx, expectedVersion: 2 }, setTo(7))).revision).toBe(3);
    await expect(a.handle({ ...ctx, expectedVersion: 2 }, setTo(8))).rejects.toThrow(/revision 3, not 2/);
  });

  it('keeps states folded from at most the bounded number of events, dropping the least recently used', async () => {
    // Bound: 6 events. Each box below is written twice (a state of 2 events counts 3 with its slot).
    const executor = new StreamHandler(store, { streams: 100, events: 6 });
    for (const box of ['box-a', 'box-b', 'box-c']) {
      await executor.handle(ctx, setTo(1, false, box));
      await executor.handle(ctx, setTo(2, false, box));
    }
    const reads = jest.spyOn(store, 'readStream');
    // box-c and box-b (3 + 3 = 6) are still cached: a command decides without reading the store.
    expect(await executor.handle(ctx, setTo(3, false, 'box-c'))).toMatchObject({ appended: true, revision: 3 });
    expect(reads).not.toHaveBeenCalled();
    // box-a was dropped to make room: it is read back, in full, and decided on the stored state.
    expect(await executor.handle(ctx, setTo(7, false, 'box-a'))).toMatchObject({ appended: true, revision: 3 });
    expect(reads.mock.calls).toEqual([['box-a', 0]]);
    // A stream longer than the whole bound is never cached, and still decided correctly.
    const tiny = new StreamHandler(store, { streams: 100, events: 2 });
    expect(await tiny.handle(ctx, setTo(4, false, 'box-c'))).toMatchObject({ appended: true, revision: 4 });
    expect(await tiny.handle(ctx, setTo(5, false, 'box-c'))).toMatchObject({ appended: true, revision: 5 });
    expect(reads.mock.calls.filter(([stream]) => stream === 'box-c')).toHaveLength(2);
    reads.mockRestore();
  });
});
