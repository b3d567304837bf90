import type { Command } from '@nestjs/cqrs';
import type { ValidationPipe } from '@nestjs/common';
import { ValidationFailedError } from '../../../../libs/domain/src/index.js';
import type { RequestContext } from '../../../api/src/common/auth.js';
import type { WriteResult } from '../../../api/src/common/stream-command.executor.js';
import { DeregisterEnterpriseCommand } from '../../../api/src/enterprises/commands/deregister-enterprise/deregister-enterprise.command.js';
import { DeregisterEnterpriseRequestDto } from '../../../api/src/enterprises/commands/deregister-enterprise/deregister-enterprise.request.dto.js';
import { FileMonthlyReportCommand } from '../../../api/src/enterprises/commands/file-monthly-report/file-monthly-report.command.js';
import { FileMonthlyReportRequestDto } from '../../../api/src/enterprises/commands/file-monthly-report/file-monthly-report.request.dto.js';
import { RegisterEnterpriseCommand } from '../../../api/src/enterprises/commands/register-enterprise/register-enterprise.command.js';
import { RegisterEnterpriseRequestDto } from '../../../api/src/enterprises/commands/register-enterprise/register-enterprise.request.dto.js';
import { RelocateEnterpriseCommand } from '../../../api/src/enterprises/commands/relocate-enterprise/relocate-enterprise.command.js';
import { RelocateEnterpriseRequestDto } from '../../../api/src/enterprises/commands/relocate-enterprise/relocate-enterprise.request.dto.js';
import { CloseOutletCommand, OpenOutletCommand } from '../../../api/src/outlets/outlet-commands.js';
import { CloseOutletRequestDto, OpenOutletRequestDto } from '../../../api/src/outlets/outlet.requests.dto.js';
import { DesignatePilotCommand, ReportPilotInvestmentCommand } from '../../../api/src/pilots/pilot-commands.js';
import { DesignatePilotRequestDto, ReportInvestmentRequestDto } from '../../../api/src/pilots/pilot.requests.dto.js';
import { ReturnRentalCommand, StartRentalCommand } from '../../../api/src/rentals/rental-commands.js';
import { ReturnRentalRequestDto, StartRentalRequestDto } from '../../../api/src/rentals/rental.requests.dto.js';

type Dto = new () => object;

interface LineCommand {
  /** Fields that address the stream (like the URL path of the HTTP request) rather than its body. */
  readonly keys: readonly string[];
  readonly dto: Dto;
  readonly build: (ctx: RequestContext, keys: Record<string, string>, body: any) => Command<WriteResult>;
}

/** One NDJSON import line = the API request body, plus `command` and the path's ids. */
export const IMPORT_COMMANDS: Record<string, LineCommand> = {
  registerEnterprise: { keys: [], dto: RegisterEnterpriseRequestDto, build: (c, _k, b) => new RegisterEnterpriseCommand(c, b) },
  fileMonthlyReport: { keys: ['uscc', 'period'], dto: FileMonthlyReportRequestDto, build: (c, k, b) => new FileMonthlyReportCommand(c, k.uscc, k.period, b) },
  relocateEnterprise: { keys: ['uscc'], dto: RelocateEnterpriseRequestDto, build: (c, k, b) => new RelocateEnterpriseCommand(c, k.uscc, b) },
  deregisterEnterprise: { keys: ['uscc'], dto: DeregisterEnterpriseRequestDto, build: (c, k, b) => new DeregisterEnterpriseCommand(c, k.uscc, b) },
  openOutlet: { keys: [], dto: OpenOutletRequestDto, build: (c, _k, b) => new OpenOutletCommand(c, b) },
  closeOutlet: { keys: ['outletId'], dto: CloseOutletRequestDto, build: (c, k, b) => new CloseOutletCommand(c, k.outletId, b) },
  startRental: { keys: [], dto: StartRentalRequestDto, build: (c, _k, b) => new StartRentalCommand(c, b) },
  returnRental: { keys: ['rentalId'], dto: ReturnRentalRequestDto, build: (c, k, b) => new ReturnRentalCommand(c, k.rentalId, b) },
  designatePilot: { keys: [], dto: DesignatePilotRequestDto, build: (c, _k, b) => new DesignatePilotCommand(c, b) },
  reportPilotInvestment: { keys: ['regionCode'], dto: ReportInvestmentRequestDto, build: (c, k, b) => new ReportPilotInvestmentCommand(c, k.regionCode, b) },
};

/**
 * Turns one parsed line into the same command an HTTP request would produce, validated by the
 * same DTO and pipe (unknown fields rejected, each bad field named).
 */
export async function commandFromLine(ctx: RequestContext, input: unknown, pipe: ValidationPipe): Promise<{ name: string; command: Command<WriteResult> }> {
  if (!input || typeof input !== 'object' || Array.isArray(input)) throw ValidationFailedError.field('', 'each line must be a JSON object');
  const { command: name, ...rest } = input as Record<string, unknown>;
  const spec = typeof name === 'string' ? IMPORT_COMMANDS[name] : undefined;
  if (!spec) throw ValidationFailedError.field('command', `must be one of ${Object.keys(IMPORT_COMMANDS).join(', ')}`);
  const keys: Record<string, string> = {};
  for (const key of spec.keys) {
    if (typeof rest[key] !== 'string' || !rest[key]) throw ValidationFailedError.field(key, `${name} needs "${key}"`);
    keys[key] = rest[key] as string;
    delete rest[key];
  }
  const body = await pipe.transform(rest, { type: 'body', metatype: spec.dto });
  return { name: name as string, command: spec.build(ctx, keys, body) };
}
