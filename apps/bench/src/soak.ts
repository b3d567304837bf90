import 'reflect-metadata';
import autocannon from 'autocannon';
import { Command, InvalidArgumentError } from 'commander';
import cliProgress from 'cli-progress';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ServerProcess } from '../../../test/support/server.js';
import { machine, percentile } from './report.js';
import { filingOf, inFlight, registerOverHttp, writeUscc, zhejiang } from './write-path.js';

/**
 * The soak: a real server driven for N minutes by a steady mix of writes (monthly filings,
 * outlet openings, rentals) at a fixed rate, with statistics, audit and monitoring reads beside
 * them. Reports every error, the server's RSS over time, and projection lag.
 */
interface Sample {
  readonly second: number;
  readonly rssMiB: number;
  /** The server's JavaScript heap in use (from /health), to tell heap growth from the engines' memory. */
  readonly heapMiB: number;
  readonly head: number;
  readonly projected: number;
}

/** Months each enterprise files in a run (one every minute or so in a 10-minute run at 1,000 writes/s). */
const MONTHS_PER_ENTERPRISE = 9;

const positive = (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number');
  return n;
};

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

const log = (message: string) => console.error(`[soak ${new Date().toISOString().slice(11, 19)}] ${message}`);

const program = new Command()
  .name('soak')
  .description('Drives a real server with mixed writes and reads for a while; reports errors, RSS over time and projection lag. Writes bench/results/soak-<timestamp>.{json,md}.')
  .option('--minutes <n>', 'how long to drive the server', positive, 10)
  .option('--rate <n>', 'writes per second', positive, 1000)
  .option('--warmup <n>', 'minutes after which RSS growth is measured (default: a fifth of the run, at least 1)', positive)
  .action(async (options: { minutes: number; rate: number; warmup?: number }) => {
    const seconds = Math.round(options.minutes * 60);
    const warmup = Math.round((options.warmup ?? Math.max(1, options.minutes / 5)) * 60);
    const writes = Math.ceil(seconds * options.rate);
    // Filings use distinct (enterprise, month) pairs, each enterprise its next month in turn.
    // Enough enterprises that each files about MONTHS_PER_ENTERPRISE months in the run — a
    // month's filing every minute or so, not (as with few enterprises) every few seconds, which
    // would make every stream grow by dozens of events in ten minutes.
    const enterprises = Math.max(200, Math.ceil((writes * 0.9) / MONTHS_PER_ENTERPRISE));
    const startedAt = new Date().toISOString();
    const server = await ServerProcess.start({ env: { RATE_LIMIT_PER_MINUTE: '1000000000' } });
    const errors: string[] = [];
    const samples: Sample[] = [];
    try {
      const admin = await server.token('admin');
      const bureau = await server.token('bureau', { region: '33' });
      const regulator = await server.token('regulator');
      log(`registering ${enterprises} enterprises and 200 rental points…`);
      await registerOverHttp(server, admin, enterprises);
      const community = (i: number) => {
        const county = zhejiang()[i % zhejiang().length];
        return county.communities[i % county.communities.length];
      };
      const outlet = (i: number) => ({ outletId: `soak-outlet-${i}`, uscc: writeUscc(i % enterprises), kind: 'rental_point', communityCode: community(i), name: `浸泡测试网点${i}`, openedOn: '2019-06-01' });
      await inFlight(200, 16, async (i) => {
        const r = await server.request('POST', '/v1/outlets', { token: bureau, body: outlet(i) });
        if (r.status !== 201) throw new Error(`outlet failed: ${r.status} ${JSON.stringify(r.body)}`);
      });
      await server.waitForProjection();

      // Writes: 18 filings, 1 outlet opening and 1 rental in every 20.
      let k = 0;
      let filing = 0;
      let opened = 200;
      const acks: { at: number; position: number }[] = [];
      let ok = 0;
      const writeRun = autocannon({
        url: server.url,
        connections: 32,
        duration: seconds,
        overallRate: options.rate,
        requests: [
          {
            setupRequest: (req: autocannon.Request) => {
              const n = k++;
              const headers = { 'content-type': 'application/json', authorization: `Bearer ${bureau}` };
              if (n % 20 === 0) return { ...req, method: 'POST', path: '/v1/outlets', headers, body: JSON.stringify(outlet(opened++)) };
              if (n % 20 === 10) {
                const body = { rentalId: `soak-rental-${n}`, outletId: `soak-outlet-${n % 200}`, productClass: '12 22', traceCode: `SOAK-${n}`, beneficiary: 'elderly', startedOn: '2024-03-01', monthlyFee: '120.00', monthlySubsidy: '60.00' };
                return { ...req, method: 'POST', path: '/v1/rentals', headers, body: JSON.stringify(body) };
              }
              const f = filingOf(filing++, enterprises);
              return { ...req, method: 'PUT', path: `/v1/enterprises/${f.uscc}/reports/${f.period}`, headers, body: JSON.stringify(f.body) };
            },
            onResponse: (status: number, body: string) => {
              if (status >= 200 && status < 300) {
                ok += 1;
                if (ok % 10 === 0) acks.push({ at: Date.now(), position: Number((JSON.parse(body) as { position: number }).position) });
              } else if (errors.length < 50) errors.push(`write answered ${status}: ${body.slice(0, 300)}`);
            },
          },
        ],
      } as autocannon.Options);

      // Reads beside the writes, a few per second, and the samples.
      const reads = [
        '/v1/statistics/revenue?period=2024&region=33&groupBy=region&regionLevel=city',
        '/v1/statistics/employment?from=2019-01&to=2026-10&granularity=year&region=33',
        '/v1/statistics/outlets-active?period=2024&region=33&groupBy=region',
        '/v1/statistics/rentals-started?period=2024&groupBy=productClass',
        '/v1/monitoring/filing-compliance?period=2024-06&region=33',
        '/v1/audit/events?limit=100',
      ];
      const start = Date.now();
      let readsDone = 0;
      let readErrors = 0;
      const readLatencies: number[] = [];
      const seen: { at: number; position: number }[] = [];
      let running = true;
      const readLoop = (async () => {
        for (let i = 0; running; i++) {
          const t = Date.now();
          const r = await server.request('GET', reads[i % reads.length], { token: regulator });
          readLatencies.push(Date.now() - t);
          readsDone += 1;
          if (r.status !== 200) {
            readErrors += 1;
            if (errors.length < 50) errors.push(`read ${reads[i % reads.length]} answered ${r.status}: ${JSON.stringify(r.body).slice(0, 300)}`);
          }
          await new Promise((done) => setTimeout(done, 200));
        }
      })();
      const bar = new cliProgress.SingleBar({ format: 'soak |{bar}| {value}/{total} s | {writes} writes | RSS {rss} MiB | lag {lag} events', noTTYOutput: true, notTTYSchedule: 30_000 }, cliProgress.Presets.shades_classic);
      bar.start(seconds, 0, { writes: 0, rss: 0, lag: 0 });
      const sampleLoop = (async () => {
        while (running) {
          const health = (await server.request('GET', '/health')).body as { eventStore: { head: number }; projector: { position: number }; memory: { heapUsedMiB: number } };
          const now = Date.now();
          seen.push({ at: now, position: health.projector.position });
          const second = Math.round((now - start) / 1000);
          if (!samples.length || second - samples[samples.length - 1].second >= 5) {
            const sample = { second, rssMiB: Math.round(rssMiB(server.pid!)), heapMiB: health.memory.heapUsedMiB, head: health.eventStore.head, projected: health.projector.position };
            samples.push(sample);
            bar.update(Math.min(second, seconds), { writes: ok, rss: sample.rssMiB, lag: sample.head - sample.projected });
          }
          await new Promise((done) => setTimeout(done, 25));
        }
      })();
      const result = await writeRun;
      const lastAck = acks.length ? Math.max(...acks.map((a) => a.position)) : 0;
      while (seen.length && seen[seen.length - 1].position < lastAck) await new Promise((done) => setTimeout(done, 50));
      running = false;
      await Promise.all([readLoop, sampleLoop]);
      bar.stop();

      const lags = acks.map((a) => {
        const visible = seen.find((s) => s.at >= a.at && s.position >= a.position);
        return visible ? visible.at - a.at : Number.NaN;
      });
      const afterWarmup = samples.filter((s) => s.second >= warmup);
      // RSS swings by ±100 MiB with each major garbage collection (the heap fills with garbage,
      // then is collected), so one sample is not a level: growth compares the median over the
      // first minute after the warm-up with the median over the last minute.
      const medianRss = (from: number, to: number) => percentile(samples.filter((s) => s.second >= from && s.second < to).map((s) => s.rssMiB), 50);
      const rssAtWarmup = medianRss(warmup, warmup + 60);
      const rssAtEnd = medianRss(seconds - 60, Number.POSITIVE_INFINITY);
      const pointAtWarmup = afterWarmup[0]?.rssMiB ?? Number.NaN;
      const pointAtEnd = samples[samples.length - 1]?.rssMiB ?? Number.NaN;
      const rssPeak = Math.max(...afterWarmup.map((s) => s.rssMiB));
      const growth = (rssAtEnd - rssAtWarmup) / rssAtWarmup;
      const writeErrors = result.non2xx + result.errors + result.timeouts;
      const report = {
        startedAt,
        finishedAt: new Date().toISOString(),
        machine: machine(),
        minutes: options.minutes,
        targetWritesPerSecond: options.rate,
        enterprises,
        warmupSeconds: warmup,
        writes: { acknowledged: ok, perSecond: Math.round(ok / seconds), errors: writeErrors, latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max } },
        reads: { done: readsDone, errors: readErrors, latencyMs: { p50: percentile(readLatencies, 50), p99: percentile(readLatencies, 99) } },
        projectionLagMs: { p50: percentile(lags, 50), p99: percentile(lags, 99), max: Math.max(...lags.filter((l) => !Number.isNaN(l))) },
        rssMiB: {
          medianOfMinuteAfterWarmup: rssAtWarmup,
          medianOfLastMinute: rssAtEnd,
          sampleAtWarmup: pointAtWarmup,
          lastSample: pointAtEnd,
          peakAfterWarmup: rssPeak,
          growthAfterWarmup: Number(growth.toFixed(4)),
        },
        verdict: {
          zeroErrors: writeErrors === 0 && readErrors === 0,
          rateHeld: ok / seconds >= options.rate * 0.98,
          rssGrowthUnder10Percent: growth < 0.1,
          lagP99UnderOneSecond: percentile(lags, 99) <= 1000,
        },
        errors,
        samples,
      };
      const dir = resolve('bench', 'results');
      mkdirSync(dir, { recursive: true });
      const stem = join(dir, `soak-${startedAt.replace(/[:.]/g, '-')}`);
      writeFileSync(`${stem}.json`, `${JSON.stringify(report, null, 2)}\n`);
      const md = [
        `# Soak ${startedAt}: ${options.minutes} min at ${options.rate} writes/s`,
        '',
        `Machine: ${report.machine.cpus} × ${report.machine.cpuModel}, ${report.machine.memoryGiB} GiB, Node ${report.machine.node}. Server: the embedded stack (SQLite + chDB) as \`npm start\` runs it.`,
        '',
        '| Figure | Measured | Target | Result |',
        '|---|---|---|---|',
        `| writes acknowledged (18 filings, 1 outlet, 1 rental in every 20; filings by ${enterprises.toLocaleString('en-US')} enterprises) | ${ok.toLocaleString('en-US')} (${report.writes.perSecond}/s; p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms) | ${options.rate}/s | ${report.verdict.rateHeld ? 'pass' : 'FAIL'} |`,
        `| errors (writes + reads) | ${writeErrors} + ${readErrors} (of ${readsDone} reads) | 0 | ${report.verdict.zeroErrors ? 'pass' : 'FAIL'} |`,
        `| server RSS, median of the minute after the ${Math.round(warmup / 60)} min warm-up → median of the last minute | ${rssAtWarmup} → ${rssAtEnd} MiB (${(growth * 100).toFixed(1)}%; single samples ${pointAtWarmup} → ${pointAtEnd}, peak ${rssPeak} MiB) | growth < 10% | ${report.verdict.rssGrowthUnder10Percent ? 'pass' : 'FAIL'} |`,
        `| projection lag (ack → visible), p50 / p99 / max | ${report.projectionLagMs.p50} / ${report.projectionLagMs.p99} / ${report.projectionLagMs.max} ms | p99 ≤ 1 s | ${report.verdict.lagP99UnderOneSecond ? 'pass' : 'FAIL'} |`,
        '',
        'RSS (and JavaScript heap in use) over time, MiB, every minute:',
        '',
        samples
          .filter((s, i) => i === 0 || Math.floor(s.second / 60) !== Math.floor(samples[i - 1].second / 60))
          .map((s) => `${Math.floor(s.second / 60)} min: ${s.rssMiB} (${s.heapMiB})`)
          .join(' · '),
        ...(errors.length ? ['', 'First errors:', '', ...errors.map((e) => `- ${e}`)] : []),
        '',
      ].join('\n');
      writeFileSync(`${stem}.md`, md);
      console.log(md);
      console.log(`wrote ${stem}.json and ${stem}.md`);
      if (!Object.values(report.verdict).every(Boolean)) process.exitCode = 1;
    } finally {
      await server.stop();
    }
  });

await program.parseAsync();
