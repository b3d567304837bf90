import { resolve } from 'node:path';
import { DEFAULT_DISCLOSURE, DEFAULT_PROTECTION } from '../../domain/src/index.js';

/** Everything the processes read from the environment, validated once at boot. */
export interface AppConfig {
  readonly port: number;
  /** Listen address: loopback unless HOST says otherwise (compose and k8s set 0.0.0.0). */
  readonly host: string;
  /** Served to browsers over HTTPS (by a proxy in front): the CSP then asks them to upgrade insecure requests. */
  readonly https: boolean;
  readonly dataDir: string;
  readonly demo: boolean;
  readonly eventStoreFile: string;
  readonly clickhouse: { url?: string; username?: string; password?: string; database: string; chdbPath: string; queryLog?: string };
  readonly jwtSecret?: string;
  readonly logLevel: 'error' | 'warn' | 'log' | 'debug';
  /** Requests a token (or an address without one) may make per minute. */
  readonly rateLimitPerMinute: number;
  /** `esdb://…` of an EventStoreDB (KurrentDB) cluster; unset = the embedded SQLite store. */
  readonly eventStoreConnectionString?: string;
  /** Kafka brokers (`host:port`); unset = no relay, the projector reads the store directly. */
  readonly kafka?: { brokers: string[]; topic: string; clientId: string };
  /** `embedded`: the api process projects; `separate`: a projector process does, the api reads its checkpoints. */
  readonly projector: 'embedded' | 'separate';
  /** With Kafka: whether this process relays the event store to the topic (one relay per deployment). */
  readonly relay: boolean;
  /** Disclosure control of releases: FREQ(n), NK(1, k) and the protection p across releases (DESIGN.md defaults 3, 0.85, 0.15). */
  readonly disclosure: { minContributors: number; dominanceShare: number; protection: number };
  /** The language of problem details when a request states no preference (Accept-Language): en or zh. */
  readonly language: 'zh' | 'en';
}

export class ConfigError extends Error {}

