// Topology: embedded (ServerProcess never inherits KAFKA_BROKERS or EVENTSTORE_CONNECTION_STRING); this suite also reads the SQLite event store file directly.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { formatFen, monthLabel, monthIndex, withUsccCheckCharacter } from '../libs/domain/src/index.js';
import { inParallel, ServerProcess } from './support/server.js';

/**
 * Acceptance 5: SIGKILL while filings are in flight loses no acknowledged filing, never
 * stores one twice, retries with the same Idempotency-Key converge, and the figures the
 * projector reaches after restarts equal those of a clean rebuild from the log.
 */
describe('durability under SIGKILL', () => {
  let server: ServerProcess;
  const enterprises = Array.from({ length: 20 }, (_, i) => withUsccCheckCharacter(`91110107MA0${String(10000 + i).padStart(6, '0')}`));
  const filings = enterprises.flatMap((uscc, e) =>
    Array.from({ length: 24 }, (_, m) => ({
      uscc,
      period: monthLabel(monthIndex('2023-01') + m),
      body: { revenue: formatFen(100_000 + e * 1000 + m * 7), taxPaid: formatFen(5_000 + e), employees: 10 + e },
      key: `crash-${uscc}-${m}`,
    })),
  );
  type Filing = (typeof filings)[number];
  const acknowledged = new Map<Filing, { status: number; body: { position: number; revision: number } }>();

  afterAll(async () => {
    await server?.stop();
  });

  const send = async (f: Filing) => {
    const r = await server.request('PUT', `/v1/enterprises/${f.uscc}/reports/${f.period}`, {
      token: await server.token('bureau', { region: '110107' }),
      body: f.body,
      headers: { 'idempotency-key': f.key },
    });
    if (r.status === 201 || r.status === 200) acknowledged.set(f, r as never);
    else throw new Error(`unexpected ${r.status} ${JSON.stringify(r.body)}`);
  };

  /** Sends filings until the server is killed after `killAfter` acknowledgements. */
  const fileUntilKilled = async (pending: Filing[], killAfter: number) => {
    let killing: Promise<void> | undefined;
    const start = acknowledged.size;
    await inParallel(pending, 16, async (f) => {
      if (killing) return;
      try {
        await send(f);
      } catch (error) {
        if (!killing) throw error;
      }
      if (!killing && acknowledged.size - start >= killAfter) killing = server.kill();
    });
    await killing;
  };

  it('keeps every acknowledged filing exactly once and converges on retries', async () => {
    server = await ServerProcess.start();
    const admin = await server.token('admin');
    for (const uscc of enterprises) {
      const r = await server.request('POST', '/v1/enterprises', {
        token: admin,
        body: { uscc, name: `石景山辅具${uscc.slice(-4)}`, regionCode: '110107', segment: 'rental_service', productClasses: ['12 22'], registeredOn: '2022-01-01' },
      });
      expect(r.status).toBe(201);
    }

    await fileUntilKilled(filings, 120);
    const firstRound = new Map(acknowledged);
    expect(firstRound.size).toBeGreaterThanOrEqual(120);
    expect(firstRound.size).toBeLessThan(filings.length);

    // Restart, and kill again while more filings and the projector's catch-up are in flight.
    await server.boot();
    await fileUntilKilled(filings.filter((f) => !acknowledged.has(f)), 100);
    await server.boot();

    // A retry of an acknowledged request answers exactly what was acknowledged before the crash.
    const [sample, answer] = [...firstRound.entries()][7];
    const again = await server.request('PUT', `/v1/enterprises/${sample.uscc}/reports/${sample.period}`, {
      token: await server.token('bureau', { region: '110107' }),
      body: sample.body,
      headers: { 'idempotency-key': sample.key },
    });
    expect([again.status, again.body]).toEqual([answer.status, answer.body]);

    // Every unacknowledged request is retried with its key; all converge.
    for (const f of filings) await send(f);
    expect(acknowledged.size).toBe(filings.length);

    const log = new Database(join(server.dataDir, 'events.sqlite'), { readonly: true });
    const rows = log
      .prepare(`SELECT stream_id, position, json_extract(data, '$.period') AS period, json_extract(data, '$.revenue') AS revenue FROM events WHERE type = 'MonthlyReportFiled'`)
      .all() as { stream_id: string; position: number; period: string; revenue: string }[];
    const corrections = (log.prepare(`SELECT count(*) AS n FROM events WHERE type = 'MonthlyReportCorrected'`).get() as { n: number }).n;
    log.close();
    expect(corrections).toBe(0);
    expect(rows).toHaveLength(filings.length);
    const stored = new Map(rows.map((r) => [`${r.stream_id}|${r.period}`, r]));
    expect(stored.size).toBe(filings.length);
    for (const [f, ack] of firstRound) {
      const row = stored.get(`enterprise-${f.uscc}|${f.period}`)!;
      expect([row.position, row.revenue]).toEqual([ack.body.position, f.body.revenue]);
    }
  });

  it('reaches, after the crashes, the same figures as a clean rebuild from the log', async () => {
    await server.waitForProjection();
    const regulator = await server.token('regulator');
    const figures = async () => {
      const out: unknown[] = [];
      for (const indicator of ['revenue', 'tax', 'employment', 'enterprises'])
        out.push((await server.request('GET', `/v1/statistics/${indicator}?from=2023-01&to=2024-12&granularity=month&region=110107`, { token: regulator })).body.rows);
      return out;
    };
    const afterCrashes = await figures();
    // Every indicator, month by month, from the test's own filings.
    const months = Array.from({ length: 24 }, (_, m) => monthLabel(monthIndex('2023-01') + m));
    const inMonth = (month: string) => filings.filter((f) => f.period === month);
    const fen = (yuan: string) => BigInt(Math.round(Number(yuan) * 100));
    const expected = [
      months.map((period) => ({ period, value: formatFen(inMonth(period).reduce((sum, f) => sum + fen(f.body.revenue), 0n)), contributors: 20 })),
      months.map((period) => ({ period, value: formatFen(inMonth(period).reduce((sum, f) => sum + fen(f.body.taxPaid), 0n)), contributors: 20 })),
      months.map((period) => ({ period, value: inMonth(period).reduce((sum, f) => sum + f.body.employees, 0), contributors: 20 })),
      months.map((period) => ({ period, value: new Set(inMonth(period).map((f) => f.uscc)).size, contributors: 20 })),
    ];
    expect(expected[3].every((r) => r.value === 20)).toBe(true);
    const shape = (rows: unknown) => (rows as { period: string; value: unknown; contributors: number }[]).map(({ period, value, contributors }) => ({ period, value, contributors }));
    expect(afterCrashes.map(shape)).toEqual(expected);

    expect((await server.rebuild()).status).toBe('succeeded');
    expect(await figures()).toEqual(afterCrashes);
  });
});
