import 'reflect-metadata';
import { Command, InvalidArgumentError, Option } from 'commander';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runAnalytics } from './analytics.js';
import { judge, machine, markdownTable, writeReport, type BenchRun, type Figure } from './report.js';
import { bulkImport, commandPath, httpWorkloads } from './write-path.js';
import { publication } from './disclosure.js';
import { kafkaWorkloads } from './kafka.js';

const WORKLOADS = ['analytics', 'growth', 'commands', 'http', 'import', 'disclosure', 'kafka'] as const;
type Workload = (typeof WORKLOADS)[number];

interface Sizes {
  enterprises: number;
  months: number;
  queryRuns: number;
  peerRuns: number;
  rawSample: number;
  commandEnterprises: number;
  commandFilings: number;
  httpEnterprises: number;
  httpSeconds: number;
  lagSeconds: number;
  importEnterprises: number;
  importMonths: number;
  disclosureCounties: number;
  disclosureEarlier: number;
  /** Enterprises of the smaller logs the growth table measures beside the main one. */
  growthEnterprises: number[];
  kafkaEvents: number;
}

const FULL: Sizes = {
  enterprises: 280_000,
  months: 36,
  queryRuns: 30,
  peerRuns: 3,
  rawSample: 400_000,
  commandEnterprises: 5_000,
  commandFilings: 100_000,
  httpEnterprises: 5_000,
  httpSeconds: 10,
  lagSeconds: 30,
  importEnterprises: 2_000,
  importMonths: 50,
  disclosureCounties: 100,
  disclosureEarlier: 20,
  // ≈ 1 M and 3 M events (the main log is ≈ 10.9 M).
  growthEnterprises: [25_800, 77_300],
  kafkaEvents: 300_000,
};

const QUICK: Sizes = {
  enterprises: 3_000,
  months: 24,
  queryRuns: 10,
  peerRuns: 2,
  rawSample: 20_000,
  commandEnterprises: 500,
  commandFilings: 5_000,
  httpEnterprises: 1_000,
  httpSeconds: 3,
  lagSeconds: 3,
  importEnterprises: 200,
  importMonths: 24,
  disclosureCounties: 10,
  disclosureEarlier: 4,
  growthEnterprises: [1_000],
  kafkaEvents: 10_000,
};

const count = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive whole number');
  return n;
};

const log = (message: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);

/** The analytics workloads run in a child process: its own chDB engine, and its own peak RSS. */
async function analyticsInChild(sizes: Sizes, growthOnly = false): Promise<{ figures: Figure[]; sizes: Record<string, number> }> {
  const out = join(mkdtempSync(join(tmpdir(), 'fuju-bench-')), 'analytics.json');
  const args = [fileURLToPath(import.meta.url), '--child-analytics', out, '--enterprises', String(sizes.enterprises), '--months', String(sizes.months)];
  args.push('--query-runs', String(sizes.queryRuns), '--peer-runs', String(sizes.peerRuns), '--raw-sample', String(sizes.rawSample));
  if (growthOnly) args.push('--growth-only');
  await new Promise<void>((done, fail) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, NODE_OPTIONS: '' } });
    child.on('exit', (code) => (code === 0 ? done() : fail(new Error(`the analytics workload exited with ${code}`))));
  });
  return JSON.parse(readFileSync(out, 'utf8'));
}

