/**
 * Resuming a paused run with an answer, whether it comes from approve_interrupt or from the user through
 * elicitation: one path for both. The run must be waiting (assertAwaitsAnswer); then the answer is planned
 * into a Resume (resume-plan.ts; run-threads.ts invokes it as LangGraph's resume command), the run's lease is
 * claimed, the run is marked running and the answer recorded. The caller invokes the resume in the run's queue.
 */
import { UserError, unknownRun } from "../errors.js";
import type { Logger } from "../log.js";
import type { HumanDecision } from "../orchestration/quality.js";
import { FINISHED_STATUSES, type RunRow } from "../domain/run-record.js";
import type { NewTimelineEvent } from "../domain/timeline-event.js";
import type { RunStorage } from "../storage/storage.js";
import { describeError } from "./describe-error.js";
import type { LeaseKeeper } from "./lease-keeper.js";
import { planResume, type Answer } from "./resume-plan.js";
import { pendingInterrupts, type PendingInterrupt } from "./run-status.js";
import type { Resume, RunThreads } from "./run-threads.js";

/** Throws the UserError that says why the run cannot take an answer now, unless it waits at an interrupt. */
export function assertAwaitsAnswer(row: Pick<RunRow, "run_id" | "status">, busy: boolean): void {
  const runId = row.run_id;
  if (FINISHED_STATUSES.has(row.status)) throw new UserError(`run "${runId}" is ${row.status}; there is nothing to approve`);
  if (row.status === "running" || busy) {
    throw new UserError(`run "${runId}" is running, not waiting at an interrupt; wait for it with approve_interrupt later or read orchestrator://runs/${runId}`);
  }
}

/** The first pause a user can decide (branch work is answered with results, not a decision). */
export function decidablePause(pending: PendingInterrupt[]): PendingInterrupt | undefined {
  return pending.find((p) => p.point !== "branch_work");
}

export interface RunResumptionDeps {
  runs: RunStorage;
  threads: RunThreads;
  leases: LeaseKeeper;
  record(runId: string, events: NewTimelineEvent[]): Promise<void>;
  log: Logger;
  /** Asks the run's user to decide a pause (MCP elicitation); null when the client cannot, or the user declined. */
  askUser?(run: RunRow, pause: PendingInterrupt): Promise<HumanDecision | null>;
}

export class RunResumption {
  constructor(private readonly deps: RunResumptionDeps) {}

  /**
   * Plans the answer against the run's pending interrupts, claims the run's lease, marks it running and records
   * the answer; returns the resume to invoke. Throws UserError (nothing changed then, unless the claim was the
   * problem: another process is resuming it). Call it in the run's queue, after assertAwaitsAnswer.
   */
  async apply(runId: string, answer: Answer): Promise<Resume> {
    const snapshot = await this.deps.threads.snapshot(runId);
    const plan = planResume(runId, pendingInterrupts(snapshot), answer, snapshot.values.options?.max_revisions);
    await this.deps.leases.claimToResume(runId);
    await this.deps.runs.update(runId, { status: "running" });
    await this.deps.record(runId, plan.events);
    return plan.resume;
  }

  /**
   * With `elicit`, a run that paused puts its pause to the user directly. Their answer goes the way of
   * approve_interrupt's (the run read again when it comes: it may have been cancelled or answered meanwhile).
   * Returns the resume to invoke, or undefined when the user was not asked, declined, or the answer no longer applies.
   * Runs in the run's queue (the run is busy until the user answers).
   */
  async elicit(run: RunRow, pending: PendingInterrupt[]): Promise<Resume | undefined> {
    const pause = decidablePause(pending);
    if (!this.deps.askUser || !pause) return undefined;
    const runId = run.run_id;
    const decision = await this.deps.askUser(run, pause).catch((error: unknown) => {
      this.deps.log.warning(`could not ask the user about run ${runId}`, { run_id: runId, error: describeError(error) });
      return null;
    });
    if (!decision) return undefined;
    try {
      const now = await this.deps.runs.get(runId);
      if (!now) throw unknownRun(runId);
      assertAwaitsAnswer(now, false);
      return await this.apply(runId, { ...decision, interrupt_id: pause.interrupt_id, via: "elicitation" });
    } catch (error) {
      if (error instanceof UserError) this.deps.log.info(`the user's answer for run ${runId} was not applied: ${error.message}`, { run_id: runId });
      else this.deps.log.warning(`the user's answer for run ${runId} could not be applied`, { run_id: runId, error: describeError(error) });
      return undefined;
    }
  }
}
