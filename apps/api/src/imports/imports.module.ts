import { Module } from '@nestjs/common';
import { ImportsController } from './imports.controller.js';

/** Bulk upload over HTTP: import jobs run by the CLI's importer (issue 21). */
@Module({ controllers: [ImportsController] })
export class ImportsModule {}
