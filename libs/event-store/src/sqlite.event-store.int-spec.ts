import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeEventStoreContract } from './event-store.contract.js';
import { SqliteEventStore } from './sqlite.event-store.js';

const dir = mkdtempSync(join(tmpdir(), 'fuju-sqlite-'));
let n = 0;

describeEventStoreContract(
  'SQLite file (better-sqlite3, WAL)',
  async () => new SqliteEventStore(join(dir, `events-${++n}.sqlite`)),
  async (store) => {
    const file = (store as SqliteEventStore).file;
    await store.close();
    return new SqliteEventStore(file);
  },
);

describe('SqliteEventStore', () => {
  it('never records an instant earlier than the last one, even when asked to', async () => {
    const store = new SqliteEventStore(join(dir, 'instants.sqlite'));
    const late = await store.append('s-1', [{ type: 'A', data: {}, metadata: {} }], { expectedRevision: 0, recordedAt: '2024-05-01T00:00:00Z' });
    const early = await store.append('s-2', [{ type: 'B', data: {}, metadata: {} }], { expectedRevision: 0, recordedAt: '2024-01-01T00:00:00Z' });
    expect(late.recordedAt).toBe('2024-05-01T00:00:00.000Z');
    expect(early.recordedAt).toBe('2024-05-01T00:00:00.000Z');
    await store.close();
  });

  it('opens in WAL mode with synchronous=FULL', async () => {
    const store = new SqliteEventStore(join(dir, 'pragmas.sqlite'));
    const db = (store as unknown as { db: { pragma(q: string, o: { simple: boolean }): unknown } }).db;
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    await store.close();
  });

  it('reads the answers files of before December 2026 stored (the HTTP status: 201 created, 200 not)', async () => {
    const file = join(dir, 'legacy-keys.sqlite');
    await new SqliteEventStore(file).close();
    const db = new Database(file);
    const insert = db.prepare("INSERT INTO idempotency_keys (scope, key, request_hash, status, body, recorded_at) VALUES ('a', ?, 'h', ?, '{}', '2026-01-01T00:00:00Z')");
    insert.run('k-201', 201);
    insert.run('k-200', 200);
    db.close();
    const store = new SqliteEventStore(file);
    expect(await store.findIdempotentOutcome('a', 'k-201')).toEqual({ requestHash: 'h', created: true, body: {} });
    expect(await store.findIdempotentOutcome('a', 'k-200')).toEqual({ requestHash: 'h', created: false, body: {} });
    await store.close();
  });
});
