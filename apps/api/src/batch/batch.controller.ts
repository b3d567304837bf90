import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsString, Matches, MaxLength } from 'class-validator';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** The most reads one batch may carry. */
export const BATCH_LIMIT = 50;

export class BatchRequestDto {
  @ApiProperty({
    example: ['/v1/statistics/revenue?period=2024', '/v1/statistics/tax?period=2024'],
    description: `up to ${BATCH_LIMIT} GET paths under /v1/ (with their query strings), answered in this order`,
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(BATCH_LIMIT)
  @IsString({ each: true })
  @MaxLength(2000, { each: true })
  @Matches(/^\/v1\/(?!batch(?:[/?]|$))[^\s#]*$/, { each: true, message: 'each entry must be a GET path under /v1/ (not /v1/batch itself)' })
  readonly requests: string[];
}

export interface BatchAnswer {
  readonly path: string;
  readonly status: number;
  readonly body: unknown;
  /** The ETag its own GET would have sent (for a later If-Match). */
  readonly etag?: string;
}

/**
 * Several reads in one round trip (issue 19, point 10: a page of the explorer in at most three
 * requests). Each path is answered exactly as its own GET would be, by the same routes in this
 * process: the caller's token, language and rate limit, its status and problem+json included.
 */
@ApiTags('batch')
@ApiBearerAuth()
@Controller('v1/batch')
export class BatchController {
  constructor(private readonly host: HttpAdapterHost) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Answers several GET requests at once, each as it would be answered alone' })
  async batch(@Req() request: FastifyRequest, @Body() { requests }: BatchRequestDto): Promise<{ responses: BatchAnswer[] }> {
    const server = this.host.httpAdapter.getInstance<FastifyInstance>();
    const headers: Record<string, string> = {};
    for (const name of ['authorization', 'accept-language']) {
      const value = request.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const responses: BatchAnswer[] = [];
    // One after another: a batch weighs on the server as its requests sent in a row would.
    for (const path of requests) {
      const response = await server.inject({ method: 'GET', url: path, headers });
      const type = String(response.headers['content-type'] ?? '');
      const etag = response.headers.etag;
      responses.push({ path, status: response.statusCode, body: type.includes('json') ? response.json() : response.body, ...(typeof etag === 'string' ? { etag } : {}) });
    }
    return { responses };
  }
}
