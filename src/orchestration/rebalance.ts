/**
 * Load balancing (pure): what runs again. Timeout recovery re-queues the failed or timed-out branches of
 * the current sync point that have retries left, moving a secondary analysis to the primary node; a branch
 * that a failed dependency blocked goes back together with that dependency (which may sit in an earlier point).
 * A revision re-queues the branches below the quality threshold (at least the weakest one) and the failed
 * ones that may retry, with the reviewer's feedback attached to their tasks.
 */
import type { Branch, State } from "./state.js";
import type { BranchNodeName } from "../domain/branch-result.js";
import { recoveryNodeFor } from "./routing.js";
import { branchesAt, isSettled } from "./scheduling.js";
import { isRetryable } from "./sync.js";

export type RebalanceView = Pick<State,
  "active_branches" | "completed_branches" | "current_sync_index" | "options">;

export interface RebalancePlan {
  requeue: Array<{ branch_id: string; node: BranchNodeName; retry: boolean }>;
  /** The earliest sync point with a re-queued branch: where the coordinator resumes. */
  next_sync_index: number;
  reason: string;
}

export function planRebalance(state: RebalanceView, reason: "timeout_recovery" | "revision"): RebalancePlan {
  const results = state.completed_branches;
  if (reason === "timeout_recovery") {
    const retry = withBlockers(branchesAt(state, state.current_sync_index).filter((b) => isRetryable(b, state)), state);
    return {
      requeue: retry.map((b) => ({ branch_id: b.branch_id, node: recoveryNodeFor(b.node), retry: true })),
      next_sync_index: Math.min(state.current_sync_index, ...retry.map((b) => b.sync_index)),
      reason: retry.length ? `retrying failed branches ${ids(retry)}` : "no failed branch has retries left",
    };
  }
  const settled = Object.values(state.active_branches).filter((b) => isSettled(b, results));
  const retry = settled.filter((b) => isRetryable(b, state));
  const succeeded = settled
    .filter((b) => results[b.branch_id]!.status === "success")
    .sort((a, b) => quality(a.branch_id) - quality(b.branch_id) || a.branch_id.localeCompare(b.branch_id));
  const weak = succeeded.filter((b) => quality(b.branch_id) < state.options.quality_threshold);
  const revise = weak.length > 0 ? weak : succeeded.slice(0, 1);
  const requeue = [
    ...revise.map((b) => ({ branch_id: b.branch_id, node: b.node, retry: false })),
    ...retry.map((b) => ({ branch_id: b.branch_id, node: recoveryNodeFor(b.node), retry: true })),
  ];
  const indexes = requeue.map((r) => state.active_branches[r.branch_id]!.sync_index);
  return {
    requeue,
    next_sync_index: indexes.length ? Math.min(...indexes) : state.current_sync_index,
    reason: requeue.length ? `revising ${requeue.map((r) => r.branch_id).join(", ")}` : "nothing to revise",
  };

  function quality(branchId: string): number {
    return results[branchId]!.performance.data_quality_score;
  }
}

/** The branches plus, for each one a failed dependency blocked, that dependency (and its own blockers). */
function withBlockers(branches: Branch[], state: RebalanceView): Branch[] {
  const out = new Map(branches.map((b) => [b.branch_id, b]));
  for (const b of branches) {
    let blocker = state.completed_branches[b.branch_id]?.blocked_by;
    while (blocker !== undefined && !out.has(blocker)) {
      const dep = state.active_branches[blocker];
      if (!dep || !isRetryable(dep, state)) break;
      out.set(blocker, dep);
      blocker = state.completed_branches[blocker]?.blocked_by;
    }
  }
  return [...out.values()];
}

function ids(branches: Array<{ branch_id: string }>): string {
  return branches.map((b) => b.branch_id).join(", ");
}
