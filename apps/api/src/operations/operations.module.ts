import { Module } from '@nestjs/common';
import { HealthController } from './health.controller.js';
import { RebuildsController } from './rebuilds.controller.js';

/** Running the system: health, and rebuilding the projections from the event log. */
@Module({ controllers: [HealthController, RebuildsController] })
export class OperationsModule {}
