import { Inject, Logger, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { join } from 'node:path';
import { EVENT_STORE, type EventStore } from '../../event-store/src/index.js';
import { KafkaRelay } from '../../messaging/src/index.js';
import type { AppConfig } from './app-config.js';
import { APP_CONFIG } from './infrastructure.module.js';

/** With KAFKA_BROKERS set, every event is relayed to Kafka for the projector and other departments' systems. */
@Module({})
export class RelayModule implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('relay');
  private relay?: KafkaRelay;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // RELAY=off: another process relays (one relay per deployment; Kubernetes runs it on its own).
    if (!this.config.kafka || !this.config.relay) return;
    this.relay = new KafkaRelay(this.store, this.config.kafka, join(this.config.dataDir, 'kafka-relay-checkpoint'), 500, { log: (m) => this.logger.log(m), error: (m) => this.logger.error(m) });
    // Kafka unreachable at boot is retried in the background and reported, never a crash loop.
    const start = async (attempt: number): Promise<void> => {
      try {
        await this.relay!.start();
        this.logger.log(`relaying events to Kafka topic ${this.config.kafka!.topic} from position ${this.relay!.checkpoint}`);
      } catch (error) {
        const delay = Math.min(60_000, 1000 * 2 ** attempt);
        this.logger.warn(`Kafka not reachable (${error instanceof Error ? error.message : String(error)}); retrying in ${delay} ms`);
        setTimeout(() => void start(attempt + 1), delay).unref();
      }
    };
    void start(0);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay?.stop();
  }
}
