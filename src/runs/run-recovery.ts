/**
 * Crash recovery: runs that a process which is gone left `running` are claimed by this one (on start-up and on
 * every lease heartbeat) and resume from their last checkpoint; paused runs keep waiting for their decision.
 * A run taken over before its first checkpoint was written (its starter died at once) starts from its row,
 * with the same start input its starter built (graph-input.ts); a fork, from the checkpoint its seeding writes.
 */
import { randomUUID } from "node:crypto";
import type { Logger } from "../log.js";
import type { RunRow } from "../domain/run-record.js";
import type { NewTimelineEvent } from "../domain/timeline-event.js";
import type { LeaseStorage } from "../storage/storage.js";
import { startInput } from "./graph-input.js";
import type { ForkedRunOptions } from "./run-forks.js";
import type { GraphInput, RunThreads } from "./run-threads.js";

export interface RunRecoveryDeps {
  leases: LeaseStorage;
  threads: RunThreads;
  record(runId: string, events: NewTimelineEvent[]): Promise<void>;
  log: Logger;
  /** Whether the run has work queued or running in this process already. */
  isBusy(runId: string): boolean;
  /** Queues the run's invocation from its last checkpoint (input null: see inputOf). */
  continueRun(runId: string): void;
  /** Writes a fork's first checkpoint from its origin (run-forks.ts). */
  seedFork(row: RunRow<ForkedRunOptions>): Promise<unknown>;
}

export class RunRecovery {
  constructor(private readonly deps: RunRecoveryDeps) {}

  /** Claims the orphaned runs and queues each to continue; returns their ids. */
  async recover(): Promise<string[]> {
    const ids = (await this.deps.leases.claimOrphans()).filter((id) => !this.deps.isBusy(id));
    for (const runId of ids) {
      await this.deps.record(runId, [{ key: `run_recovered:${randomUUID()}`, event: "run_recovered", data: { owner: this.deps.leases.owner.id } }]);
      this.deps.log.info(`resuming run ${runId} from its last checkpoint`, { run_id: runId });
      this.deps.continueRun(runId);
    }
    return ids;
  }

  /** The graph input that continues a recovered run: none (its last checkpoint), or its start input where it has no checkpoint. */
  async inputOf(row: RunRow<ForkedRunOptions>): Promise<GraphInput> {
    if (await this.deps.threads.hasCheckpoint(row.run_id)) return null;
    if (row.options.forked_from) {
      await this.deps.seedFork(row); // a fork starts from its seeded checkpoint
      return null;
    }
    return startInput(row.run_id, row.objective, row.options);
  }
}
