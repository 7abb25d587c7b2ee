import { type Ack, type Command, type CommandResult, CommandRejectedError, DeviceTimeoutError } from '@lab/drivers';
import type { CommandContext, CommandJournal } from '@lab/instruments';
import type { DataSource, Repository } from 'typeorm';
import { CommandLogEntity, type CommandLogStatus } from './entities';

/** The command log in the database: one row per command, inserted before it is sent. */
export class DbCommandJournal implements CommandJournal {
  private readonly rows: Repository<CommandLogEntity>;

  constructor(dataSource: DataSource) {
    this.rows = dataSource.getRepository(CommandLogEntity);
  }

  async beforeSend(command: Command, instrumentId: string, context: CommandContext, resent: boolean): Promise<void> {
    if (resent) {
      // The same command sent again after a restart keeps its one row.
      const again = await this.rows.update({ cmdId: command.cmdId, idempotencyKey: command.idempotencyKey }, { status: 'queued', issuedAtMs: command.issuedAtMs, deadlineMs: command.deadlineMs, ackAtMs: null, resultAtMs: null, error: null });
      if (again.affected) return;
    }
    await this.rows.insert({
      cmdId: command.cmdId,
      idempotencyKey: command.idempotencyKey,
      campaignId: context.campaignId ?? null,
      experimentId: context.experimentId ?? null,
      stepId: context.stepId ?? null,
      instrumentId,
      action: command.action,
      params: command.params,
      issuedBy: command.issuedBy,
      issuedAtMs: command.issuedAtMs,
      deadlineMs: command.deadlineMs,
      expectedDurationS: command.expectedDurationS,
      status: 'queued',
      ackAtMs: null,
      resultAtMs: null,
      outputs: null,
      error: null,
    });
  }

  async onAck(command: Command, outcome: Ack | Error): Promise<void> {
    const { cmdId } = command;
    if (!(outcome instanceof Error)) {
      // A prepared command may have waited for its instrument: the row takes the times it was sent with.
      await this.rows.update({ cmdId, status: 'queued' }, { status: 'accepted', ackAtMs: Date.now(), issuedAtMs: command.issuedAtMs, deadlineMs: command.deadlineMs });
      return;
    }
    if (outcome instanceof CommandRejectedError) {
      await this.rows.update({ cmdId }, { status: 'rejected', ackAtMs: Date.now(), error: { code: outcome.code, message: outcome.detail } });
    }
  }

  async onWithdrawn(cmdId: string, reason: string): Promise<void> {
    await this.rows.update({ cmdId, status: 'queued' }, { status: 'cancelled', resultAtMs: Date.now(), error: { code: 'withdrawn', message: `not sent: ${reason}` } });
  }

  async onResult(cmdId: string, outcome: CommandResult | Error): Promise<void> {
    if (outcome instanceof CommandRejectedError) return; // recorded with the ack
    if (outcome instanceof Error) {
      const status: CommandLogStatus = outcome instanceof DeviceTimeoutError ? 'timeout' : 'unknown';
      await this.rows.update({ cmdId }, { status, resultAtMs: Date.now(), error: { code: outcome.name, message: outcome.message } });
      return;
    }
    await this.rows.update(
      { cmdId },
      { status: outcome.status, resultAtMs: Date.now(), outputs: outcome.outputs ?? null, error: outcome.error ?? null },
    );
  }
}
