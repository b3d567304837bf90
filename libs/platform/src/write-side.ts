import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AppConfig } from './app-config.js';
import { EventStoreModule } from './infrastructure.module.js';
import { ApplicationModule } from '../../application/src/index.js';

/** The write side alone (event store + command handlers): safe beside a running server. */
export async function writeSide(cfg: AppConfig): Promise<INestApplicationContext> {
  @Module({ imports: [EventStoreModule.forConfig(cfg), ApplicationModule] })
  class CliWriteModule {}
  return NestFactory.createApplicationContext(CliWriteModule, { logger: ['error', 'warn'] });
}
