import { Body, Controller, Get, Inject, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { NotFoundError, ValidationFailedError } from '../../../../libs/domain/src/index.js';
import { APP_CONFIG, demoCommands, JWT_SECRET, signToken, type AppConfig, type Role } from '../../../../libs/platform/src/index.js';
import { Public } from '../common/auth.js';

/** Written into DATA_DIR once the demo data set is loaded: demo sign-in exists only then. */
export const DEMO_MARKER = 'demo-data-set';
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
  ) {}

  private assertDemo(): void {
    if (!existsSync(join(this.config.dataDir, DEMO_MARKER))) throw new NotFoundError('this server does not run the demo data set');
  }

  @Get('roles')
  @Public()
  @ApiOperation({ summary: 'Roles a visitor may try on the demo data set' })
  roles(): { roles: readonly string[] } {
    this.assertDemo();
    return { roles: DEMO_ROLES };
  }

  @Post('tokens')
  @Public()
  @ApiOperation({ summary: 'A short-lived token for a demo role' })
  async token(@Body() body: { role?: string }): Promise<{ token: string; role: string }> {
    this.assertDemo();
    const role = body?.role as (typeof DEMO_ROLES)[number];
    if (!DEMO_ROLES.includes(role)) throw ValidationFailedError.field('role', `must be one of ${DEMO_ROLES.join(', ')}`);
    const first = demoCommands().find((c) => c.command.type === 'RegisterEnterprise')!.command;
    const firstEnterprise = first.type === 'RegisterEnterprise' ? first.data.uscc : '';
    const claims = role === 'bureau' ? { region: '33' } : role === 'enterprise' ? { uscc: firstEnterprise } : {};
    return { token: await signToken(this.secret, { role: role as Role, ...claims }, '8h'), role };
  }
}
