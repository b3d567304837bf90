import { readFileSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

/** One measured figure, with the engine's raw limit measured in the same run and the target it answers to. */
export interface Figure {
  readonly workload: string;
  readonly figure: string;
  readonly value: number;
  readonly unit: string;
  /** The raw engine limit for the same work, when there is one. */
  readonly raw?: { readonly what: string; readonly value: number; readonly unit: string };
  /** value ÷ raw for rates; raw ÷ value for durations (so 1.0 = as fast as the engine alone). */
  readonly ratio?: number;
  readonly target?: { readonly op: '>=' | '<='; readonly value: number; readonly of?: 'value' | 'ratio' };
  readonly note?: string;
  /** A point of a cost-growth series: the same work at several log sizes (the growth table). */
  readonly growth?: { readonly series: string; readonly events: number; readonly value: number; readonly unit: string };
}

export interface JudgedFigure extends Figure {
  readonly pass: boolean | null;
}

export interface BenchRun {
  readonly startedAt: string;
  readonly finishedAt: string;
  /** quick: small sizes; partial: some workloads only (--only); full: everything at full size. */
  readonly mode: 'quick' | 'partial' | 'full';
  readonly machine: { readonly cpus: number; readonly cpuModel: string; readonly memoryGiB: number; readonly node: string; readonly platform: string };
  readonly sizes: Record<string, number>;
  readonly figures: JudgedFigure[];
  readonly errors: string[];
}

export function judge(f: Figure): JudgedFigure {
  if (!f.target) return { ...f, pass: null };
  const measured = f.target.of === 'ratio' ? f.ratio : f.value;
  if (measured === undefined || Number.isNaN(measured)) return { ...f, pass: false };
  return { ...f, pass: f.target.op === '>=' ? measured >= f.target.value : measured <= f.target.value };
}

export function machine(): BenchRun['machine'] {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}

const fmt = (n: number): string =>
  !Number.isFinite(n) ? String(n) : Math.abs(n) >= 1000 ? Math.round(n).toLocaleString('en-US') : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2);

function targetText(f: Figure): string {
  if (!f.target) return '—';
  const op = f.target.op === '>=' ? '≥' : '≤';
  return f.target.of === 'ratio' ? `ratio ${op} ${f.target.value}` : `${op} ${fmt(f.target.value)} ${f.unit}`;
}

/** The Markdown table of a run: workload, figure, raw limit, ratio, target, pass/fail. */
export function markdownTable(run: BenchRun): string {
  const lines = [
    `Run of ${run.startedAt} (${run.mode}) on ${run.machine.cpus} × ${run.machine.cpuModel}, ${run.machine.memoryGiB} GiB, Node ${run.machine.node}. ` +
      `Sizes: ${Object.entries(run.sizes)
        .map(([k, v]) => `${k} ${v.toLocaleString('en-US')}`)
        .join(', ')}.`,
    '',
    '| Workload | Figure | Measured | Raw limit (same run) | Ratio | Target | Result |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const f of run.figures) {
    const raw = f.raw ? `${fmt(f.raw.value)} ${f.raw.unit} (${f.raw.what})` : '—';
    const ratio = f.ratio === undefined ? '—' : f.ratio.toFixed(2);
    const result = f.pass === null ? 'info' : f.pass ? '**pass**' : '**FAIL**';
    lines.push(`| ${f.workload} | ${f.figure}${f.note ? ` — ${f.note}` : ''} | ${fmt(f.value)} ${f.unit} | ${raw} | ${ratio} | ${targetText(f)} | ${result} |`);
  }
  lines.push(...growthTable(run.figures));
  if (run.errors.length) lines.push('', 'Errors during the run:', '', ...run.errors.map((e) => `- ${e}`));
  return lines.join('\n');
}

/**
 * How cost grows with the log: each series at every size measured, and the exponent k of
 * time ∝ events^k between the smallest and the largest size (1 = linear), with what 100 M events
 * would cost if it held.
 */
export function growthTable(figures: readonly Figure[]): string[] {
  const points = figures.filter((f) => f.growth).map((f) => f.growth!);
  if (!points.length) return [];
  const sizes = [...new Set(points.map((p) => p.events))].sort((a, b) => a - b);
  const series = [...new Set(points.map((p) => p.series))];
  const size = (n: number) => `${(n / 1e6).toFixed(n < 1e7 ? 2 : 1)} M events`;
  const lines = ['', '### How cost grows with the log', '', `| Work | ${sizes.map(size).join(' | ')} | growth exponent k (time ∝ events^k) | at 100 M events (extrapolated) |`, `|---|${sizes.map(() => '---|').join('')}---|---|`];
  for (const name of series) {
    const of = new Map(points.filter((p) => p.series === name).map((p) => [p.events, p]));
    const measured = sizes.filter((n) => of.has(n));
    const [a, b] = [measured[0], measured[measured.length - 1]];
    const k = measured.length > 1 ? Math.log(of.get(b)!.value / of.get(a)!.value) / Math.log(b / a) : Number.NaN;
    const unit = of.get(a)!.unit;
    const extrapolated = Number.isFinite(k) ? `${fmt(of.get(b)!.value * (1e8 / b) ** k)} ${unit}` : '—';
    lines.push(`| ${name} | ${sizes.map((n) => (of.has(n) ? `${fmt(of.get(n)!.value)} ${unit}` : '—')).join(' | ')} | ${Number.isFinite(k) ? k.toFixed(2) : '—'} | ${extrapolated} |`);
  }
  return lines;
}

const START = '<!-- bench:results:start -->';
const END = '<!-- bench:results:end -->';

/** Writes `bench/results/<timestamp>[-quick|-partial].json`; a full run also puts its table into BENCHMARKS.md between the markers. */
export function writeReport(run: BenchRun, root: string): { json: string; markdown?: string } {
  const dir = join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const json = join(dir, `${run.startedAt.replace(/[:.]/g, '-')}${run.mode === 'full' ? '' : `-${run.mode}`}.json`);
  writeFileSync(json, `${JSON.stringify(run, null, 2)}\n`);
  if (run.mode !== 'full') return { json };
  const markdown = join(root, 'BENCHMARKS.md');
  const text = existsSync(markdown) ? readFileSync(markdown, 'utf8') : `# Benchmarks\n\n${START}\n${END}\n`;
  const from = text.indexOf(START);
  const to = text.indexOf(END);
  const table = `${START}\n${markdownTable(run)}\n\nRaw data: \`${json.slice(root.length + 1)}\`.\n${END}`;
  writeFileSync(markdown, from >= 0 && to > from ? text.slice(0, from) + table + text.slice(to + END.length) : `${text}\n${table}\n`);
  return { json, markdown };
}

/** Percentile (nearest rank) of a list of numbers. */
export function percentile(values: readonly number[], p: number): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
