import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventStoreModule, type AppConfig } from '../../../libs/platform/src/index.js';
import { WriteModule } from '../../api/src/write.module.js';

/** The write side alone (event store + command handlers): safe beside a running server. */
export async function writeSide(cfg: AppConfig): Promise<INestApplicationContext> {
  @Module({ imports: [EventStoreModule.forConfig(cfg), WriteModule] })
  class CliWriteModule {}
  return NestFactory.createApplicationContext(CliWriteModule, { logger: ['error', 'warn'] });
}
