/**
 * Sync point decisions (pure). For the current point, progress = completed / required:
 * branches still to dispatch -> continue_waiting; 1.0 -> proceed_to_merge (continue_waiting while a later
 * point has branches to run); >= 0.75 -> conditional_proceed (partial); < 0.75 with retries left ->
 * timeout_recovery; otherwise merge what there is and let the quality validator judge.
 */
import type { Branch, State, SyncRoute } from "./state.js";
import type { BranchResult } from "../domain/branch-result.js";
import { branchesAt, isSettled, isSucceeded } from "./scheduling.js";
import { round4 } from "./task-analysis.js";

export const CONDITIONAL_PROCEED_AT = 0.75;

export type SyncView = Pick<State,
  "active_branches" | "completed_branches" | "sync_points" | "current_sync_index" | "round" | "options">;

export interface SyncDecision {
  route: SyncRoute;
  sync_point: string;
  progress: number;
  reason: string;
  /** Index the coordinator works on next. */
  next_sync_index: number;
  /** True when the point's last wave of this round has settled: the moment a `sync_point` approval pauses. */
  pause: boolean;
  partial: boolean;
  completed: string[];
  failed: string[];
}

/** A failed branch may run again while it has retries left and is not blocked by a branch that cannot. */
export function isRetryable(branch: Branch, state: Pick<State, "active_branches" | "completed_branches" | "options">, seen = new Set<string>()): boolean {
  const result = state.completed_branches[branch.branch_id];
  if (!result || result.status === "success" || !isSettled(branch, state.completed_branches)) return false;
  if (branch.retries >= Math.min(state.options.retry_attempts, branch.retry_attempts ?? Infinity)) return false;
  if (result.blocked_by === undefined) return true;
  const dep = state.active_branches[result.blocked_by];
  if (!dep || seen.has(dep.branch_id)) return false;
  seen.add(branch.branch_id);
  return isRetryable(dep, state, seen);
}

export function decideSync(state: SyncView): SyncDecision {
  const index = state.current_sync_index;
  const point = state.sync_points[index];
  if (!point) throw new Error(`no sync point at index ${index}`);
  const branches = branchesAt(state, index);
  const results: Record<string, BranchResult> = state.completed_branches;
  const completed = branches.filter((b) => isSucceeded(b, results)).map((b) => b.branch_id);
  const failed = branches.filter((b) => isSettled(b, results) && !isSucceeded(b, results)).map((b) => b.branch_id);
  const progress = branches.length === 0 ? 1 : round4(completed.length / branches.length);
  const base = { sync_point: point.name, progress, completed, failed, next_sync_index: index, partial: false };

  if (branches.some((b) => b.status === "pending")) {
    return { ...base, route: "continue_waiting", pause: false, reason: "branches of this sync point are still to dispatch" };
  }
  const pause = branches.some((b) => b.last_round === state.round);
  const laterIndex = nextPointWithWork(state, index);
  const advance = (reason: string, partial: boolean): SyncDecision =>
    laterIndex === null
      ? { ...base, route: partial ? "conditional_proceed" : "proceed_to_merge", pause, partial, reason }
      : { ...base, route: "continue_waiting", pause, partial, next_sync_index: laterIndex, reason: `${reason}; next sync point "${state.sync_points[laterIndex]!.name}"` };

  if (progress >= 1) return advance("every branch of the sync point completed", false);
  if (progress >= CONDITIONAL_PROCEED_AT) return advance(`progress ${progress} >= ${CONDITIONAL_PROCEED_AT}: proceeding with what succeeded`, true);
  const retryable = branches.filter((b) => isRetryable(b, state));
  if (retryable.length > 0) {
    return { ...base, route: "timeout_recovery", pause, reason: `progress ${progress} < ${CONDITIONAL_PROCEED_AT}; retrying ${retryable.map((b) => b.branch_id).join(", ")}` };
  }
  const merged = advance(`progress ${progress} < ${CONDITIONAL_PROCEED_AT} and no retries left: merging what there is`, true);
  return merged.route === "conditional_proceed" ? { ...merged, route: "proceed_to_merge" } : merged;
}

/** The first later sync point that has branches waiting to be dispatched, or null. */
function nextPointWithWork(state: SyncView, index: number): number | null {
  for (let i = index + 1; i < state.sync_points.length; i++) {
    if (branchesAt(state, i).some((b) => b.status === "pending")) return i;
  }
  return null;
}
