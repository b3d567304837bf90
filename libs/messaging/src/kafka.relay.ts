import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { Kafka, logLevel, Partitioners, type Consumer, type Producer } from 'kafkajs';
import type { EventStore, PartitionedFeed, RecordedEvent, Subscription } from '../../event-store/src/index.js';
import { fromCloudEvent, toCloudEvent, type CloudEvent } from './cloud-event.js';

export interface KafkaSettings {
  readonly brokers: string[];
  readonly topic: string;
  readonly clientId: string;
  /** Partitions of the topic when the relay creates it (default 6). */
  readonly partitions?: number;
}

export const KAFKA_SETTINGS = Symbol('KAFKA_SETTINGS');

/** The topic that takes messages the projector cannot read (their partition goes on). */
export const deadLetterTopic = (topic: string) => `${topic}.dead-letter`;

/**
 * The largest request the relay sends: under the broker's default `message.max.bytes` (1 MiB) with
 * room for the batch framing. A larger batch of events is split by bytes, never refused forever.
 */
export const MAX_REQUEST_BYTES = 900_000;

/**
 * A client whose own retries are short (about 2 s to give up on a broker that refuses): the relay
 * and the feed retry with their own backoff, logging each attempt, and the producer and consumer
 * set their retries explicitly.
 */
function kafkaOf(settings: KafkaSettings): Kafka {
  return new Kafka({ clientId: settings.clientId, brokers: settings.brokers, logLevel: logLevel.WARN, retry: { retries: 2, initialRetryTime: 300 } });
}

const keyPartitioner = Partitioners.DefaultPartitioner();

/**
 * The partition of a stream's events: Kafka's default (murmur2 of the key, the stream id), as Java
 * clients compute it. The relay names it on every message and the projector computes the same,
 * so both agree on where a stream's events are without asking the broker.
 */
export function partitionOf(streamId: string, partitions: number): number {
  const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({ partitionId, leader: 0, replicas: [0], isr: [0], partitionErrorCode: 0 }));
  return keyPartitioner({ topic: '', partitionMetadata, message: { key: streamId, value: null } });
}

/** The partition count of a topic (creating it with `settings.partitions` when it does not exist). */
async function ensureTopic(kafka: Kafka, settings: KafkaSettings, topic = settings.topic): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    // false: the topic exists already (kafkajs also answers so when another client created it at the
    // same moment). Any other failure (no rights, no broker) is thrown to the caller.
    await admin.createTopics({ topics: [{ topic, numPartitions: settings.partitions ?? 6 }], waitForLeaders: false });
    // A topic just created may be unknown to the broker's metadata for a moment (kafkajs' own wait gives
    // up on "does not host this topic-partition"): ask until every partition has a leader.
    for (let attempt = 0; ; attempt++) {
      try {
        const [described] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
        if (described.partitions.length && described.partitions.every((p) => p.leader >= 0)) return described.partitions.length;
      } catch (error) {
        const type = (error as { type?: string }).type;
        if (type !== 'UNKNOWN_TOPIC_OR_PARTITION' && type !== 'LEADER_NOT_AVAILABLE') throw error;
      }
      if (attempt >= 50) throw new Error(`Kafka topic ${topic} has no leader for every partition after 10 s`);
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await admin.disconnect();
  }
}

/** Splits messages into requests of at most `limit` bytes (a message larger than that goes alone). */
export function byBytes<T extends { key: string; value: string }>(messages: readonly T[], limit = MAX_REQUEST_BYTES): T[][] {
  const chunks: T[][] = [];
  let size = 0;
  for (const m of messages) {
    const bytes = Buffer.byteLength(m.key) + Buffer.byteLength(m.value) + 64;
    if (!chunks.length || size + bytes > limit) {
      chunks.push([]);
      size = 0;
    }
    chunks[chunks.length - 1].push(m);
    size += bytes;
  }
  return chunks;
}

/**
 * Publishes every event of the store to a Kafka topic: key = stream id, partition = the key's
 * (so per-stream order holds), value = a CloudEvents 1.0 JSON document whose `id` is stream@revision;
 * idempotent producer with acks from all in-sync replicas. The checkpoint (a file, replaced
 * atomically) is written after a batch is acknowledged, so a restart resends at most the batch in
 * flight when it stopped: at-least-once, never a gap; a consumer recognises a resent event by its id.
 */
