import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { StreamHandler, type CommandMeta, type Handling, type Settled } from '../command-handler.js';
import { FileMonthlyReport, FileMonthlyReportHandler } from '../enterprise/file-monthly-report.js';
import { RegisterEnterprise, RegisterEnterpriseHandler } from '../enterprise/register-enterprise.js';
import type { DomainEvent } from '../../../domain/src/index.js';

/** The import commands a batch can carry: each touches its own enterprise's stream and nothing else. */
export const BATCHED_COMMANDS: ReadonlySet<string> = new Set(['registerEnterprise', 'fileMonthlyReport']);

/**
 * Commands of a bulk import run as one batch: grouped by stream, each group decided in one fold
 * and appended in one write, the groups side by side (one group commit). Each command settles as
 * it would have alone, in order within its stream; streams do not depend on each other, so the
 * order across streams changes nothing.
 */
export class ExecuteInBatch extends Command<Settled[]> {
  constructor(readonly commands: readonly (RegisterEnterprise | FileMonthlyReport)[]) {
    super();
  }
}

type Item = { index: number; meta: CommandMeta; handling: Handling<any, DomainEvent, any> };

@CommandHandler(ExecuteInBatch)
export class ExecuteInBatchHandler implements ICommandHandler<ExecuteInBatch> {
  constructor(
    private readonly streams: StreamHandler,
    private readonly register: RegisterEnterpriseHandler,
    private readonly file: FileMonthlyReportHandler,
  ) {}

  async execute({ commands }: ExecuteInBatch): Promise<Settled[]> {
    const settled: Settled[] = new Array(commands.length);
    const groups = new Map<string, Item[]>();
    commands.forEach((command, index) => {
      let handling: Handling<any, DomainEvent, any>;
      try {
        if (command instanceof FileMonthlyReport) handling = this.file.handling(command) as unknown as Handling<any, DomainEvent, any>;
        else if (command instanceof RegisterEnterprise) handling = this.register.handling(command) as unknown as Handling<any, DomainEvent, any>;
        else throw new Error(`${(command as object).constructor.name} cannot run in a batch`);
      } catch (error) {
        settled[index] = { error };
        return;
      }
      const group = groups.get(handling.streamId) ?? [];
      group.push({ index, meta: command.meta, handling });
      groups.set(handling.streamId, group);
    });
    await Promise.all(
      [...groups.values()].map(async (items) => {
        const outcomes = await this.streams.handleBatch(items);
        outcomes.forEach((outcome, k) => (settled[items[k].index] = outcome));
      }),
    );
    return settled;
  }
}
