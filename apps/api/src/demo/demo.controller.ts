import { Body, Controller, Get, Inject, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { NotFoundError, ValidationFailedError } from '../../../../libs/domain/src/index.js';
import { EVENT_STORE, type EventStore } from '../../../../libs/event-store/src/index.js';
import type { Role } from '../../../../libs/application/src/index.js';
import { APP_CONFIG, demoCommands, JWT_SECRET, signToken, type AppConfig } from '../../../../libs/platform/src/index.js';
import { Public } from '../http/auth.js';

/**
 * Written into DATA_DIR once the demo data set is loaded, holding the log position it ends at:
 * demo sign-in exists only then, and only until anything else is written.
 */
export const DEMO_MARKER = 'demo-data-set';

/** 127.0.0.0/8, ::1 and their IPv4-mapped form. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (isIP(v4) === 4) return v4.startsWith('127.');
  return address === '::1';
}
const DEMO_ROLES = ['bureau', 'regulator', 'admin', 'enterprise'] as const;

/**
 * One-click sign-in for the demo data set (never on a real deployment: without the demo data
 * these routes answer 404). The bureau is Zhejiang's, the enterprise the first demo enterprise.
 */
@ApiTags('demo')
@Controller('v1/demo')
export class DemoController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(JWT_SECRET) private readonly secret: Uint8Array,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  /**
   * Demo sign-in hands out tokens without a password, so: only on the demo data set, only to a
   * browser on this machine, and never once the store holds anything but the demo (a real write).
   */
  private async assertDemo(request: FastifyRequest): Promise<void> {
    const marker = join(this.config.dataDir, DEMO_MARKER);
    if (!existsSync(marker)) throw new NotFoundError('this server does not run the demo data set');
    if (!isLoopback(request.socket.remoteAddress)) throw new NotFoundError('demo sign-in answers only on this machine (loopback)');
    const demoEnd = Number(readFileSync(marker, 'utf8').trim());
    if (!Number.isInteger(demoEnd) || (await this.store.headPosition()) > demoEnd)
      throw new NotFoundError('demo sign-in is closed: this store has received writes beyond the demo data set');
  }

  @Get('roles')
  @Public()
  @ApiOperation({ summary: 'Roles a visitor may try on the demo data set: none (and why) where demo sign-in is not open' })
  async roles(@Req() request: FastifyRequest): Promise<{ roles: readonly string[]; reason?: string }> {
    // 200 either way: the sign-in page asks on every server, and a 404 would be a console error there.
    try {
      await this.assertDemo(request);
    } catch (error) {
      if (error instanceof NotFoundError) return { roles: [], reason: error.message };
      throw error;
    }
    return { roles: DEMO_ROLES };
  }

  @Post('tokens')
  @Public()
  @ApiOperation({ summary: 'A short-lived token for a demo role' })
  async token(@Req() request: FastifyRequest, @Body() body: { role?: string }): Promise<{ token: string; role: string }> {
    await this.assertDemo(request);
    const role = body?.role as (typeof DEMO_ROLES)[number];
    if (!DEMO_ROLES.includes(role)) throw ValidationFailedError.field('role', `must be one of ${DEMO_ROLES.join(', ')}`);
    const first = demoCommands().find((c) => c.command.type === 'RegisterEnterprise')!.command;
    const firstEnterprise = first.type === 'RegisterEnterprise' ? first.data.uscc : '';
    const claims = role === 'bureau' ? { region: '33' } : role === 'enterprise' ? { uscc: firstEnterprise } : {};
    return { token: await signToken(this.secret, { role: role as Role, ...claims }, '8h'), role };
  }
}
