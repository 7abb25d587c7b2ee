import type { Repository } from 'typeorm';
import { In } from 'typeorm';
import { CommandLogEntity, ExperimentEntity } from '../persistence/entities';
import type { LabRuntime } from '../runtime/lab-runtime';

interface QueryAnswer {
  commands?: Record<string, { status?: string }>;
}

/**
 * After a restart: commands the log shows in flight are checked with the instruments that got
 * them (`query`). What an instrument knows (running, or ended) is picked up again by re-sending it
 * under its id and idempotency key, which never runs it twice. What an instrument acknowledged
 * but no longer knows is truly unknown: the command and its experiment are marked `unknown` for
 * a technician to decide.
 */
export class Reconciler {
  private readonly commands: Repository<CommandLogEntity>;
  private readonly experiments: Repository<ExperimentEntity>;

  constructor(private readonly runtime: LabRuntime) {
    this.commands = runtime.db.getRepository(CommandLogEntity);
    this.experiments = runtime.db.getRepository(ExperimentEntity);
  }

  /** Returns the ids of experiments that became unknown. */
  async reconcile(campaignId: string): Promise<string[]> {
    // 'sent' is what versions before prepared commands wrote for 'queued'.
    const inFlight = await this.commands.findBy({ campaignId, status: In(['queued', 'sent', 'accepted']) });
    const unknownExperiments = new Set<string>();
    for (const [instrumentId, rows] of groupBy(inFlight, (r) => r.instrumentId)) {
      const instrument = this.runtime.instruments.get(instrumentId);
      if (!instrument) continue;
      await instrument.whenAvailable(30_000);
      const answer = await instrument.execute('query', { cmdIds: rows.map((r) => r.cmdId) }, { issuedBy: 'orchestrator:reconcile' });
      const known = (answer.outputs as QueryAnswer | undefined)?.commands ?? {};
      for (const row of rows) {
        if (known[row.cmdId]?.status !== 'unknown' || row.status !== 'accepted') continue;
        await this.commands.update(row.cmdId, { status: 'unknown', error: { code: 'unknown', message: `${instrumentId} acknowledged this command but no longer knows it` } });
        if (row.experimentId) unknownExperiments.add(row.experimentId);
      }
    }
    for (const id of unknownExperiments) {
      await this.experiments.update(id, { status: 'unknown', failureReason: 'a command of this experiment may or may not have run; a technician decides' });
    }
    if (unknownExperiments.size > 0) {
      this.runtime.events.publish('alert', { level: 'error', message: `${unknownExperiments.size} experiment(s) have commands of unknown fate: decide on the dashboard` }, campaignId);
    }
    return [...unknownExperiments];
  }
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}
