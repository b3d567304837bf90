import { Module } from '@nestjs/common';
import { MonitoringController } from './monitoring.controller.js';

/** Monthly monitoring of filings (催报, late filers, soft-edit flags). */
@Module({ controllers: [MonitoringController] })
export class MonitoringModule {}
