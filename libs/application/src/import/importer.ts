import type { CommandBus } from '@nestjs/cqrs';
import { parse } from 'csv-parse';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { FujuError } from '../../../domain/src/index.js';
import type { Principal } from '../actor.js';
import type { CommandMeta, CommandResult, Settled } from '../command-handler.js';
import type { FileMonthlyReport } from '../enterprise/file-monthly-report.js';
import type { RegisterEnterprise } from '../enterprise/register-enterprise.js';
import { BATCHED_COMMANDS, ExecuteInBatch } from './batch.js';
import { commandFromLine } from './import-line.js';

/** Lines in flight at once. */
const CONCURRENCY = 64;

/** What a line must wait for: earlier lines on the same enterprise, outlet, or any rental or pilot line. */
function dependencyKeys(input: Record<string, unknown>): string[] {
  const uscc = typeof input.uscc === 'string' ? `enterprise:${input.uscc}` : undefined;
  switch (input.command) {
    case 'registerEnterprise':
    case 'fileMonthlyReport':
    case 'relocateEnterprise':
    case 'deregisterEnterprise':
      return uscc ? [uscc] : ['unkeyed'];
    case 'openOutlet':
    case 'closeOutlet':
      return ['outlets', ...(uscc ? [uscc] : [])];
    case 'startRental':
    case 'returnRental':
      return ['outlets', 'rentals'];
    case 'designatePilot':
    case 'reportPilotInvestment':
      return ['pilots'];
    default:
      return ['unkeyed'];
  }
}

export const CSV_HEADER = ['uscc', 'period', 'revenue', 'taxPaid', 'employees'];

export interface ImportSummary {
  file: string;
  format: 'ndjson' | 'csv';
  lines: number;
  accepted: number;
  unchanged: number;
  rejected: number;
  byCommand: Record<string, { accepted: number; unchanged: number; rejected: number }>;
  rejectsFile: string | null;
  seconds: number;
}

export interface ImportOptions {
  readonly format: 'ndjson' | 'csv';
  /** Who imports: recorded as the actor of every event, and whose rights every line is checked against. */
  readonly actor: Principal;
  readonly rejectsFile: string;
  /** Names the file in idempotency keys (default: its base name): the same tag, line and content append nothing twice. */
  readonly tag?: string;
  readonly onProgress?: (done: number, total: number) => void;
  /**
   * Every line alone through the command bus, as in the API (the reference path, slower). By
   * default runs of registrations and monthly reports are batched: the same validation and
   * decisions per line, one fold and one append per enterprise (see {@link ExecuteInBatch}).
   */
  readonly lineByLine?: boolean;
}

/** Lines of registrations and monthly reports decided and appended together. */
const BATCH_LINES = 2000;

/** Numbered input records of either format, as objects in the NDJSON command shape. */
async function* records(file: string, format: 'ndjson' | 'csv'): AsyncGenerator<{ line: number; raw: string; input?: unknown; problem?: string }> {
  if (format === 'ndjson') {
    let line = 0;
    for await (const raw of createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity })) {
      line += 1;
      if (!raw.trim()) continue;
      try {
        yield { line, raw, input: JSON.parse(raw) };
      } catch (error) {
        yield { line, raw, problem: `not valid JSON: ${(error as Error).message}` };
      }
    }
    return;
  }
  const parser = createReadStream(file).pipe(parse({ columns: (header: string[]) => checkHeader(header), skip_empty_lines: true, trim: true, info: true, relax_column_count: true }));
  for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
    const employees = /^-?\d+(\.\d+)?$/.test(record.employees ?? '') ? Number(record.employees) : record.employees;
    yield { line: info.lines, raw: JSON.stringify(record), input: { command: 'fileMonthlyReport', ...record, employees } };
  }
}

function checkHeader(header: string[]): string[] {
  if (header.join(',') !== CSV_HEADER.join(',')) throw new Error(`the CSV header must be exactly "${CSV_HEADER.join(',')}", found "${header.join(',')}"`);
  return header;
}

function countLines(file: string): number {
  const text = readFileSync(file);
  let lines = 0;
  for (const byte of text) if (byte === 10) lines += 1;
  return text.length && text[text.length - 1] !== 10 ? lines + 1 : lines;
}

/**
 * Runs every line through the same command handlers and edits as the HTTP API. Each line has an
 * idempotency key derived from the file name, line number and content, so running the same file
 * again appends nothing twice. Bad lines are written to the rejects file with their reasons.
 */
