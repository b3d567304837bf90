import { Module } from '@nestjs/common';
import { EnterprisesController } from './enterprises.controller.js';
import { GetEnterpriseHandler, GetFilingReviewHandler, GetMonthlyReportHandler, GetObligationsHandler } from './enterprise.queries.js';

/** The enterprise register, its monthly reports and their review, and what each enterprise owes. */
@Module({ controllers: [EnterprisesController], providers: [GetEnterpriseHandler, GetMonthlyReportHandler, GetObligationsHandler, GetFilingReviewHandler] })
export class EnterprisesModule {}
