import { Module } from '@nestjs/common';
import { GetDeviceHistoryHandler, GetRentalHandler } from './rental.queries.js';
import { RentalsController } from './rentals.controller.js';

/** Device rentals (租赁) at outlets, and each device's trace. */
@Module({ controllers: [RentalsController], providers: [GetRentalHandler, GetDeviceHistoryHandler] })
export class RentalsModule {}
