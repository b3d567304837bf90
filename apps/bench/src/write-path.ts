import 'reflect-metadata';
import { CommandBus } from '@nestjs/cqrs';
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { formatFen, monthLabel, monthIndex, withUsccCheckCharacter } from '../../../libs/domain/src/index.js';
import { FileMonthlyReport, FileMonthlyReportInput, parseInput, RegisterEnterprise, RegisterEnterpriseInput, type CommandMeta } from '../../../libs/application/src/index.js';
import { loadConfig, writeSide } from '../../../libs/platform/src/index.js';
import { embeddedEnvironment, inParallel, ServerProcess } from '../../../test/support/server.js';
import { benchCounties, employeesOf, revenueFen } from './data.js';
import { percentile, type Figure } from './report.js';

const seconds = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e9;
const FIRST_MONTH = monthIndex('2019-01');
/** Months an enterprise can file in the benchmarks: 2019-01 up to last month. */
const MONTHS = 12 * 7 + 10;

/** Enterprises of the write benchmarks, all in Zhejiang so one provincial bureau may file for them. */
let zhejiangCounties: { county: string; communities: string[] }[] | undefined;
export const zhejiang = () => (zhejiangCounties ??= benchCounties().filter((c) => c.county.startsWith('33')));
export const writeUscc = (i: number): string => withUsccCheckCharacter(`92${zhejiang()[i % zhejiang().length].county}MB${String(i).padStart(7, '0')}`);

export const registerLine = (i: number) => ({
  command: 'registerEnterprise',
  uscc: writeUscc(i),
  name: `写入基准企业${i}`,
  regionCode: zhejiang()[i % zhejiang().length].county,
  segment: 'manufacturing',
  productClasses: ['12'],
  registeredOn: '2019-01-01',
});

/** The k-th filing of a run over n enterprises: each enterprise files month after month. */
export function filingOf(k: number, n: number): { uscc: string; period: string; body: { revenue: string; taxPaid: string; employees: number } } {
  const i = k % n;
  const m = Math.floor(k / n);
  if (m >= MONTHS) throw new Error(`the benchmark ran out of months: raise the enterprise count (${n})`);
  const revenue = revenueFen(i, m);
  return { uscc: writeUscc(i), period: monthLabel(FIRST_MONTH + m), body: { revenue: formatFen(revenue), taxPaid: formatFen(Math.floor(revenue / 10)), employees: employeesOf(i, m) } };
}

/** Runs `count` tasks with `limit` in flight (the tests' helper) and returns each one's latency in ms. */
export function inFlight(count: number, limit: number, task: (k: number) => Promise<void>): Promise<number[]> {
  return inParallel(Array.from({ length: count }, (_, k) => k), limit, async (k) => {
    const started = process.hrtime.bigint();
    await task(k);
    return seconds(started) * 1000;
  });
}

/** The command path in-process: validation, command bus, decide, group-committed append; 64 commands in flight. */
export async function commandPath(enterprises: number, filings: number, log: (m: string) => void): Promise<Figure[]> {
  const app = await writeSide(loadConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'fuju-bench-commands-')), DEMO: 'off' }));
  const bus = app.get(CommandBus);
  const meta = (k: number): CommandMeta => ({ actor: { subject: 'bench', role: 'admin' }, requestId: `bench-${k}` });
  try {
    await inFlight(enterprises, 64, async (i) => {
      const { command: _command, ...line } = registerLine(i);
      await bus.execute(new RegisterEnterprise(meta(i), await parseInput(RegisterEnterpriseInput, line)));
    });
    log(`command path: ${enterprises} enterprises registered; filing ${filings} monthly reports, 64 in flight…`);
    const started = process.hrtime.bigint();
    const latencies = await inFlight(filings, 64, async (k) => {
      const f = filingOf(k, enterprises);
      await bus.execute(new FileMonthlyReport(meta(k), f.uscc, f.period, await parseInput(FileMonthlyReportInput, f.body)));
    });
    const rate = filings / seconds(started);
    log(`  ${Math.round(rate)} events/s, p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms`);
    return [
      {
        workload: 'Command path',
        figure: `monthly reports filed in-process, 64 in flight (${filings.toLocaleString('en-US')} commands)`,
        value: rate,
        unit: 'events/s',
        target: { op: '>=', value: 50_000 },
        note: `p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms`,
      },
    ];
  } finally {
    await app.close();
  }
}

/** Registers the first `count` benchmark enterprises through the API. */
export async function registerOverHttp(server: ServerProcess, adminToken: string, count: number): Promise<void> {
  await inFlight(count, 32, async (i) => {
    const { command: _c, ...body } = registerLine(i);
    const r = await server.request('POST', '/v1/enterprises', { token: adminToken, body });
    if (r.status !== 201) throw new Error(`registration failed: ${r.status} ${JSON.stringify(r.body)}`);
  });
}

