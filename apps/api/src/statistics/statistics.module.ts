import { Module } from '@nestjs/common';
import { StatisticsController } from './statistics.controller.js';

/** Industry figures (the indicator catalogue and its figures), from the statistics service. */
@Module({ controllers: [StatisticsController] })
export class StatisticsModule {}
