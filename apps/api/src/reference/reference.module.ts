import { Module } from '@nestjs/common';
import { ReferenceController } from './reference.controller.js';

/** Reference data: regions, communities, ISO 9999 classes, segments. */
@Module({ controllers: [ReferenceController] })
export class ReferenceModule {}
