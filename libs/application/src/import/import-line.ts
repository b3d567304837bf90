import type { Command } from '@nestjs/cqrs';
import {
  CloseOutlet,
  CloseOutletInput,
  DeregisterEnterprise,
  DeregisterEnterpriseInput,
  DesignatePilot,
  DesignatePilotInput,
  FileAnnualReport,
  FileAnnualReportInput,
  FileMonthlyReport,
  FileMonthlyReportInput,
  fingerprint,
  OpenOutlet,
  OpenOutletInput,
  parseInput,
  RegisterEnterprise,
  RegisterEnterpriseInput,
  RelocateEnterprise,
  RelocateEnterpriseInput,
  ReportInvestmentInput,
  ReportPilotInvestment,
  ReturnRental,
  ReturnRentalInput,
  StartRental,
  StartRentalInput,
  type CommandMeta,
  type CommandResult,
} from '../index.js';
import { ValidationFailedError } from '../../../domain/src/index.js';

type Input = new () => object;
type Keys = Record<string, string>;

interface LineCommand {
  /** Fields that address the stream (like the URL path of the HTTP request) rather than its body. */
  readonly keys: readonly string[];
  readonly input: Input;
  /** The HTTP request the line stands for: its fingerprint is the request's, so a line and its request are one for idempotency. */
  readonly request: (keys: Keys) => readonly [method: string, path: string];
  readonly build: (meta: CommandMeta, keys: Keys, input: any) => Command<CommandResult>;
}

/** One NDJSON import line = the API request body, plus `command` and the path's ids. */
export const IMPORT_COMMANDS: Record<string, LineCommand> = {
  registerEnterprise: { keys: [], input: RegisterEnterpriseInput, request: () => ['POST', '/v1/enterprises'], build: (m, _k, i) => new RegisterEnterprise(m, i) },
  fileMonthlyReport: {
    keys: ['uscc', 'period'],
    input: FileMonthlyReportInput,
    request: (k) => ['PUT', `/v1/enterprises/${k.uscc}/reports/${k.period}`],
    build: (m, k, i) => new FileMonthlyReport(m, k.uscc, k.period, i),
  },
  fileAnnualReport: {
    keys: ['uscc', 'year'],
    input: FileAnnualReportInput,
    request: (k) => ['PUT', `/v1/enterprises/${k.uscc}/annual-reports/${k.year}`],
    build: (m, k, i) => new FileAnnualReport(m, k.uscc, k.year, i),
  },
  relocateEnterprise: { keys: ['uscc'], input: RelocateEnterpriseInput, request: (k) => ['POST', `/v1/enterprises/${k.uscc}/relocations`], build: (m, k, i) => new RelocateEnterprise(m, k.uscc, i) },
  deregisterEnterprise: {
    keys: ['uscc'],
    input: DeregisterEnterpriseInput,
    request: (k) => ['POST', `/v1/enterprises/${k.uscc}/deregistrations`],
    build: (m, k, i) => new DeregisterEnterprise(m, k.uscc, i),
  },
  openOutlet: { keys: [], input: OpenOutletInput, request: () => ['POST', '/v1/outlets'], build: (m, _k, i) => new OpenOutlet(m, i) },
  closeOutlet: { keys: ['outletId'], input: CloseOutletInput, request: (k) => ['POST', `/v1/outlets/${k.outletId}/closure`], build: (m, k, i) => new CloseOutlet(m, k.outletId, i) },
  startRental: { keys: [], input: StartRentalInput, request: () => ['POST', '/v1/rentals'], build: (m, _k, i) => new StartRental(m, i) },
  returnRental: { keys: ['rentalId'], input: ReturnRentalInput, request: (k) => ['POST', `/v1/rentals/${k.rentalId}/return`], build: (m, k, i) => new ReturnRental(m, k.rentalId, i) },
  designatePilot: { keys: [], input: DesignatePilotInput, request: () => ['POST', '/v1/pilots'], build: (m, _k, i) => new DesignatePilot(m, i) },
  reportPilotInvestment: {
    keys: ['regionCode'],
    input: ReportInvestmentInput,
    request: (k) => ['POST', `/v1/pilots/${k.regionCode}/investments`],
    build: (m, k, i) => new ReportPilotInvestment(m, k.regionCode, i),
  },
};

/**
 * Turns one parsed line into the same command an HTTP request would produce, validated by the
 * same input class (unknown fields rejected, each bad field named). With `key`, the command is
 * idempotent under it, fingerprinted as the HTTP request the line stands for.
 */
export async function commandFromLine(meta: CommandMeta, input: unknown, key?: string): Promise<{ name: string; command: Command<CommandResult> }> {
  if (!input || typeof input !== 'object' || Array.isArray(input)) throw ValidationFailedError.field('', 'each line must be a JSON object');
  const { command: name, ...rest } = input as Record<string, unknown>;
  const spec = typeof name === 'string' ? IMPORT_COMMANDS[name] : undefined;
  if (!spec) throw ValidationFailedError.field('command', `must be one of ${Object.keys(IMPORT_COMMANDS).join(', ')}`);
  const keys: Keys = {};
  for (const k of spec.keys) {
    const value = rest[k];
    // A year may come as a number; every other key is a string.
    if (!((typeof value === 'string' && value) || (typeof value === 'number' && Number.isInteger(value)))) throw ValidationFailedError.field(k, `${name} needs "${k}"`);
    keys[k] = String(value);
    delete rest[k];
  }
  const body = await parseInput(spec.input, rest);
  const idempotency = key ? { idempotency: { key, fingerprint: fingerprint([...spec.request(keys), body]) } } : {};
  return { name: name as string, command: spec.build({ ...meta, ...idempotency }, keys, body) };
}
