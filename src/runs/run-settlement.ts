/**
 * Settlement: after each invocation, how it left the run, written to the runs table and the timeline. A run
 * that paused is `interrupted` (with one `interrupted` event per pending interrupt); one that ended has its
 * outcome's status, result and reason, and is handed to `onRunEnded`; one whose invocation threw is `failed`.
 * What to write is decided by pure functions (settlementOf, failureOf); RunSettlement writes it.
 */
import type { Logger } from "../log.js";
import type { RunStatusName } from "../domain/run-record.js";
import type { NewTimelineEvent } from "../domain/timeline-event.js";
import type { RunStorage } from "../storage/storage.js";
import { describeError } from "./describe-error.js";
import type { FinishedSnapshots } from "./finished-snapshots.js";
import { pendingInterrupts, type PendingInterrupt } from "./run-status.js";
import type { GraphOutput, RunSnapshot, RunThreads } from "./run-threads.js";

/** A change of a run's row. */
export type RunChange = Parameters<RunStorage["update"]>[1];

/** How an invocation left a run: what to write, and what to tell. */
export interface Settlement {
  change: RunChange;
  events: NewTimelineEvent[];
  /** The log line. */
  message: string;
  /** The run ended (completed, failed or cancelled by its outcome); otherwise it paused. */
  ended: boolean;
  pending: PendingInterrupt[];
}

/** What the settlement of an invocation left: the run's status and its pending interrupts (for elicitation). */
export interface Settled {
  status: RunStatusName;
  pending: PendingInterrupt[];
}

/** Whether an invocation's output is the run's final state: it ended with an outcome and no pending interrupt. */
export function endedWith(output: GraphOutput): boolean {
  return !output.paused && output.values.outcome != null;
}

/** How the state of a run's latest checkpoint settles it. Throws when the state has neither an outcome nor a pause. */
export function settlementOf(runId: string, snapshot: RunSnapshot): Settlement {
  const pending = pendingInterrupts(snapshot);
  const workflow_mode = snapshot.values.workflow_mode ?? null;
  if (pending.length > 0) {
    return {
      change: { status: "interrupted", workflow_mode },
      events: pending.map((i) => ({ key: `interrupted:${i.interrupt_id}`, event: "interrupted", data: { interrupt_id: i.interrupt_id, point: i.point, summary: i.summary } })),
      message: `run ${runId} waits at ${[...new Set(pending.map((i) => i.point))].join(", ")}`,
      ended: false,
      pending,
    };
  }
  const outcome = snapshot.values.outcome;
  if (!outcome) throw new Error("the graph stopped without an outcome or a pending interrupt");
  const event = outcome.status === "completed" ? "run_completed" : outcome.status === "failed" ? "run_failed" : "run_cancelled";
  return {
    change: { status: outcome.status, workflow_mode, result: snapshot.values.final_result ?? undefined, error: outcome.status === "completed" ? null : outcome.reason ?? null },
    events: [{ key: event, event, data: { ...(outcome.reason ? { reason: outcome.reason } : {}), quality_score: snapshot.values.final_result?.quality_score ?? null } }],
    message: `run ${runId} ${outcome.status}${outcome.reason ? `: ${outcome.reason}` : ""}`,
    ended: true,
    pending: [],
  };
}

/** How an invocation that threw settles the run: failed, with the error's message. */
export function failureOf(error: unknown): { change: RunChange; events: NewTimelineEvent[] } {
  const message = error instanceof Error ? error.message : String(error);
  return {
    change: { status: "failed", error: message },
    events: [{ key: "run_failed", event: "run_failed", data: { error: message } }],
  };
}

export interface RunSettlementDeps {
  runs: RunStorage;
  threads: RunThreads;
  record(runId: string, events: NewTimelineEvent[]): Promise<void>;
  log: Logger;
  /** Called once a run has ended: releases its agents, prunes its checkpoints. */
  onRunEnded(runId: string): Promise<void>;
  finished: FinishedSnapshots;
}

export class RunSettlement {
  constructor(private readonly deps: RunSettlementDeps) {}

  /**
   * Records how an invocation left the run. `output` is the state it returned: a run that ended is settled
   * from it (it is the state of the last checkpoint); one that paused from its checkpoint, which has the
   * pending interrupts.
   */
  async settle(runId: string, output: GraphOutput): Promise<Settled> {
    const snapshot = endedWith(output) ? { values: output.values, tasks: [] } : await this.deps.threads.snapshot(runId);
    const settlement = settlementOf(runId, snapshot);
    await this.deps.runs.update(runId, settlement.change);
    if (settlement.ended) {
      this.deps.finished.remember(runId, snapshot.values);
      await this.deps.onRunEnded(runId);
      this.deps.log.info(settlement.message, { run_id: runId });
      await this.deps.record(runId, settlement.events);
    } else {
      await this.deps.record(runId, settlement.events);
      this.deps.log.info(settlement.message, { run_id: runId });
    }
    return { status: settlement.change.status, pending: settlement.pending };
  }

  /** Records that the run's invocation threw `error`: the run failed and has ended. */
  async fail(runId: string, error: unknown): Promise<void> {
    const failure = failureOf(error);
    this.deps.log.error(`run ${runId} failed`, { run_id: runId, error: describeError(error) });
    await this.deps.runs.update(runId, failure.change);
    await this.deps.onRunEnded(runId);
    await this.deps.record(runId, failure.events);
  }
}
