import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigError, InfrastructureModule, loadConfig, ProjectorModule } from '../../../libs/platform/src/index.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Projector } from '../../../libs/analytics/src/index.js';

/** The projector on its own (production: beside api processes that do not project). */
async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`fuju-projector: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  @Module({ imports: [InfrastructureModule.forConfig(config), ProjectorModule] })
  class ProjectorAppModule {}
  const app = await NestFactory.createApplicationContext(ProjectorAppModule);
  app.enableShutdownHooks();
  // A heartbeat file for container health checks: fresh while the projector runs.
  const projector = app.get(Projector);
  const beat = () => writeFileSync(join(config.dataDir, 'projector-alive'), `${new Date().toISOString()} ${projector.position}\n`);
  beat();
  setInterval(beat, 15_000).unref();
}

void main();
