/**
 * This process's ownership of runs on a shared database (run-leases.ts): a run's lease is claimed before the
 * process invokes or resumes it, released once an invocation leaves it not running, and renewed by a heartbeat
 * while the process has work for the run queued or in flight (from its creation, through a wait for a run slot,
 * to its settlement: a lease that ran out while a run waited here would let a second process drive it). The heartbeat also notices a cancel_run made by another process (and aborts
 * the invocation) and, every beat, takes over the runs whose process died.
 */
import { UserError } from "../errors.js";
import type { Logger } from "../log.js";
import type { LeaseStorage, RunStorage } from "../storage/storage.js";
import { describeError } from "./describe-error.js";
import type { InFlightInvocations } from "./in-flight-invocations.js";

export interface LeaseKeeperDeps {
  leases: LeaseStorage;
  runs: RunStorage;
  inFlight: InFlightInvocations;
  /** The runs with work queued or in flight in this process (run-queue.ts): the leases to renew. */
  held(): string[];
  log: Logger;
  /** Takes over orphaned runs (run-recovery.ts); called on every beat. */
  recover(): Promise<unknown>;
}

export class LeaseKeeper {
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(private readonly deps: LeaseKeeperDeps) {}

  /** Claims a run to invoke it here; false (and logged) when another process drives it. */
  async claimToInvoke(runId: string): Promise<boolean> {
    if (await this.deps.leases.claim(runId)) return true;
    this.deps.log.info(`run ${runId} is driven by another process; not executing it here`, { run_id: runId });
    return false;
  }

  /**
   * Takes a paused run's lease before it is marked running again: a running run without an owner is an orphan
   * that another process would take over (and resume without this answer). Fails when another process holds it.
   */
  async claimToResume(runId: string): Promise<void> {
    if (!(await this.deps.leases.claim(runId))) {
      throw new UserError(`run "${runId}" is being resumed by another server process; read orchestrator://runs/${runId} for its state`);
    }
  }

  /** After an invocation that left the run paused or ended: it is free for any process to resume. */
  async release(runId: string): Promise<void> {
    await this.deps.leases.release(runId);
  }

  /** For a clean exit: every run this process holds is free for the next start, or another process, at once. */
  async releaseAll(): Promise<void> {
    await this.deps.leases.releaseAll();
  }

  /** Beats every third of the lease time (at least every 200 ms); a beat still waiting for the database is not doubled. */
  start(): void {
    const period = Math.max(200, Math.floor(this.deps.leases.leaseMs / 3));
    let beating = false;
    this.heartbeat = setInterval(() => {
      if (beating) return;
      beating = true;
      void this.beat().catch((error: unknown) => this.deps.log.warning("lease heartbeat failed", { error: describeError(error) })).finally(() => { beating = false; });
    }, period);
    this.heartbeat.unref();
  }

  stop(): void {
    clearInterval(this.heartbeat);
  }

  private async beat(): Promise<void> {
    await this.deps.leases.renew(this.deps.held());
    const inFlight = this.deps.inFlight.runIds();
    for (const runId of await this.deps.runs.amongWithStatus(inFlight, "cancelled")) {
      this.deps.inFlight.abort(runId, new Error("run cancelled by another process"));
    }
    await this.deps.recover();
  }
}
