/**
 * Builds a RunStatus (its shape, part of the contract, is src/domain/run-status.ts) from the run's row and its
 * latest checkpoint: the pending interrupts, the branches' progress.
 */
import type { RunRow } from "../domain/run-record.js";
import type { PendingInterrupt, RunStatus } from "../domain/run-status.js";
import type { FinalResult, State } from "../orchestration/state.js";
import { isSettled, isSucceeded } from "../orchestration/scheduling.js";

export type { PendingInterrupt, RunStatus };

/** The parts of a LangGraph state snapshot a status needs. */
export interface SnapshotView {
  values: Partial<State>;
  tasks: ReadonlyArray<{ interrupts?: ReadonlyArray<{ id?: string; value?: unknown }>; result?: unknown }>;
}

export function pendingInterrupts(snapshot: SnapshotView | undefined): PendingInterrupt[] {
  if (!snapshot) return [];
  // A task that finished after its interrupt was answered keeps the interrupt in its checkpoint: it has a result.
  return snapshot.tasks.filter((t) => t.result === undefined).flatMap((t) => (t.interrupts ?? []).map((i) => {
    const value = (i.value ?? {}) as { point?: PendingInterrupt["point"]; summary?: string; options?: string[] };
    return {
      interrupt_id: i.id ?? "",
      point: value.point ?? "sync_point",
      summary: value.summary ?? "",
      options: value.options ?? ["approve", "revise", "reject"],
      payload: value as Record<string, unknown>,
    };
  }));
}

export function branchProgress(values: Partial<State>): RunStatus["progress"] {
  const branches = Object.values(values.active_branches ?? {});
  const results = values.completed_branches ?? {};
  const succeeded = branches.filter((b) => isSucceeded(b, results)).length;
  const failed = branches.filter((b) => isSettled(b, results) && !isSucceeded(b, results)).length;
  return { branches_total: branches.length, branches_completed: succeeded, branches_failed: failed };
}

export const NO_USAGE: RunStatus["usage"] = { model_calls: 0, input_tokens: 0, output_tokens: 0, cached_input_tokens: 0 };

export function buildRunStatus(row: RunRow, snapshot: SnapshotView | undefined, timelineLength: number, usage: RunStatus["usage"] = NO_USAGE): RunStatus {
  const values = snapshot?.values ?? {};
  const status: RunStatus = {
    run_id: row.run_id,
    status: row.status,
    workflow_mode: values.workflow_mode ?? row.workflow_mode,
    executor: row.executor,
    pending_interrupts: row.status === "interrupted" ? pendingInterrupts(snapshot) : [],
    progress: branchProgress(values),
    timeline_length: timelineLength,
    usage,
  };
  const result = (values.final_result ?? row.result) as FinalResult | null | undefined;
  if (result) status.result = result as unknown as NonNullable<RunStatus["result"]>;
  if (row.error) status.error = row.error;
  const from = (row.options as { forked_from?: { run_id: string; checkpoint_id: string } } | null)?.forked_from;
  if (from) status.forked_from = { run_id: from.run_id, checkpoint_id: from.checkpoint_id };
  return status;
}