interface HttpRun {
  readonly rate: number;
  readonly p50: number;
  readonly p99: number;
  readonly ok: number;
  readonly failed: number;
  /** Acknowledgement instants (ms since epoch) and log positions of sampled filings. */
  readonly acks: { at: number; position: number }[];
}

/** PUT filings with autocannon; `next` hands out distinct (enterprise, month) pairs across runs. */
async function httpFilings(server: ServerProcess, token: string, next: () => number, n: number, options: { connections: number; seconds: number; rate?: number }): Promise<HttpRun> {
  const acks: { at: number; position: number }[] = [];
  let ok = 0;
  let failed = 0;
  const result = await autocannon({
    url: server.url,
    connections: options.connections,
    duration: options.seconds,
    ...(options.rate ? { overallRate: options.rate } : {}),
    requests: [
      {
        method: 'PUT',
        setupRequest: (req: autocannon.Request) => {
          const f = filingOf(next(), n);
          return { ...req, path: `/v1/enterprises/${f.uscc}/reports/${f.period}`, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(f.body) };
        },
        onResponse: (status: number, body: string) => {
          if (status >= 200 && status < 300) {
            ok += 1;
            acks.push({ at: Date.now(), position: Number((JSON.parse(body) as { position: number }).position) });
          } else failed += 1;
        },
      },
    ],
  } as autocannon.Options);
  return { rate: ok / options.seconds, p50: result.latency.p50, p99: result.latency.p99, ok, failed: failed + result.errors + result.timeouts, acks };
}

/**
 * HTTP filings against the real server (autocannon in this process, the server in its own),
 * then projection lag under a steady 2,000 filings/s, then start-up times.
 */
export async function httpWorkloads(options: { enterprises: number; seconds: number; lagSeconds: number }, log: (m: string) => void): Promise<Figure[]> {
  const figures: Figure[] = [];
  const server = await ServerProcess.start({ env: { RATE_LIMIT_PER_MINUTE: '1000000000' } });
  try {
    const admin = await server.token('admin');
    const bureau = await server.token('bureau', { region: '33' });
    log(`http: registering ${options.enterprises} enterprises…`);
    await registerOverHttp(server, admin, options.enterprises);
    let k = 0;
    const next = () => k++;
    // Warm-up, then the measured runs at a few concurrencies; the best rate whose p99 stays within 50 ms counts.
    await httpFilings(server, bureau, next, options.enterprises, { connections: 16, seconds: 2 });
    const runs: (HttpRun & { connections: number })[] = [];
    for (const connections of [8, 32, 64]) {
      const run = await httpFilings(server, bureau, next, options.enterprises, { connections, seconds: options.seconds });
      log(`  ${connections} connections: ${Math.round(run.rate)} filings/s, p50 ${run.p50} ms, p99 ${run.p99} ms, ${run.failed} failed`);
      runs.push({ ...run, connections });
    }
    const within = runs.filter((r) => r.p99 <= 50 && r.failed === 0);
    const best = (within.length ? within : runs).reduce((a, b) => (a.rate >= b.rate ? a : b));
    figures.push({
      workload: 'HTTP filings',
      figure: `PUT monthly reports, fsync-durable acks (autocannon, best of 8/32/64 connections with p99 ≤ 50 ms: ${best.connections})`,
      value: best.rate,
      unit: 'filings/s',
      target: { op: '>=', value: 5000 },
      note: `p50 ${best.p50} ms, p99 ${best.p99} ms, ${runs.reduce((s, r) => s + r.failed, 0)} failed`,
    });
    figures.push({ workload: 'HTTP filings', figure: `p99 latency at ${best.connections} connections`, value: best.p99, unit: 'ms', target: { op: '<=', value: 50 } });

    figures.push(await projectionLag(server, bureau, next, options, log, 'Projection lag'));

    // Start-up with the data just written.
    await server.stop();
    const started = process.hrtime.bigint();
    await server.boot();
    const startup = seconds(started);
    log(`start-up with existing data: ${startup.toFixed(1)} s`);
    figures.push({ workload: 'Start-up', figure: 'server start to healthy, existing data', value: startup, unit: 's', target: { op: '<=', value: 10 } });
  } finally {
    await server.stop();
  }
  const demoStarted = process.hrtime.bigint();
  const demo = await ServerProcess.start({ env: { DEMO: 'on', LOG_LEVEL: 'log' } });
  const demoSeconds = seconds(demoStarted);
  await demo.stop();
  const loaded = /demo data loaded in ([\d.]+) s/.exec(demo.log)?.[1];
  log(`demo start: healthy after ${demoSeconds.toFixed(1)} s (demo data loaded in ${loaded} s)`);
  figures.push({ workload: 'Start-up', figure: 'first start with the demo data set, to healthy', value: demoSeconds, unit: 's', target: { op: '<=', value: 30 }, note: `loading ${loaded} s` });
  return figures;
}

