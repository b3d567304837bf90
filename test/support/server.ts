import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Role } from '../../libs/application/src/index.js';
import { loadJwtSecret, signToken } from '../../libs/platform/src/index.js';

const MAIN = resolve('dist/apps/api/src/main.js');
const CLI = resolve('dist/apps/cli/src/main.js');

/**
 * The variables that choose the production topology (Kafka, EventStoreDB, a ClickHouse server).
 * They are never inherited from the environment that runs the tests (CI exports KAFKA_BROKERS for
 * the Kafka suites): a server runs the embedded topology unless its test asks for another one by
 * passing these in `env`, so no suite changes meaning with the environment it runs in.
 */
export const TOPOLOGY_VARIABLES = ['KAFKA_BROKERS', 'KAFKA_TOPIC', 'KAFKA_CLIENT_ID', 'EVENTSTORE_CONNECTION_STRING', 'CLICKHOUSE_URL', 'CLICKHOUSE_DATABASE'] as const;

/** The test process's environment without the topology variables (see TOPOLOGY_VARIABLES). */
export function embeddedEnvironment(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of TOPOLOGY_VARIABLES) delete env[name];
  return env;
}

/**
 * The topologies a suite that must hold in each runs in: embedded always; Kafka (relay → a
 * six-partition topic of its own → the projector as a consumer group) when KAFKA_BROKERS names a
 * broker, saying so on stderr when it does not.
 */
export function topologies(): { name: string; env: Record<string, string> }[] {
  const brokers = process.env.KAFKA_BROKERS;
  if (!brokers) {
    process.stderr.write('SKIPPED the Kafka topology of this suite: set KAFKA_BROKERS=host:9092 to run it against a live broker\n');
    return [{ name: 'embedded', env: {} }];
  }
  return [{ name: 'embedded', env: {} }, { name: 'Kafka', env: kafkaTopology(brokers) }];
}

/** The environment of a server in the Kafka topology, on a topic and consumer group of its own. */
export function kafkaTopology(brokers = process.env.KAFKA_BROKERS!): Record<string, string> {
  const unique = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  return { KAFKA_BROKERS: brokers, KAFKA_TOPIC: `fuju-e2e-${unique}`, KAFKA_CLIENT_ID: `fuju-e2e-${unique}` };
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

export interface HttpResult<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/**
 * The whole embedded stack (api + projector, SQLite + chDB) as a real child process on a real
 * port, built by `npm run build` (the pretest step). Tests talk to it over HTTP only.
 */
export class ServerProcess {
  private child?: ChildProcess;
  private output = '';
  port = 0;

  private constructor(
    readonly dataDir: string,
    private readonly env: Record<string, string>,
  ) {}

  static async start(options: { dataDir?: string; env?: Record<string, string>; expectHealthy?: boolean } = {}): Promise<ServerProcess> {
    const server = new ServerProcess(options.dataDir ?? mkdtempSync(join(tmpdir(), 'fuju-e2e-')), { DEMO: 'off', ...options.env });
    await server.boot(options.expectHealthy ?? true);
    return server;
  }

  /** The server process's id (for sampling its memory), while it runs. */
  get pid(): number | undefined {
    return this.child?.exitCode === null ? this.child.pid : undefined;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get log(): string {
    return this.output;
  }

  /** Starts the process and waits until it answers /health (200, or any answer when not expecting health). */
  async boot(expectHealthy = true): Promise<void> {
    this.port = await freePort();
    this.output = '';
    const child = spawn(process.execPath, [MAIN], {
      env: { ...embeddedEnvironment(), NODE_OPTIONS: '', DATA_DIR: this.dataDir, PORT: String(this.port), HOST: '127.0.0.1', LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    // If this process dies first (a crashed bench or test run), the server goes with it instead of
    // living on as an orphan holding its port and data directory.
    const killWithParent = () => child.kill('SIGKILL');
    process.on('exit', killWithParent);
    child.once('exit', () => process.off('exit', killWithParent));
    // A server that logs progress (loading the demo data set on a busy CI machine) is given time;
    // one silent for 60 s, or not up within 3 minutes, has failed to start.
    const started = Date.now();
    let lastOutput = started;
    const onOutput = (d: Buffer) => {
      this.output += d;
      lastOutput = Date.now();
    };
    child.stdout!.on('data', onOutput);
    child.stderr!.on('data', onOutput);
    const deadline = () => Math.min(lastOutput + 60_000, started + 180_000);
    while (Date.now() < deadline()) {
      if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${this.output}`);
      try {
        const r = await fetch(`${this.url}/health`);
        if (r.status === 200 || !expectHealthy) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`server did not become healthy in ${Math.round((Date.now() - started) / 1000)} s:\n${this.output}`);
  }

  /** SIGKILL: no shutdown hooks, no flush — the crash a durability test needs. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }

  async token(role: Role, claims: { uscc?: string; region?: string } = {}, ttl = '1h'): Promise<string> {
    return signToken(loadJwtSecret(this.dataDir), { role, ...claims }, ttl);
  }

  async request<T = any>(method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string>; rawBody?: string } = {}): Promise<HttpResult<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    const response = await fetch(`${this.url}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON (CSV, HTML)
    }
    // A 500 is never an expected answer: the server's own account of it goes beside the failing test.
    if (response.status === 500) process.stderr.write(`${method} ${path} answered 500: ${text}\nserver log (tail):\n${this.output.slice(-6000)}\n`);
    return { status: response.status, headers: response.headers, body: parsed as T };
  }

  /** The topology variables this server was started with (the CLI talks to the same stores). */
  private topology(): Record<string, string> {
    return Object.fromEntries(Object.entries(this.env).filter(([name]) => (TOPOLOGY_VARIABLES as readonly string[]).includes(name)));
  }

  /** Runs the CLI against this server's DATA_DIR, as an operator would, and collects its output. */
  async cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolveRun) => {
      const child = spawn(process.execPath, [CLI, ...args], {
        env: { ...embeddedEnvironment(), NODE_OPTIONS: '', DATA_DIR: this.dataDir, PORT: String(this.port), ...this.topology() },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('exit', (code) => resolveRun({ code: code ?? -1, stdout, stderr }));
    });
  }

  /** Rebuilds the read model from the log through the admin endpoint and waits for the result. */
  async rebuild(): Promise<{ status: string; processed: number; total: number }> {
    const admin = await this.token('admin');
    let job = (await this.request('POST', '/v1/admin/rebuilds', { token: admin })).body;
    while (job.status === 'running') {
      await new Promise((r) => setTimeout(r, 100));
      job = (await this.request('GET', `/v1/admin/rebuilds/${job.id}`, { token: admin })).body;
    }
    return job;
  }

  /** Waits until the projector has written every event up to `position` to ClickHouse. */
  async waitForProjection(position?: number): Promise<void> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const health = (await this.request('GET', '/health')).body;
      const target = position ?? health.eventStore.head;
      if (health.projector.position >= target) return;
      if (Date.now() > deadline) throw new Error(`projection stuck at ${health.projector.position} < ${target}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** Runs tasks with at most `limit` in flight. */
export async function inParallel<T, R>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await task(items[i], i);
      }
    }),
  );
  return results;
}

/**
 * A statistics answer's rows without each cell's response rates: for suites that check the figures
 * (test/imputation.e2e-spec.ts checks the rates against its own inputs).
 */
export function figuresOf<T extends { response?: unknown }>(rows: readonly T[]): Omit<T, 'response'>[] {
  return rows.map(({ response: _response, ...figures }) => figures);
}
