import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { formatFen, withUsccCheckCharacter } from '../libs/domain/src/index.js';
import { villagesUnder } from './support/villages.js';
import { embeddedEnvironment } from './support/server.js';

/**
 * Issue 22: the bulk import's batch path (runs of registrations and monthly reports decided in one
 * fold per enterprise and appended in one write) against the reference path (every line alone
 * through the command bus, `--line-by-line`), on a 100,000-line file with bad lines of every kind
 * and order-dependent lines between the batched ones. Both must accept and reject exactly the same
 * lines for the same reasons and leave exactly the same streams; a second run appends nothing.
 */
const LONG = 900_000;

const ENTERPRISES = 2000;
const MONTHS = 48; // 2022-01 .. 2025-12
const period = (m: number) => `${2022 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
const usccOf = (e: number) => withUsccCheckCharacter(`91330106MB${String(3000000 + e).padStart(7, '0')}`);
const register = (e: number) =>
  JSON.stringify({ command: 'registerEnterprise', uscc: usccOf(e), name: `批量企业${e}`, regionCode: '330106', segment: e % 3 ? 'distribution' : 'manufacturing', productClasses: ['12'], registeredOn: '2021-06-01' });
const file = (e: number, m: number, over: Record<string, unknown> = {}) =>
  JSON.stringify({ command: 'fileMonthlyReport', uscc: usccOf(e), period: period(m), revenue: formatFen(500_000 + e * 7 + (m % 5) * 3), taxPaid: '100.00', employees: 10 + (e % 7), ...over });

/** The file, and the lines it must reject with their codes (by line number, 1-based). */
function buildFile(): { lines: string[]; rejected: Map<number, string> } {
  const lines: string[] = [];
  const rejected = new Map<number, string>();
  const add = (line: string, code?: string) => {
    lines.push(line);
    if (code) rejected.set(lines.length, code);
  };
  const community = villagesUnder('330106')[0];
  // The first half of the enterprises enterprise by enterprise (long runs on one stream)…
  for (let e = 0; e < ENTERPRISES / 2; e++) {
    if (e % 97 === 5) add(file(e, 0), 'NOT_FOUND'); // a filing before its enterprise is registered
    add(register(e));
    const filed = new Set<number>();
    for (let m = 0; m < MONTHS; m++) {
      const k = e * MONTHS + m;
      if (k % 1009 === 17) add('{"command": "fileMonthlyReport", "uscc": ', 'VALIDATION_FAILED');
      else if (k % 1013 === 3) add(file(e, m, { revenue: '-1.00' }), 'VALIDATION_FAILED');
      else if (k % 1019 === 7) add(file(e, m, { revenue: '1.005' }), 'VALIDATION_FAILED');
      else if (k % 1021 === 9) add(file(e, m, { employees: 1.5 }), 'VALIDATION_FAILED');
      else if (k % 1031 === 11) add(file(e, m, { bonus: 1 }), 'VALIDATION_FAILED');
      else if (k % 1033 === 13) add(file(e, m, { taxPaid: '99999.00' }), 'EXPLANATION_REQUIRED');
      else if (k % 1039 === 15) add(JSON.stringify({ command: 'fileMonthlyReport', period: period(m) }), 'VALIDATION_FAILED');
      else {
        add(file(e, m));
        filed.add(m);
      }
    }
    for (let m = 0; m < MONTHS; m++) {
      const k = e * MONTHS + m;
      if (!filed.has(m)) continue;
      // A month filed again: identical (nothing new), corrected without and with a reason.
      if (k % 211 === 1) add(file(e, m));
      if (k % 223 === 2) add(file(e, m, { revenue: '1.00' }), 'VALIDATION_FAILED');
      if (k % 227 === 3) add(file(e, m, { revenue: formatFen(600_000 + m), reason: '更正' }));
    }
    if (e % 89 === 4) add(register(e), 'CONFLICT'); // registered twice
    // Lines outside the batch between the batched ones: they must see exactly the lines before them.
    if (e % 50 === 10) {
      add(JSON.stringify({ command: 'openOutlet', outletId: `batch-outlet-${e}`, uscc: usccOf(e), kind: 'rental_point', communityCode: community, name: `租赁点${e}`, openedOn: '2022-03-01' }));
      add(JSON.stringify({ command: 'openOutlet', outletId: `batch-outlet-${e}b`, uscc: usccOf(e + 1), kind: 'rental_point', communityCode: community, name: `租赁点${e}b`, openedOn: '2022-03-01' }), 'RULE_VIOLATION');
    }
  }
  // …the other half month by month (runs spread over every enterprise), with relocations and
  // deregistrations in between that later filings must respect.
  for (let e = ENTERPRISES / 2; e < ENTERPRISES; e++) add(register(e));
  add(JSON.stringify({ command: 'registerEnterprise', uscc: '91330106MA00000000', name: 'x', regionCode: '330106', segment: 'other', productClasses: [], registeredOn: '2021-01-01' }), 'VALIDATION_FAILED');
  add('[1, 2]', 'VALIDATION_FAILED');
  add(JSON.stringify({ command: 'launchRocket' }), 'VALIDATION_FAILED');
  for (let m = 0; m < MONTHS; m++) {
    for (let e = ENTERPRISES / 2; e < ENTERPRISES; e++) {
      const deregistered = e % 61 === 0 && m >= 30;
      if (k2(e, m) % 997 === 1) add(file(e, m, { period: '2099-01' }), 'VALIDATION_FAILED');
      else add(file(e, m), deregistered ? 'RULE_VIOLATION' : undefined);
    }
    if (m === 29)
      for (let e = ENTERPRISES / 2; e < ENTERPRISES; e++) {
        if (e % 61 === 0) add(JSON.stringify({ command: 'deregisterEnterprise', uscc: usccOf(e), effectiveFrom: period(30), reason: '注销', kind: 'other' }));
      }
    if (m === 12) add(JSON.stringify({ command: 'relocateEnterprise', uscc: usccOf(ENTERPRISES / 2 + 1), regionCode: '330108', effectiveFrom: period(13) }));
  }
  // Filler to exactly 100,000 lines: blank-free, valid registrations of more enterprises.
  for (let e = ENTERPRISES; lines.length < 100_000; e++) add(register(e));
  return { lines, rejected };
}
const k2 = (e: number, m: number) => e * MONTHS + m;

async function cli(args: string[], dataDir: string): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [resolve('dist/apps/cli/src/main.js'), ...args], { env: { ...embeddedEnvironment(), NODE_OPTIONS: '', DATA_DIR: dataDir, CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    // An import with rejected lines exits with 1 after its summary.
    child.on('exit', (code) => (code === 0 || (code === 1 && out.includes('rejected lines and reasons')) ? done(out) : fail(new Error(`cli ${args.join(' ')} exited with ${code}: ${out.slice(-2000)}`))));
  });
}

/** The summary lines of an import (not its duration). */
const summaryOf = (output: string) => output.split('\n').filter((l) => /^\s+(lines \d|\w+\s+\d+ accepted)/.test(l));

function streamsOf(dataDir: string): { stream_id: string; revision: number; type: string; data: string; metadata: string }[] {
  const db = new Database(join(dataDir, 'events.sqlite'), { readonly: true });
  const rows = db.prepare('SELECT stream_id, revision, type, data, metadata FROM events ORDER BY stream_id, revision').all() as never[];
  db.close();
  return rows;
}

describe('bulk import: the batch path against line by line (issue 22)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fuju-import-batch-'));
  const { lines, rejected } = buildFile();
  const input = join(dir, 'mixed.ndjson');
  writeFileSync(input, `${lines.join('\n')}\n`);

  it(
    'accepts and rejects exactly the same lines for the same reasons, leaves the same streams, and appends nothing on a second run',
    async () => {
      expect(lines).toHaveLength(100_000);
      const batchDir = join(dir, 'batch');
      const lineDir = join(dir, 'line-by-line');
      const batched = await cli(['import', input, '--rejects', join(dir, 'batch.rejects.ndjson')], batchDir);
      const reference = await cli(['import', input, '--line-by-line', '--rejects', join(dir, 'line.rejects.ndjson')], lineDir);
      expect(summaryOf(batched)).toEqual(summaryOf(reference));
      const rejectsOf = (f: string) => readFileSync(join(dir, f), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { line: number; code: string; reason: string });
      const batchRejects = rejectsOf('batch.rejects.ndjson');
      expect(batchRejects).toEqual(rejectsOf('line.rejects.ndjson'));
      // And they are the lines this test spoiled, for the reasons it spoiled them.
      expect(batchRejects.map((r) => [r.line, r.code])).toEqual([...rejected.entries()].sort(([a], [b]) => a - b));
      const accepted = lines.length - rejected.size;
      const stored = streamsOf(batchDir);
      expect(stored).toEqual(streamsOf(lineDir));
      // Every accepted line stored exactly its events (identical re-filings store none).
      const unchanged = Number(/lines \d+: \d+ accepted, (\d+) unchanged/.exec(batched)?.[1]);
      expect(summaryOf(batched)[0].trim()).toBe(`lines 100000: ${accepted - unchanged} accepted, ${unchanged} unchanged, ${rejected.size} rejected`);
      expect(stored.filter((e) => e.stream_id.startsWith('enterprise-'))).toHaveLength(accepted - unchanged - stored.filter((e) => e.stream_id.startsWith('outlet-')).length);

      // The same file again, on both stores: every accepted line answers from its idempotency key. Only the lines
      // refused for their place in the file change: a filing sent before its registration is now the same as the
      // month stored (nothing new); an outlet of an enterprise registered later in the file now opens.
      const again = await cli(['import', input, '--rejects', join(dir, 'again.rejects.ndjson')], batchDir);
      const againReference = await cli(['import', input, '--line-by-line', '--rejects', join(dir, 'again-line.rejects.ndjson')], lineDir);
      expect(summaryOf(again)).toEqual(summaryOf(againReference));
      expect(rejectsOf('again.rejects.ndjson')).toEqual(rejectsOf('again-line.rejects.ndjson'));
      const early = [...rejected.values()].filter((code) => code === 'NOT_FOUND').length;
      const outlets = lines.filter((l, i) => rejected.get(i + 1) === 'RULE_VIOLATION' && l.includes('openOutlet')).length;
      expect([early, outlets]).toEqual([11, 20]);
      expect(summaryOf(again)[0].trim()).toBe(`lines 100000: ${outlets} accepted, ${accepted + early} unchanged, ${rejected.size - early - outlets} rejected`);
      const after = streamsOf(batchDir);
      expect(after).toEqual(streamsOf(lineDir));
      expect(after.filter((e) => !e.stream_id.startsWith('outlet-'))).toEqual(stored.filter((e) => !e.stream_id.startsWith('outlet-')));
      expect(after.length - stored.length).toBe(outlets);
    },
    LONG,
  );
});
