import { Module } from '@nestjs/common';
import { GetPilotHandler, ListPilotsHandler, PilotProgressHandler } from './pilot.queries.js';
import { PilotsController } from './pilots.controller.js';

/** Pilot regions (试点地区): their commitments, investments and progress against them. */
@Module({ controllers: [PilotsController], providers: [ListPilotsHandler, GetPilotHandler, PilotProgressHandler] })
export class PilotsModule {}