export async function runImport(bus: CommandBus, file: string, options: ImportOptions): Promise<ImportSummary> {
  const started = Date.now();
  const total = countLines(file);
  const summary: ImportSummary = { file, format: options.format, lines: 0, accepted: 0, unchanged: 0, rejected: 0, byCommand: {}, rejectsFile: null, seconds: 0 };
  const count = (name: string, outcome: 'accepted' | 'unchanged' | 'rejected') => {
    summary[outcome] += 1;
    (summary.byCommand[name] ??= { accepted: 0, unchanged: 0, rejected: 0 })[outcome] += 1;
  };

  const fileTag = options.tag ?? basename(file);
  const rejected: { line: number; text: string }[] = [];
  const reject = (line: number, name: string, code: string, reason: string, errors: unknown, raw: string) => {
    count(name, 'rejected');
    rejected.push({ line, text: `${JSON.stringify({ line, code, reason, ...(errors ? { errors } : {}), input: raw })}\n` });
  };
  const failed = (line: number, commandName: string, error: unknown, raw: string) => {
    if (error instanceof FujuError) reject(line, commandName, error.code, error.message, error.errors.length ? error.errors : null, raw);
    else reject(line, commandName, 'INTERNAL_ERROR', error instanceof Error ? error.message : String(error), null, raw);
  };
  let done = 0;
  const progressed = (lines: number) => {
    const before = done;
    done += lines;
    if (Math.floor(done / 250) !== Math.floor(before / 250)) options.onProgress?.(done, total);
  };
  // Lines run concurrently (so the store's group commit shares fsyncs), but a line waits for every
  // earlier line it depends on: same enterprise, same outlet, or any rental or pilot line before it.
  const inFlight = new Set<Promise<void>>();
  const lastByKey = new Map<string, Promise<void>>();
  // A run of batched lines waits for every line before it and is settled before any line after it starts.
  let run: { line: number; raw: string; name: string; command: RegisterEnterprise | FileMonthlyReport }[] = [];
  const flush = async () => {
    if (!run.length) return;
    const batch = run;
    run = [];
    await Promise.all(inFlight);
    const settled: Settled[] = await bus.execute(new ExecuteInBatch(batch.map((b) => b.command)));
    settled.forEach((outcome, k) => {
      const { line, raw, name } = batch[k];
      if (outcome.result) count(name, outcome.result.appended ? 'accepted' : 'unchanged');
      else failed(line, name, outcome.error, raw);
    });
    progressed(batch.length);
  };
  for await (const { line, raw, input, problem } of records(file, options.format)) {
    summary.lines += 1;
    const commandName = typeof (input as { command?: unknown })?.command === 'string' ? String((input as { command: string }).command) : '(unknown)';
    // The summary lists commands in the order they first appear in the file.
    summary.byCommand[commandName] ??= { accepted: 0, unchanged: 0, rejected: 0 };
    if (problem) {
      reject(line, commandName, 'VALIDATION_FAILED', problem, null, raw);
      progressed(1);
      continue;
    }
    const meta: CommandMeta = { actor: options.actor, requestId: `import-${fileTag}-${line}` };
    const key = `import:${fileTag}:${line}:${createHash('sha256').update(raw).digest('hex').slice(0, 16)}`;
    if (!options.lineByLine && BATCHED_COMMANDS.has(commandName)) {
      try {
        const { name, command } = await commandFromLine(meta, input, key);
        run.push({ line, raw, name, command: command as RegisterEnterprise | FileMonthlyReport });
      } catch (error) {
        failed(line, commandName, error, raw);
        progressed(1);
      }
      if (run.length >= BATCH_LINES) await flush();
      continue;
    }
    await flush();
    const keys = dependencyKeys(input as Record<string, unknown>);
    const before = keys.map((k) => lastByKey.get(k)).filter((p): p is Promise<void> => p !== undefined);
    const task = Promise.all(before).then(async () => {
      try {
        const { name, command } = await commandFromLine(meta, input, key);
        const result: CommandResult = await bus.execute(command);
        count(name, result.appended ? 'accepted' : 'unchanged');
      } catch (error) {
        failed(line, commandName, error, raw);
      }
      progressed(1);
    });
    for (const k of keys) lastByKey.set(k, task);
    inFlight.add(task);
    void task.finally(() => {
      inFlight.delete(task);
      for (const k of keys) if (lastByKey.get(k) === task) lastByKey.delete(k);
    });
    if (inFlight.size >= CONCURRENCY) await Promise.race(inFlight);
  }
  await flush();
  await Promise.all(inFlight);
  if (rejected.length) {
    const out = createWriteStream(options.rejectsFile, 'utf8');
    for (const r of rejected.sort((a, b) => a.line - b.line)) out.write(r.text);
    await new Promise<void>((resolve) => out.end(resolve));
  }
  options.onProgress?.(total, total);
  summary.rejectsFile = summary.rejected ? options.rejectsFile : null;
  summary.seconds = Math.round((Date.now() - started) / 100) / 10;
  return summary;
}
