import { Module } from '@nestjs/common';
import { SdmxController } from './sdmx.controller.js';

/** SDMX structures (issue 21); data come as formats of statistics and releases. */
@Module({ controllers: [SdmxController] })
export class SdmxModule {}
