import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import type { EventStore, RecordedEvent, Subscription } from '../../event-store/src/index.js';
import { fromCloudEvent, toCloudEvent, type CloudEvent } from './cloud-event.js';

export interface KafkaSettings {
  readonly brokers: string[];
  readonly topic: string;
  readonly clientId: string;
  readonly partitions?: number;
}

export const KAFKA_SETTINGS = Symbol('KAFKA_SETTINGS');

function kafkaOf(settings: KafkaSettings): Kafka {
  return new Kafka({ clientId: settings.clientId, brokers: settings.brokers, logLevel: logLevel.WARN, retry: { retries: 8, initialRetryTime: 300 } });
}

/**
 * Publishes every event of the store to a Kafka topic: key = stream id (per-stream order holds
 * within a partition), value = a CloudEvents 1.0 JSON document; idempotent producer with acks
 * from all in-sync replicas. The checkpoint (a file, replaced atomically) is written after a
 * batch is acknowledged, so a restart resends at most that batch: at-least-once, never a gap.
 */
export class KafkaRelay {
  private producer?: Producer;
  private subscription?: Subscription;

  constructor(
    private readonly store: EventStore,
    private readonly settings: KafkaSettings,
    private readonly checkpointFile: string,
  ) {}

  get checkpoint(): number {
    return existsSync(this.checkpointFile) ? Number(readFileSync(this.checkpointFile, 'utf8').trim()) || 0 : 0;
  }

  async start(): Promise<void> {
    const kafka = kafkaOf(this.settings);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: this.settings.topic, numPartitions: this.settings.partitions ?? 6 }] }).catch(() => false);
    await admin.disconnect();
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await this.producer.connect();
    this.subscription = this.store.subscribe(this.checkpoint, (events) => this.publish(events), { batchSize: 500 });
  }

  async publish(events: readonly RecordedEvent[]): Promise<void> {
    await this.producer!.send({
      topic: this.settings.topic,
      acks: -1,
      messages: events.map((e) => ({ key: e.streamId, value: JSON.stringify(toCloudEvent(e)), headers: { 'content-type': 'application/cloudevents+json' } })),
    });
    const temporary = `${this.checkpointFile}.tmp`;
    writeFileSync(temporary, String(events[events.length - 1].position));
    renameSync(temporary, this.checkpointFile);
  }

  async stop(): Promise<void> {
    await this.subscription?.close();
    await this.producer?.disconnect();
  }
}

/**
 * The projector's event feed in production: a consumer group on the relay's topic. Offsets are
 * committed after the batch is projected; a redelivered event only adds rows the projections
 * never count twice.
 */
export class KafkaEventFeed {
  private consumer?: Consumer;

  constructor(
    private readonly settings: KafkaSettings,
    private readonly groupId: string,
  ) {}

  async follow(onBatch: (events: RecordedEvent[]) => Promise<void>): Promise<void> {
    this.consumer = kafkaOf(this.settings).consumer({ groupId: this.groupId });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.settings.topic, fromBeginning: true });
    await this.consumer.run({
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary }) => {
        const events = batch.messages.map((m) => fromCloudEvent(JSON.parse(m.value!.toString('utf8')) as CloudEvent));
        if (events.length) await onBatch(events);
        for (const m of batch.messages) resolveOffset(m.offset);
        await commitOffsetsIfNecessary();
        await heartbeat();
      },
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }

  /** The EventStore's `subscribe` shape, so the projector can follow Kafka instead of the store. */
  subscribe(_after: number, onBatch: (events: RecordedEvent[]) => Promise<void>): Subscription {
    const running = this.follow(onBatch);
    return {
      close: async () => {
        await running.catch(() => undefined);
        await this.stop();
      },
    };
  }
}
