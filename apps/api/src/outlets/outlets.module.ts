import { Module } from '@nestjs/common';
import { GetOutletHandler } from './outlet.queries.js';
import { OutletsController } from './outlets.controller.js';

/** Service outlets (服务网点): opened and closed by their enterprises. */
@Module({ controllers: [OutletsController], providers: [GetOutletHandler] })
export class OutletsModule {}
