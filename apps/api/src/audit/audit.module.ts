import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller.js';

/** The audit trail: who changed what, and what was known when. */
@Module({ controllers: [AuditController] })
export class AuditModule {}