/**
 * Projection lag at a steady 2,000 filings/s: from each acknowledgement to the projector's
 * position (`/health`, polled every ~10 ms) passing it.
 */
export async function projectionLag(
  server: ServerProcess,
  token: string,
  next: () => number,
  options: { enterprises: number; lagSeconds: number },
  log: (m: string) => void,
  workload: string,
): Promise<Figure> {
  await server.waitForProjection();
  log(`lag: ${options.lagSeconds} s of filings at 2,000/s…`);
  const seen: { at: number; position: number }[] = [];
  let polling = true;
  const poller = (async () => {
    while (polling) {
      const health = (await server.request('GET', '/health')).body as { projector: { position: number } };
      seen.push({ at: Date.now(), position: health.projector.position });
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  const steady = await httpFilings(server, token, next, options.enterprises, { connections: 32, seconds: options.lagSeconds, rate: 2000 });
  const lastAck = Math.max(...steady.acks.map((a) => a.position));
  while (seen.length === 0 || seen[seen.length - 1].position < lastAck) await new Promise((r) => setTimeout(r, 20));
  polling = false;
  await poller;
  const lags = steady.acks.map((a) => {
    const visible = seen.find((s) => s.at >= a.at && s.position >= a.position);
    return visible ? visible.at - a.at : Number.NaN;
  });
  log(`  ${Math.round(steady.rate)} filings/s sustained; lag p50 ${percentile(lags, 50)} ms, p99 ${percentile(lags, 99)} ms`);
  return {
    workload,
    figure: `acknowledgement → visible to statistics at ${Math.round(steady.rate)} filings/s, p99 (health polled every ~10 ms)`,
    value: percentile(lags, 99),
    unit: 'ms',
    target: { op: '<=', value: 1000 },
    note: `p50 ${percentile(lags, 50)} ms, ${steady.failed} failed`,
  };
}

/** Bulk import of an NDJSON file through `npm run cli -- import` (a process of its own, as an operator runs it). */
export async function bulkImport(enterprises: number, months: number, log: (m: string) => void): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'fuju-bench-import-'));
  const registrations = Array.from({ length: enterprises }, (_, i) => JSON.stringify(registerLine(i)));
  const filing = (k: number) => {
    const f = filingOf(k, enterprises);
    return JSON.stringify({ command: 'fileMonthlyReport', uscc: f.uscc, period: f.period, ...f.body });
  };
  // Month by month (every enterprise's January, then February…) and enterprise by enterprise (each one's
  // history in a row, as a register's export comes): the batch groups lines by enterprise only in the second.
  const layouts: [string, string[], string[]][] = [
    ['month by month', ['--line-by-line'], [...registrations, ...Array.from({ length: enterprises * months }, (_, k) => filing(k))]],
    ['month by month', [], [...registrations, ...Array.from({ length: enterprises * months }, (_, k) => filing(k))]],
    ['enterprise by enterprise', [], registrations.flatMap((r, i) => [r, ...Array.from({ length: months }, (_, m) => filing(m * enterprises + i))])],
  ];
  const figures: Figure[] = [];
  for (const [layout, flags, lines] of layouts) {
    const file = join(dir, `filings-${figures.length}.ndjson`);
    writeFileSync(file, `${lines.join('\n')}\n`);
    log(`import (${layout}${flags.length ? ', line by line' : ''}): ${lines.length} lines…`);
    const output = await new Promise<string>((done, fail) => {
      const child = spawn(process.execPath, [resolve('dist/apps/cli/src/main.js'), 'import', file, ...flags], {
        env: { ...embeddedEnvironment(), NODE_OPTIONS: '', DATA_DIR: join(dir, `data-${figures.length}`) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      child.on('exit', (code) => (code === 0 ? done(out) : fail(new Error(`import exited with ${code}: ${out.slice(-2000)}`))));
    });
    const took = Number(/ in ([\d.]+) s as /.exec(output)?.[1]);
    const accepted = Number(/(\d+) accepted/.exec(output)?.[1]);
    const rate = accepted / took;
    log(`  ${accepted} events in ${took} s (${Math.round(rate)} events/s)`);
    figures.push({
      workload: 'Bulk import',
      figure: `NDJSON through the CLI, ${flags.length ? 'every line alone through the command bus (--line-by-line)' : 'batched (the default)'}, ${layout} (${lines.length.toLocaleString('en-US')} lines, all accepted: ${accepted === lines.length})`,
      value: rate,
      unit: 'events/s',
      target: { op: '>=', value: 100_000 },
    });
  }
  return figures;
}
