import 'reflect-metadata';
import { CommandBus } from '@nestjs/cqrs';
import { Command, InvalidArgumentError, Option } from 'commander';
import cliProgress from 'cli-progress';
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { loadReferencePilots, runImport, type Role } from '../../../libs/application/src/index.js';
import { FujuError, usccProblem } from '../../../libs/domain/src/index.js';
import { ConfigError, loadConfig, loadJwtSecret, signToken, writeSide, type AppConfig } from '../../../libs/platform/src/index.js';
import { backupEventStore, restoreEventStore } from './backup.js';

/**
 * The operator's command line. It never opens the ClickHouse engine (chDB binds one process
 * per data directory): read-model work is asked of the running server over HTTP.
 */
function config(): AppConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
}

function fail(message: string): never {
  console.error(`fuju-cli: ${message}`);
  process.exit(2);
}

const program = new Command('fuju-cli').description('Fuju Ledger command line (康复辅具产业统计监测系统)').showHelpAfterError();

program
  .command('token')
  .description('print a signed JWT for a role, using the secret of DATA_DIR (or AUTH_JWT_SECRET)')
  .addOption(new Option('--role <role>', 'enterprise | bureau | regulator | admin').choices(['enterprise', 'bureau', 'regulator', 'admin']).makeOptionMandatory())
  .option('--uscc <uscc>', 'for --role enterprise: the USCC it acts for')
  .option('--region <prefix>', 'for --role bureau: the region code prefix (2, 4 or 6 digits)')
  .option('--ttl <duration>', 'lifetime such as 30m, 2h, 7d', (value) => {
    if (!/^\d+\s*(s|m|h|d|w)$/.test(value)) throw new InvalidArgumentError('use a number and a unit, such as 30m, 2h or 7d');
    return value;
  }, '8h')
  .action(async (options: { role: Role; uscc?: string; region?: string; ttl: string }) => {
    if (options.role === 'enterprise') {
      if (!options.uscc) fail('--role enterprise needs --uscc <USCC>');
      const problem = usccProblem(options.uscc);
      if (problem) fail(`--uscc ${options.uscc}: ${problem}`);
    }
    if (options.role === 'bureau' && !/^\d{2}(\d{2}){0,2}$/.test(options.region ?? '')) fail('--role bureau needs --region <2-, 4- or 6-digit code prefix>');
    const cfg = config();
    const token = await signToken(
      loadJwtSecret(cfg.dataDir, cfg.jwtSecret),
      { role: options.role, ...(options.role === 'enterprise' ? { uscc: options.uscc } : {}), ...(options.role === 'bureau' ? { region: options.region } : {}) },
      options.ttl,
    );
    process.stdout.write(`${token}\n`);
  });

