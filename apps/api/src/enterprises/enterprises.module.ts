import { Module } from '@nestjs/common';
import { EnterprisesController } from './enterprises.controller.js';
import { GetEnterpriseHandler, GetMonthlyReportHandler } from './enterprise.queries.js';

/** The enterprise register and its monthly reports. */
@Module({ controllers: [EnterprisesController], providers: [GetEnterpriseHandler, GetMonthlyReportHandler] })
export class EnterprisesModule {}
