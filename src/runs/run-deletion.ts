/**
 * Deleting runs: `delete_run` (the principal's own finished run) and retention (`--retain-days`: every finished
 * run last changed more than N days ago, swept in the background in small batches, one run per transaction, so
 * running runs never wait for it). A running or paused run is never deleted: it must be cancelled first. What
 * is deleted, and how it is made unreadable, is the storage's (Storage.deleteRuns).
 */
import { UserError, unknownRun } from "../errors.js";
import type { Logger } from "../log.js";
import type { DeleteOutcome, RunStorage } from "../storage/storage.js";
import { describeError } from "./describe-error.js";

const DAY_MS = 86_400_000;
/** Runs deleted per batch of a sweep; the sweep yields to other work between batches. */
const SWEEP_BATCH = 20;
/** How often retention sweeps (and once soon after start). */
const SWEEP_EVERY_MS = 3_600_000;
const FIRST_SWEEP_MS = 60_000;

export interface RunDeletionDeps {
  runs: Pick<RunStorage, "finishedBefore">;
  deleteRuns(runIds: readonly string[]): Promise<DeleteOutcome[]> | DeleteOutcome[];
  /** Whether this process still has work queued for the run (a cancelled run's last invocation stopping). */
  isBusy(runId: string): boolean;
  /** Drops what the process keeps in memory of a deleted run. */
  forget(runId: string): void;
  log: Logger;
  /** Finished runs older than this many days are deleted; undefined: kept for ever. */
  retainDays?: number;
  now?: () => number;
}

export class RunDeletion {
  private timers: NodeJS.Timeout[] = [];
  private sweeping: Promise<number> | undefined;

  constructor(private readonly deps: RunDeletionDeps) {}

  /** Deletes a run whose principal was checked; a UserError says why it cannot be. */
  async delete(runId: string): Promise<void> {
    if (this.deps.isBusy(runId)) throw new UserError(`run "${runId}" is still stopping in this server; delete it again in a moment`);
    const [outcome] = await this.deps.deleteRuns([runId]);
    if (outcome === "unknown") throw unknownRun(runId);
    if (outcome !== "deleted") throw new UserError(`run "${runId}" is ${outcome}; only a finished run can be deleted: cancel it first with cancel_run, then delete it`);
    this.deps.forget(runId);
    this.deps.log.info(`deleted run ${runId}`, { run_id: runId });
  }

  /**
   * Deletes every finished run last changed before now - retainDays, oldest first, in batches. Returns how many.
   * One sweep at a time: a call while one runs joins it.
   */
  sweep(): Promise<number> {
    if (this.deps.retainDays === undefined) return Promise.resolve(0);
    this.sweeping ??= this.sweepOnce(this.deps.retainDays).finally(() => { this.sweeping = undefined; });
    return this.sweeping;
  }

  private async sweepOnce(retainDays: number): Promise<number> {
    const before = new Date((this.deps.now ?? Date.now)() - retainDays * DAY_MS).toISOString();
    let deleted = 0;
    for (;;) {
      const batch = await this.deps.runs.finishedBefore(before, SWEEP_BATCH);
      const idle = batch.filter((runId) => !this.deps.isBusy(runId));
      const outcomes = await this.deps.deleteRuns(idle);
      const gone = idle.filter((_, i) => outcomes[i] === "deleted");
      gone.forEach((runId) => this.deps.forget(runId));
      deleted += gone.length;
      if (batch.length < SWEEP_BATCH || gone.length === 0) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (deleted > 0) this.deps.log.info(`retention: deleted ${deleted} finished run(s) last changed before ${before}`);
    return deleted;
  }

  /** Sweeps in the background (soon after start, then hourly) when retention is set. */
  start(): void {
    if (this.deps.retainDays === undefined || this.timers.length > 0) return;
    const run = () => void this.sweep().catch((error: unknown) => this.deps.log.warning("the retention sweep failed", { error: describeError(error) }));
    this.timers = [setTimeout(run, FIRST_SWEEP_MS), setInterval(run, SWEEP_EVERY_MS)];
    this.timers.forEach((t) => t.unref());
  }

  stop(): void {
    this.timers.forEach((t) => clearTimeout(t));
    this.timers = [];
  }
}
