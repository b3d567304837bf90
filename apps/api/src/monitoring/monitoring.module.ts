import { Module } from '@nestjs/common';
import { ReviewModule } from '../../../../libs/application/src/index.js';
import { MonitoringController } from './monitoring.controller.js';

/** Monthly monitoring of filings: compliance (with review status), soft-edit flags, reminders (催报). */
@Module({ imports: [ReviewModule], controllers: [MonitoringController] })
export class MonitoringModule {}
