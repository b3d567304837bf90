import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { OptionalAuth } from '../http/auth.js';
import { structureMessage } from '../http/sdmx.js';

export const SDMX_STRUCTURE_TYPE = 'application/vnd.sdmx.structure+json; version=2.0.0; charset=utf-8';

/** The SDMX structures: public, like the releases they describe. */
@ApiTags('sdmx')
@Controller('v1/sdmx')
export class SdmxController {
  @Get('structure')
  @OptionalAuth()
  @ApiOperation({ summary: 'SDMX-JSON 2.0 structure message: codelists (GB/T 2260 regions with names, segments, outlet kinds, ISO 9999 classes, frequency, units, flags), the concept scheme, DSD_FUJU and one dataflow per indicator with its statistical metadata' })
  structure(@Res({ passthrough: true }) reply: FastifyReply): string {
    reply.header('content-type', SDMX_STRUCTURE_TYPE);
    return JSON.stringify(structureMessage());
  }
}