export class KafkaRelay {
  private producer?: Producer;
  private subscription?: Subscription;
  private partitions = 0;

  private stopping = false;
  private failures = 0;

  constructor(
    private readonly store: EventStore,
    private readonly settings: KafkaSettings,
    private readonly checkpointFile: string,
    /** Events per batch read from the store (each batch is sent, split by bytes, then checkpointed). */
    private readonly batchSize = 500,
    private readonly log: FeedLog = { log: () => undefined, error: (m) => console.error(m) },
  ) {}

  /** Sends that failed and were retried since start (a broker refusing, not merely away). */
  get failedSends(): number {
    return this.failures;
  }

  get checkpoint(): number {
    return existsSync(this.checkpointFile) ? Number(readFileSync(this.checkpointFile, 'utf8').trim()) || 0 : 0;
  }

  async start(): Promise<void> {
    const kafka = kafkaOf(this.settings);
    this.partitions = await ensureTopic(kafka, this.settings);
    // An idempotent producer must be free to retry without limit (kafkajs: a limit "may invalidate
    // EoS"); a broker that stays away holds the relay back, and the checkpoint keeps its place.
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner, retry: { retries: Number.MAX_SAFE_INTEGER, maxRetryTime: 30_000 } });
    await this.producer.connect();
    this.stopping = false;
    this.subscription = this.store.subscribe(this.checkpoint, (events) => this.publishUntilSent(events), { batchSize: this.batchSize });
  }

  /** A batch the broker refuses is retried with backoff (logged, counted): the subscription never dies of it. */
  private async publishUntilSent(events: readonly RecordedEvent[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.publish(events);
      } catch (error) {
        this.failures += 1;
        if (this.stopping) throw error;
        const delay = Math.min(30_000, 500 * 2 ** attempt);
        this.log.error(`relay: sending positions ${events[0].position}..${events[events.length - 1].position} to Kafka failed (${error instanceof Error ? error.message : String(error)}); retrying in ${delay / 1000} s`);
        const until = Date.now() + delay;
        while (!this.stopping && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
        if (this.stopping) throw error;
      }
    }
  }

  async publish(events: readonly RecordedEvent[]): Promise<void> {
    const messages = events.map((e) => ({
      key: e.streamId,
      partition: partitionOf(e.streamId, this.partitions),
      value: JSON.stringify(toCloudEvent(e)),
      headers: { 'content-type': 'application/cloudevents+json' },
    }));
    for (const chunk of byBytes(messages)) await this.producer!.send({ topic: this.settings.topic, acks: -1, messages: chunk });
    const temporary = `${this.checkpointFile}.tmp`;
    writeFileSync(temporary, String(events[events.length - 1].position));
    renameSync(temporary, this.checkpointFile);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.subscription?.close();
    await this.producer?.disconnect();
  }
}

export interface FeedLog {
  log(message: string): void;
  error(message: string): void;
}

/**
 * The projector's event feed in production: a consumer group on the relay's topic. Each
 * partition's batch is handed over in order and its offsets are committed only after the handler
 * returns (the batch is projected). A message that is not a readable event goes to the
 * dead-letter topic and its partition goes on. A broker that is down (at boot or later) is retried
 * with backoff, never a crash.
 */
export class KafkaEventFeed implements PartitionedFeed {
  private consumer?: Consumer;
  private producer?: Producer;
  private count?: number;
  private dead = 0;
  private isConnected = false;
  private stopped = false;

  constructor(
    private readonly settings: KafkaSettings,
    private readonly groupId: string,
    private readonly log: FeedLog = { log: () => undefined, error: (m) => console.error(m) },
  ) {}

  get partitions(): number | undefined {
    return this.count;
  }

  get deadLettered(): number {
    return this.dead;
  }

  get connected(): boolean {
    return this.isConnected;
  }

  partitionOf(streamId: string): number {
    if (this.count === undefined) throw new Error('the Kafka feed is not connected yet');
    return partitionOf(streamId, this.count);
  }