const program = new Command()
  .name('bench')
  .description('Fuju Ledger benchmarks: every figure beside the raw engine limit measured in the same run. Writes bench/results/<timestamp>.json and (full runs) the table in BENCHMARKS.md.')
  .option('--quick', 'small sizes, under two minutes, for CI (no thresholds asserted)')
  .option('--only <workloads>', `comma list of ${WORKLOADS.join(', ')}`)
  .option('--enterprises <n>', 'enterprises in the generated log', count)
  .option('--months <n>', 'months each enterprise files in the generated log', count)
  .option('--query-runs <n>', 'runs of each query', count)
  .option('--peer-runs <n>', 'runs of the SQLite peer query', count)
  .option('--raw-sample <n>', 'events in the raw chDB insert sample', count)
  .addOption(new Option('--child-analytics <file>').hideHelp())
  .addOption(new Option('--growth-only').hideHelp())
  .action(async (options) => {
    const base = options.quick ? QUICK : FULL;
    const sizes: Sizes = {
      ...base,
      ...(options.enterprises ? { enterprises: options.enterprises } : {}),
      ...(options.months ? { months: options.months } : {}),
      ...(options.queryRuns ? { queryRuns: options.queryRuns } : {}),
      ...(options.peerRuns ? { peerRuns: options.peerRuns } : {}),
      ...(options.rawSample ? { rawSample: options.rawSample } : {}),
    };
    if (options.childAnalytics) {
      const result = await runAnalytics({
        shape: { enterprises: sizes.enterprises, months: sizes.months, firstMonth: '2023-01' },
        runs: sizes.queryRuns,
        peerRuns: sizes.peerRuns,
        rawSample: sizes.rawSample,
        growthOnly: options.growthOnly === true,
        log,
      });
      writeFileSync(options.childAnalytics, JSON.stringify(result));
      return;
    }
    const only = options.only ? String(options.only).split(',') : [...WORKLOADS];
    const unknown = only.filter((w) => !(WORKLOADS as readonly string[]).includes(w));
    if (unknown.length) throw new InvalidArgumentError(`unknown workload ${unknown.join(', ')}; choose from ${WORKLOADS.join(', ')}`);
    const startedAt = new Date().toISOString();
    const figures: Figure[] = [];
    const errors: string[] = [];
    let runSizes: Record<string, number> = {};
    const steps: Record<Workload, () => Promise<Figure[]>> = {
      analytics: async () => {
        const r = await analyticsInChild(sizes);
        runSizes = { ...runSizes, ...r.sizes };
        return r.figures;
      },
      growth: async () => {
        // The same generation, rebuild and queries at smaller logs: the growth table's other columns.
        const out: Figure[] = [];
        for (const enterprises of sizes.growthEnterprises) out.push(...(await analyticsInChild({ ...sizes, enterprises, queryRuns: Math.min(sizes.queryRuns, 10) }, true)).figures);
        return out;
      },
      commands: () => commandPath(sizes.commandEnterprises, sizes.commandFilings, log),
      kafka: () => kafkaWorkloads({ events: sizes.kafkaEvents, enterprises: sizes.httpEnterprises, lagSeconds: sizes.lagSeconds }, log),
      http: () => httpWorkloads({ enterprises: sizes.httpEnterprises, seconds: sizes.httpSeconds, lagSeconds: sizes.lagSeconds }, log),
      import: () => bulkImport(sizes.importEnterprises, sizes.importMonths, log),
      disclosure: () => publication({ counties: sizes.disclosureCounties, earlier: sizes.disclosureEarlier }, log),
    };
    for (const workload of WORKLOADS.filter((w) => only.includes(w))) {
      try {
        figures.push(...(await steps[workload]()));
      } catch (error) {
        const message = `${workload}: ${error instanceof Error ? error.message : String(error)}`;
        log(message);
        errors.push(message);
      }
    }
    const run: BenchRun = {
      startedAt,
      finishedAt: new Date().toISOString(),
      mode: options.quick ? 'quick' : only.length < WORKLOADS.length ? 'partial' : 'full',
      machine: machine(),
      sizes: { ...runSizes, commandFilings: sizes.commandFilings, httpEnterprises: sizes.httpEnterprises },
      figures: figures.map(judge),
      errors,
    };
    const written = writeReport(run, resolve('.'));
    console.log(markdownTable(run));
    console.log(`\nwrote ${written.json}${written.markdown ? ` and ${written.markdown}` : ''}`);
    if (errors.length) process.exitCode = 1;
  });

await program.parseAsync();
