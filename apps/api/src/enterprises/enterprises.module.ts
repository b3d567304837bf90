import { Module } from '@nestjs/common';
import { EnterprisesController } from './enterprises.controller.js';
import { GetAnnualReportHandler, GetEnterpriseHandler, GetFilingReviewHandler, GetMonthlyReportHandler, GetObligationsHandler } from './enterprise.queries.js';

/** The enterprise register, its monthly and annual reports, the review of filings, and what each enterprise owes. */
@Module({ controllers: [EnterprisesController], providers: [GetEnterpriseHandler, GetAnnualReportHandler, GetMonthlyReportHandler, GetObligationsHandler, GetFilingReviewHandler] })
export class EnterprisesModule {}
