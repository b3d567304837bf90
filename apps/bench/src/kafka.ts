import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../../../libs/event-store/src/index.js';
import { KafkaRelay } from '../../../libs/messaging/src/index.js';
import { kafkaTopology, ServerProcess } from '../../../test/support/server.js';
import { industryLog } from './data.js';
import type { Figure } from './report.js';
import { projectionLag, registerOverHttp } from './write-path.js';

const seconds = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e9;

/**
 * The Kafka topology against a live broker (KAFKA_BROKERS; `npm run kafka:local` starts one from
 * Maven Central's jars): the relay publishing a log to a fresh topic as fast as the broker acks it,
 * then the projection lag through Kafka (relay → topic → projector consumer group) at a steady
 * 2,000 filings/s over HTTP. Without a broker it says so and measures nothing.
 */
export async function kafkaWorkloads(options: { events: number; enterprises: number; lagSeconds: number }, log: (m: string) => void): Promise<Figure[]> {
  const brokers = process.env.KAFKA_BROKERS;
  if (!brokers) {
    log('SKIPPED the Kafka workloads: set KAFKA_BROKERS=host:9092 (npm run kafka:local starts a broker) to measure them');
    return [{ workload: 'Kafka', figure: 'relay and lag through Kafka: SKIPPED, no KAFKA_BROKERS', value: Number.NaN, unit: '' }];
  }
  const figures: Figure[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'fuju-bench-kafka-'));
  const file = join(dir, 'events.sqlite');
  new SqliteEventStore(file).close();
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  const insert = db.prepare('INSERT INTO events (stream_id, revision, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?)');
  const months = 12;
  const enterprises = Math.max(1, Math.ceil(options.events / (months + 1.1)));
  db.transaction(() => {
    let n = 0;
    for (const e of industryLog({ enterprises, months, firstMonth: '2024-01' })) {
      insert.run(e.streamId, e.revision, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata), e.recordedAt);
      if (++n >= options.events) break;
    }
  })();
  const total = (db.prepare('SELECT count(*) FROM events').pluck().get() as number) ?? 0;
  db.close();

  const store = new SqliteEventStore(file);
  const topology = kafkaTopology(brokers);
  const relay = new KafkaRelay(store, { brokers: brokers.split(','), topic: topology.KAFKA_TOPIC, clientId: topology.KAFKA_CLIENT_ID }, join(dir, 'relay-checkpoint'), 500, {
    log: () => undefined,
    error: (m) => log(m),
  });
  log(`kafka: relaying ${total.toLocaleString('en-US')} events to ${brokers}…`);
  const started = process.hrtime.bigint();
  await relay.start();
  while (relay.checkpoint < total) await new Promise((r) => setTimeout(r, 20));
  const took = seconds(started);
  await relay.stop();
  await store.close();
  const rate = total / took;
  log(`  relayed in ${took.toFixed(1)} s: ${Math.round(rate)} events/s (${relay.failedSends} failed sends)`);
  figures.push({
    workload: 'Kafka relay',
    figure: `${total.toLocaleString('en-US')} events from the SQLite store to a local broker (6 partitions, idempotent producer, acks=all, checkpoint per batch of 500)`,
    value: rate,
    unit: 'events/s',
    target: { op: '>=', value: 20_000 },
    note: `${relay.failedSends} failed sends`,
  });

  // Lag through Kafka: the server relays, its projector consumes the topic as a consumer group.
  const server = await ServerProcess.start({ env: { RATE_LIMIT_PER_MINUTE: '1000000000', ...kafkaTopology(brokers) } });
  try {
    const admin = await server.token('admin');
    const bureau = await server.token('bureau', { region: '33' });
    await registerOverHttp(server, admin, options.enterprises);
    let k = 0;
    figures.push(await projectionLag(server, bureau, () => k++, options, log, 'Lag through Kafka'));
  } finally {
    await server.stop();
  }
  return figures;
}
