import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigError, InfrastructureModule, loadConfig } from '../../../libs/platform/src/index.js';
import { ProjectorModule } from './projector.module.js';

/** The projector on its own (production: beside api processes that do not project). */
async function main(): Promise<void> {
  let config;
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
}

void main();
