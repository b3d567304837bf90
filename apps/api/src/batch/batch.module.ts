import { Module } from '@nestjs/common';
import { BatchController } from './batch.controller.js';

/** Several reads in one request (the explorer's pages). */
@Module({ controllers: [BatchController] })
export class BatchModule {}
