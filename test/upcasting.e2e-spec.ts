import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { withUsccCheckCharacter } from '../libs/domain/src/index.js';
import { SqliteEventStore } from '../libs/event-store/src/index.js';
import { ServerProcess } from './support/server.js';

/**
 * Issue 21, point 7: schema evolution. A log written before EnterpriseDeregistered had a `kind`
 * (schema version 1, stored here through the plain SQLite adapter as an old deployment wrote it) is
 * read by today's code, which writes version 2: decisions, statistics, the directory and a rebuild
 * from the log all read both shapes, and what is stored is never rewritten.
 */
const uscc = (n: number) => withUsccCheckCharacter(`91330106MA3G${String(n).padStart(5, '0')}`.slice(0, 17));
const [A, B, C] = [uscc(1), uscc(2), uscc(3)];
const LEGACY = { actor: 'admin:legacy', role: 'admin', requestId: 'legacy-import', schemaVersion: 1 };
/** Months filed (v1): A January–March (deregistered from April in v1), B January–April, C January–June. */
const FILED: Record<string, number> = { [A]: 3, [B]: 4, [C]: 6 };
const revenueFen = (who: string, m: number) => (who === A ? 100_000 : who === B ? 200_000 : 300_000) + m * 100;
const yuan = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;

describe('schema evolution: version-1 events read by version-2 code (issue 21, point 7)', () => {
  let server: ServerProcess;
  let dataDir = '';
  let admin = '';
  let regulator = '';

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'fuju-e2e-'));
    const legacy = new SqliteEventStore(join(dataDir, 'events.sqlite'));
    for (const who of [A, B, C]) {
      const events = [
        { type: 'EnterpriseRegistered', data: { uscc: who, name: `旧版${who.slice(-3)}有限公司`, regionCode: '330106', segment: 'manufacturing', industryCode: null, productClasses: [], registeredOn: '2023-06-01' }, metadata: LEGACY },
        ...Array.from({ length: FILED[who] }, (_, i) => ({
          type: 'MonthlyReportFiled',
          data: { uscc: who, period: `2024-0${i + 1}`, revenue: yuan(revenueFen(who, i + 1)), taxPaid: '0.00', employees: 5, reportRevision: 1, rules: [] },
          metadata: LEGACY,
        })),
        // The version-1 shape: no kind.
        ...(who === A ? [{ type: 'EnterpriseDeregistered', data: { uscc: who, effectiveFrom: '2024-04', reason: '企业已注销，停止经营' }, metadata: LEGACY }] : []),
      ];
      await legacy.append(`enterprise-${who}`, events, { expectedRevision: 0, recordedAt: '2024-07-20T02:00:00.000Z' });
    }
    await legacy.close();
    server = await ServerProcess.start({ dataDir });
    admin = await server.token('admin');
    regulator = await server.token('regulator');
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
  });

  const get = async (path: string) => {
    const r = await server.request('GET', path, { token: regulator });
    expect([path, r.status, r.body.errors]).toEqual([path, 200, undefined]);
    return r.body;
  };
  /** What a reader should see whatever the shape: the test's own sums and response for Q2 2024 in 330106. */
  const q2 = () => {
    // A owes nothing from April (v1 deregistration), B owes April (v2 deregistration from May), C all of Q2.
    const value = revenueFen(B, 4) + [4, 5, 6].reduce((s, m) => s + revenueFen(C, m), 0);
    return { value: yuan(value), contributors: 2, expected: 2, filed: 2 };
  };
  const figures = async () => {
    const body = await get('/v1/statistics/revenue?period=2024-Q2&region=330106');
    const row = body.rows[0];
    return { value: row.value, contributors: row.contributors, expected: row.response.expected, filed: row.response.filed };
  };
  const directory = async () => (await get('/v1/enterprises?region=330106')).items.map((i: any) => [i.uscc, i.status, i.deregisteredFrom, i.deregistrationKind]);

  it('decides on version-1 events as on version-2 ones, and writes version 2', async () => {
    const b = await server.request('POST', `/v1/enterprises/${B}/deregistrations`, { token: admin, body: { effectiveFrom: '2024-05', reason: '被同区企业吸收合并', kind: 'merged' } });
    expect(b.status).toBe(201);
    // A was deregistered in version 1: filing after it is refused, deregistering again changes nothing.
    const bureau = await server.token('bureau', { region: '33' });
    const late = await server.request('PUT', `/v1/enterprises/${A}/reports/2024-04`, { token: bureau, body: { revenue: '1.00', taxPaid: '0.00', employees: 1 } });
    expect([late.status, late.body.code]).toEqual([422, 'RULE_VIOLATION']);
    const again = await server.request('POST', `/v1/enterprises/${A}/deregistrations`, { token: admin, body: { effectiveFrom: '2024-04', reason: '企业已注销，停止经营' } });
    expect([again.status, again.body.revision]).toEqual([200, 1 + FILED[A] + 1]);
    expect([(await get(`/v1/enterprises/${A}`)).deregistrationKind, (await get(`/v1/enterprises/${B}`)).deregistrationKind, (await get(`/v1/enterprises/${C}`)).deregistrationKind]).toEqual([
      'unrecorded',
      'merged',
      null,
    ]);
    // Stored as written: the old event keeps version 1 and no kind; the new one is version 2.
    const db = new Database(join(dataDir, 'events.sqlite'), { readonly: true });
    const stored = db.prepare("SELECT stream_id, data, metadata FROM events WHERE type = 'EnterpriseDeregistered' ORDER BY position").all() as { stream_id: string; data: string; metadata: string }[];
    db.close();
    expect(stored.map((r) => [r.stream_id, JSON.parse(r.metadata).schemaVersion, JSON.parse(r.data).kind ?? null])).toEqual([
      [`enterprise-${A}`, 1, null],
      [`enterprise-${B}`, 2, 'merged'],
    ]);
  });

  it('counts, lists and rebuilds from both shapes alike', async () => {
    await server.waitForProjection();
    const expectedDirectory = [
      [A, 'deregistered', '2024-04', 'unrecorded'],
      [B, 'deregistered', '2024-05', 'merged'],
      [C, 'active', null, null],
    ];
    expect(await figures()).toEqual(q2());
    expect(await directory()).toEqual(expectedDirectory);
    // The audit log reads the current shape too.
    const log = (await (await fetch(`${server.url}/v1/audit/log`, { headers: { authorization: `Bearer ${regulator}` } })).text()).trim().split('\n').map((l) => JSON.parse(l));
    expect(log.filter((e) => e.type === 'EnterpriseDeregistered').map((e) => [e.data.kind, e.metadata.schemaVersion])).toEqual([
      ['unrecorded', 2],
      ['merged', 2],
    ]);
    // A rebuild of every read model from the log gives the same answers.
    const job = await server.request('POST', '/v1/admin/rebuilds', { token: admin });
    expect(job.status).toBe(202);
    for (let i = 0; i < 600; i++) {
      const state = await server.request('GET', `/v1/admin/rebuilds/${job.body.id}`, { token: admin });
      if (state.body.status !== 'running') {
        expect(state.body.status).toBe('succeeded');
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    await server.waitForProjection();
    expect(await figures()).toEqual(q2());
    expect(await directory()).toEqual(expectedDirectory);
  });
});
