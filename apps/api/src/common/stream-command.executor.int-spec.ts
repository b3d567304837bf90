import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConflictError, type DomainEvent } from '../../../../libs/domain/src/index.js';
import { SqliteEventStore } from '../../../../libs/event-store/src/index.js';
import type { RequestContext } from './auth.js';
import { StreamCommandExecutor, type StreamCommand } from './stream-command.executor.js';

type ValueSet = DomainEvent<'ValueSet', { value: number }>;
interface Box {
  readonly value: number | null;
  readonly sets: number;
}

const ctx: RequestContext = { principal: { subject: 'test', role: 'admin' }, requestId: 'r' };
const evolve = (s: Box, e: ValueSet): Box => ({ value: e.data.value, sets: s.sets + 1 });

/** Sets the box's value; setting the value it has is a no-op; `onlyOnce` refuses a second set. */
const setTo = (value: number, onlyOnce = false): StreamCommand<Box, ValueSet> => ({
  streamId: 'box-1',
  initial: () => ({ value: null, sets: 0 }),
  evolve,
  decide: (state) => {
    if (onlyOnce && state.sets > 0) throw new ConflictError('already set');
    return state.value === value ? [] : [{ type: 'ValueSet', data: { value }, metadata: { actor: 'test', role: 'admin', requestId: 'r', schemaVersion: 1 } }];
  },
  statusFor: () => 200,
  request: { value },
});

/**
 * Two executors over one store stand for two processes (the server and a CLI import): each
 * keeps its own cached state, so one of them decides on a stale cache after the other wrote.
 */
describe('StreamCommandExecutor with cached stream state', () => {
  let store: SqliteEventStore;
  beforeEach(() => {
    store = new SqliteEventStore(join(mkdtempSync(join(tmpdir(), 'fuju-executor-')), 'events.sqlite'));
  });
  afterEach(async () => store.close());

  it('appends at the right revision after another writer moved the stream on', async () => {
    const a = new StreamCommandExecutor(store);
    const b = new StreamCommandExecutor(store);
    expect((await a.execute(ctx, setTo(1))).body.revision).toBe(1);
    expect((await b.execute(ctx, setTo(2))).body.revision).toBe(2);
    const third = await a.execute(ctx, setTo(3));
    expect(third).toMatchObject({ appended: true, body: { revision: 3 } });
    expect((await store.readStream('box-1')).map((e) => (e.data as { value: number }).value)).toEqual([1, 2, 3]);
  });

  it('answers a no-op from the stored state, not from a stale cache', async () => {
    const a = new StreamCommandExecutor(store);
    const b = new StreamCommandExecutor(store);
    await a.execute(ctx, setTo(1));
    await b.execute(ctx, setTo(2));
    // A's cache says 1, so "set to 2" looks like a change; the store says it is already 2.
    const again = await a.execute(ctx, setTo(2));
    expect(again).toMatchObject({ appended: false, status: 200, body: { revision: 2 } });
    // A's cache says 1, so "set to 1" looks like a no-op; the store says 2, so it is a change.
    const back = await a.execute(ctx, setTo(1));
    expect(back).toMatchObject({ appended: true, body: { revision: 3 } });
    expect(await store.readStream('box-1')).toHaveLength(3);
  });

  it('decides a rejection on the stored state', async () => {
    const a = new StreamCommandExecutor(store);
    const b = new StreamCommandExecutor(store);
    await a.execute(ctx, setTo(1));
    await b.execute(ctx, setTo(2));
    await expect(a.execute(ctx, setTo(5, true))).rejects.toBeInstanceOf(ConflictError);
    expect(await store.readStream('box-1')).toHaveLength(2);
  });

  it('honours If-Match against the stored revision', async () => {
    const a = new StreamCommandExecutor(store);
    const b = new StreamCommandExecutor(store);
    await a.execute(ctx, setTo(1));
    await b.execute(ctx, setTo(2));
    expect((await a.execute({ ...ctx, ifMatch: 2 }, setTo(7))).body.revision).toBe(3);
    await expect(a.execute({ ...ctx, ifMatch: 2 }, setTo(8))).rejects.toThrow(/revision 3, not 2/);
  });
});