/** Reads and checks the environment; throws a {@link ConfigError} naming the first bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const port = env.PORT === undefined || env.PORT === '' ? 3000 : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`PORT must be a TCP port number (0-65535), got "${env.PORT}"`);
  const dataDir = resolve(env.DATA_DIR || './data');
  const demoRaw = (env.DEMO ?? 'on').toLowerCase();
  if (!['on', 'off', 'true', 'false', '1', '0'].includes(demoRaw)) throw new ConfigError(`DEMO must be "on" or "off", got "${env.DEMO}"`);
  const url = env.CLICKHOUSE_URL || undefined;
  if (url && !/^https?:\/\/[^\s]+$/.test(url)) throw new ConfigError(`CLICKHOUSE_URL must be an http(s):// URL, got "${url}"`);
  const database = env.CLICKHOUSE_DATABASE || 'fuju';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(database)) throw new ConfigError(`CLICKHOUSE_DATABASE must be a plain identifier, got "${database}"`);
  const secret = env.AUTH_JWT_SECRET || undefined;
  if (secret !== undefined && secret.length < 32) throw new ConfigError('AUTH_JWT_SECRET must be at least 32 characters');
  const logLevel = (env.LOG_LEVEL || 'log') as AppConfig['logLevel'];
  if (!['error', 'warn', 'log', 'debug'].includes(logLevel)) throw new ConfigError(`LOG_LEVEL must be one of error, warn, log, debug, got "${env.LOG_LEVEL}"`);
  const esdb = env.EVENTSTORE_CONNECTION_STRING;
  // @eventstore/db-client 6.2.1 parses esdb:// only: a KurrentDB server is reached by the same address written esdb://.
  if (esdb !== undefined && /^kurrentdb(\+discover)?:\/\//.test(esdb))
    throw new ConfigError(`EVENTSTORE_CONNECTION_STRING: write kurrentdb:// addresses as esdb:// (the client, @eventstore/db-client 6.2.1, reads only esdb://), got "${esdb}"`);
  if (esdb !== undefined && !/^esdb(\+discover)?:\/\/[^\s]+$/.test(esdb))
    throw new ConfigError(`EVENTSTORE_CONNECTION_STRING must be an esdb:// connection string, got "${esdb}"`);
  let kafka: AppConfig['kafka'];
  if (env.KAFKA_BROKERS !== undefined) {
    const brokers = env.KAFKA_BROKERS.split(',').map((b) => b.trim()).filter(Boolean);
    if (!brokers.length || brokers.some((b) => !/^[A-Za-z0-9._-]+:\d{1,5}$/.test(b)))
      throw new ConfigError(`KAFKA_BROKERS must be a comma list of host:port, got "${env.KAFKA_BROKERS}"`);
    const topic = env.KAFKA_TOPIC || 'fuju-ledger.events';
    if (!/^[A-Za-z0-9._-]{1,249}$/.test(topic)) throw new ConfigError(`KAFKA_TOPIC must be a Kafka topic name, got "${topic}"`);
    kafka = { brokers, topic, clientId: env.KAFKA_CLIENT_ID || 'fuju-ledger' };
  }
  const httpsRaw = (env.HTTPS ?? 'off').toLowerCase();
  if (!['on', 'off', 'true', 'false', '1', '0'].includes(httpsRaw)) throw new ConfigError(`HTTPS must be "on" or "off", got "${env.HTTPS}"`);
  const rate = env.RATE_LIMIT_PER_MINUTE === undefined || env.RATE_LIMIT_PER_MINUTE === '' ? 6000 : Number(env.RATE_LIMIT_PER_MINUTE);
  if (!Number.isInteger(rate) || rate < 1) throw new ConfigError(`RATE_LIMIT_PER_MINUTE must be a positive whole number, got "${env.RATE_LIMIT_PER_MINUTE}"`);
  const number = (name: string, fallback: number, ok: (n: number) => boolean, what: string) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!ok(n)) throw new ConfigError(`${name} must be ${what}, got "${raw}"`);
    return n;
  };
  const disclosure = {
    minContributors: number('DISCLOSURE_MIN_CONTRIBUTORS', DEFAULT_DISCLOSURE.minContributors, (n) => Number.isInteger(n) && n >= 1, 'a whole number of at least 1'),
    dominanceShare: number('DISCLOSURE_DOMINANCE_SHARE', DEFAULT_DISCLOSURE.dominanceShare, (n) => n > 0 && n <= 1, 'a share above 0 and at most 1'),
    protection: number('DISCLOSURE_PROTECTION', DEFAULT_PROTECTION, (n) => n >= 0 && n < 1, 'a share from 0 up to (not including) 1'),
  };
  const projector = (env.PROJECTOR || 'embedded').toLowerCase();
  if (projector !== 'embedded' && projector !== 'separate') throw new ConfigError(`PROJECTOR must be "embedded" or "separate", got "${env.PROJECTOR}"`);
  // The embedded ClickHouse engine belongs to one process: a separate projector needs a server both reach.
  if (projector === 'separate' && !url) throw new ConfigError('PROJECTOR=separate needs CLICKHOUSE_URL: the api and the projector process must share a ClickHouse server');
  const relayRaw = (env.RELAY ?? 'on').toLowerCase();
  if (!['on', 'off', 'true', 'false', '1', '0'].includes(relayRaw)) throw new ConfigError(`RELAY must be "on" or "off", got "${env.RELAY}"`);
  const language = (env.DEFAULT_LANGUAGE || 'en').toLowerCase();
  if (language !== 'en' && language !== 'zh') throw new ConfigError(`DEFAULT_LANGUAGE must be "en" or "zh", got "${env.DEFAULT_LANGUAGE}"`);
  return {
    disclosure,
    language,
    projector,
    relay: ['on', 'true', '1'].includes(relayRaw),
    rateLimitPerMinute: rate,
    eventStoreConnectionString: esdb,
    kafka,
    port,
    host: env.HOST || '127.0.0.1',
    https: ['on', 'true', '1'].includes(httpsRaw),
    dataDir,
    demo: ['on', 'true', '1'].includes(demoRaw),
    eventStoreFile: resolve(dataDir, 'events.sqlite'),
    clickhouse: {
      url,
      username: env.CLICKHOUSE_USER || undefined,
      password: env.CLICKHOUSE_PASSWORD || undefined,
      database,
      chdbPath: resolve(dataDir, 'clickhouse'),
      queryLog: env.CLICKHOUSE_QUERY_LOG ? resolve(env.CLICKHOUSE_QUERY_LOG) : undefined,
    },
    jwtSecret: secret,
    logLevel,
  };
}
