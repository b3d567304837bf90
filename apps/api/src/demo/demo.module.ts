import { Module } from '@nestjs/common';
import { DemoController } from './demo.controller.js';

/** The demo data set's sign-in (only where demo sign-in is open). */
@Module({ controllers: [DemoController] })
export class DemoModule {}