program
  .command('replay')
  .alias('rebuild')
  .description('rebuild the read model (ClickHouse) from the event log, inside the running server, with progress')
  .option('--url <url>', 'the running server', `http://localhost:${process.env.PORT || 3000}`)
  .action(async (options: { url: string }) => {
    const cfg = config();
    const token = await signToken(loadJwtSecret(cfg.dataDir, cfg.jwtSecret), { role: 'admin' }, '2h');
    const call = async (method: string, path: string) => {
      let response: Response;
      try {
        response = await fetch(`${options.url}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
      } catch {
        fail(`no server answers at ${options.url}; start it with "npm start" (same DATA_DIR), then run replay again`);
      }
      const body = (await response.json()) as Record<string, unknown>;
      if (!response.ok) fail(`${method} ${path}: ${response.status} ${String(body.detail ?? body.title ?? '')}`);
      return body as { id: string; status: string; processed: number; total: number; error?: string };
    };
    let job = await call('POST', '/v1/admin/rebuilds');
    const bar = new cliProgress.SingleBar(
      { format: 'rebuild |{bar}| {percentage}% | {value}/{total} events | {duration_formatted}', noTTYOutput: true, notTTYSchedule: 2000 },
      cliProgress.Presets.shades_classic,
    );
    bar.start(Math.max(job.total, 1), job.processed);
    while (job.status === 'running') {
      await new Promise((r) => setTimeout(r, 300));
      job = await call('GET', `/v1/admin/rebuilds/${job.id}`);
      bar.setTotal(Math.max(job.total, 1));
      bar.update(job.processed);
    }
    bar.stop();
    if (job.status !== 'succeeded') fail(`rebuild failed: ${job.error ?? 'unknown error'}`);
    console.log(`rebuilt the read model from ${job.total} events and swapped it in`);
  });


function progressBar(label: string, unit = 'lines'): cliProgress.SingleBar {
  return new cliProgress.SingleBar(
    { format: `${label} |{bar}| {percentage}% | {value}/{total} ${unit} | {duration_formatted} | eta {eta_formatted}`, noTTYOutput: true, notTTYSchedule: 5000 },
    cliProgress.Presets.shades_classic,
  );
}

program
  .command('import')
  .description('bulk-load commands through the same handlers and edits as the API (works beside a running server)')
  .argument('<file>', 'NDJSON (one command per line) or CSV (uscc,period,revenue,taxPaid,employees)')
  .addOption(new Option('--format <format>', 'input format (default: by file extension)').choices(['ndjson', 'csv']))
  .option('--rejects <file>', 'where to write rejected lines with their reasons (default: <file>.rejects.ndjson)')
  .option('--actor <name>', 'recorded as the actor of every event', `import:${userInfo().username}`)
  .option('--line-by-line', 'send every line alone through the command bus as the API does (the reference path; slower than the default batches)')
  .action(async (file: string, options: { format?: 'ndjson' | 'csv'; rejects?: string; actor: string; lineByLine?: boolean }) => {
    const path = resolve(file);
    if (!existsSync(path)) fail(`${file}: no such file`);
    const format = options.format ?? (path.toLowerCase().endsWith('.csv') ? 'csv' : 'ndjson');
    const rejectsFile = resolve(options.rejects ?? `${path}.rejects.ndjson`);
    const app = await writeSide(config());
    const bar = progressBar('import');
    let started = false;
    let summary;
    try {
      summary = await runImport(app.get(CommandBus), path, {
        format,
        actor: { subject: options.actor, role: 'admin' },
        rejectsFile,
        lineByLine: options.lineByLine === true,
        onProgress: (done, total) => {
          if (!started) bar.start(total, 0);
          started = true;
          bar.update(done);
        },
      });
    } catch (error) {
      bar.stop();
      await app.close();
      fail(error instanceof Error ? error.message : String(error));
    }
    bar.stop();
    await app.close();
    console.log(`imported ${summary.file} (${summary.format}) in ${summary.seconds} s as ${options.actor}`);
    console.log(`  lines ${summary.lines}: ${summary.accepted} accepted, ${summary.unchanged} unchanged, ${summary.rejected} rejected`);
    for (const [name, c] of Object.entries(summary.byCommand)) console.log(`  ${name.padEnd(22)} ${c.accepted} accepted, ${c.unchanged} unchanged, ${c.rejected} rejected`);
    if (summary.rejected) {
      console.log(`  rejected lines and reasons: ${summary.rejectsFile}`);
      process.exitCode = 1;
    }
  });

program
  .command('backup')
  .description('online backup of the event store (safe beside a running server), with a manifest of counts and a checksum')
  .argument('<dir>', 'an empty directory to write the backup into')
  .action(async (dir: string) => {
    const cfg = config();
    if (cfg.eventStoreConnectionString) fail('the event store is EventStoreDB: back it up with its own tools');
    const bar = progressBar('backup', 'pages');
    let started = false;
    const manifest = await backupEventStore(cfg.eventStoreFile, resolve(dir), (done, total) => {
      if (!started) bar.start(total, 0);
      started = true;
      bar.update(done);
    }).catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
    bar.stop();
    console.log(`backed up ${manifest.events} events (up to position ${manifest.headPosition}) into ${resolve(dir)}; sha256 ${manifest.sha256}`);
  });

program
  .command('restore')
  .description('restore the event store from a backup (server stopped); the next start rebuilds the read model from the log')
  .argument('<dir>', 'a directory written by backup')
  .option('--force', 'replace an existing event store')
  .action((dir: string, options: { force?: boolean }) => {
    const cfg = config();
    try {
      const manifest = restoreEventStore(resolve(dir), cfg.eventStoreFile, cfg.clickhouse.chdbPath, options.force === true);
      console.log(`restored ${manifest.events} events (up to position ${manifest.headPosition}), counts and checksum verified; start the server to rebuild the read model from the log`);
    } catch (error) {
      fail(error instanceof Error ? error.message : String(error));
    }
  });

const pilots = program.command('pilots').description('pilot regions (试点地区)');
pilots
  .command('load')
  .description('designate every pilot region of the reference data set (seeds 003 and 004) with its quoted commitments')
  .action(async () => {
    const app = await writeSide(config());
    const result = await loadReferencePilots(app.get(CommandBus), 'cli:pilots-load').catch((error: unknown) => fail(error instanceof FujuError ? `${error.code} ${error.message}` : String(error)));
    await app.close();
    console.log(`pilots: ${result.designated} designated, ${result.amended} amended, ${result.unchanged} unchanged`);
  });

await program.parseAsync(process.argv);
