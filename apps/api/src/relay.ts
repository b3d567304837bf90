import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, InfrastructureModule, loadConfig, RelayModule, type AppConfig } from '../../../libs/platform/src/index.js';

/**
 * The relay on its own (Kubernetes: one replica, beside api replicas started with RELAY=off): it
 * follows the event store and publishes every event to the Kafka topic. Its checkpoint lives in
 * DATA_DIR, which should be a persistent volume (a restart without it resends the whole log:
 * harmless, the projector skips what it has, but slow).
 */
async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
    if (!config.kafka) throw new ConfigError('the relay needs KAFKA_BROKERS');
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`fuju-relay: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  @Module({ imports: [InfrastructureModule.forConfig({ ...config, relay: true }), RelayModule] })
  class RelayAppModule {}
  const app = await NestFactory.createApplicationContext(RelayAppModule);
  app.enableShutdownHooks();
  // A heartbeat file for liveness checks: fresh while the relay process runs.
  const beat = () => writeFileSync(join(config.dataDir, 'relay-alive'), `${new Date().toISOString()}\n`);
  beat();
  setInterval(beat, 15_000).unref();
}

void main();