  private async connect(handler: Parameters<PartitionedFeed['follow']>[0]): Promise<void> {
    const kafka = kafkaOf(this.settings);
    this.count = await ensureTopic(kafka, this.settings);
    await ensureTopic(kafka, { ...this.settings, partitions: 1 }, deadLetterTopic(this.settings.topic));
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner, retry: { retries: Number.MAX_SAFE_INTEGER, maxRetryTime: 30_000 } });
    await this.producer.connect();
    // A member that dies (SIGKILL) holds its partitions until its session times out: 10 s, not 30.
    const consumer = kafka.consumer({ groupId: this.groupId, sessionTimeout: 10_000, heartbeatInterval: 3000, retry: { retries: 8, initialRetryTime: 300 } });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => handler.assigned([...(payload.memberAssignment[this.settings.topic] ?? [])]));
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.isConnected = false;
      this.log.error(`Kafka consumer stopped (${payload.error.message}); ${payload.restart ? 'kafkajs restarts it' : 'restarting it'}`);
      if (!payload.restart && !this.stopped) void this.reconnect(handler);
    });
    await consumer.connect();
    await consumer.subscribe({ topic: this.settings.topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }) => {
        const events: RecordedEvent[] = [];
        for (const message of batch.messages) {
          const event = readEvent(message.value);
          if (event) events.push(event);
          else await this.deadLetter(batch.partition, message.offset, message.key, message.value);
        }
        if (events.length) await handler.batch({ partition: batch.partition, events, heartbeat });
        if (!isRunning() || isStale()) return;
        for (const m of batch.messages) resolveOffset(m.offset);
        await commitOffsetsIfNecessary();
        await heartbeat();
      },
    });
    this.isConnected = true;
  }

  private async deadLetter(partition: number, offset: string, key: Buffer | null, value: Buffer | null): Promise<void> {
    await this.producer!.send({
      topic: deadLetterTopic(this.settings.topic),
      acks: -1,
      messages: [{ key, value, headers: { 'fuju-source-topic': this.settings.topic, 'fuju-source-partition': String(partition), 'fuju-source-offset': offset } }],
    });
    this.dead += 1;
    this.log.error(`Kafka message ${this.settings.topic}/${partition}@${offset} is not a readable event: sent to ${deadLetterTopic(this.settings.topic)}`);
  }

  private async reconnect(handler: Parameters<PartitionedFeed['follow']>[0]): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        await this.disconnect();
        if (this.stopped) return;
        await this.connect(handler);
        if (attempt > 0) this.log.log('Kafka is reachable again: the projector follows its consumer group');
        return;
      } catch (error) {
        const delay = Math.min(30_000, 1000 * 2 ** attempt);
        this.log.error(`Kafka not reachable (${error instanceof Error ? error.message : String(error)}); retrying in ${delay / 1000} s`);
        const until = Date.now() + delay;
        while (!this.stopped && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  private async disconnect(): Promise<void> {
    this.isConnected = false;
    const [consumer, producer] = [this.consumer, this.producer];
    this.consumer = this.producer = undefined;
    await consumer?.disconnect().catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
  }

  follow(handler: Parameters<PartitionedFeed['follow']>[0]): Subscription {
    this.stopped = false;
    // In the background: the caller (the projector's start) never waits for, or dies of, the broker.
    const running = this.reconnect(handler);
    return {
      close: async () => {
        this.stopped = true;
        await running;
        await this.disconnect();
      },
    };
  }
}

/** A message's event, or undefined when it is not a CloudEvent of ours (it goes to the dead-letter topic). */
function readEvent(value: Buffer | null): RecordedEvent | undefined {
  if (!value) return undefined;
  try {
    const document = JSON.parse(value.toString('utf8')) as CloudEvent;
    const event = fromCloudEvent(document);
    const valid =
      typeof event.streamId === 'string' &&
      event.streamId.length > 0 &&
      Number.isSafeInteger(event.position) &&
      event.position > 0 &&
      Number.isSafeInteger(event.revision) &&
      typeof event.type === 'string' &&
      typeof event.recordedAt === 'string' &&
      event.metadata !== null &&
      typeof event.metadata === 'object';
    return valid ? event : undefined;
  } catch {
    return undefined;
  }
}
