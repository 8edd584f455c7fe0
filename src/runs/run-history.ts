/**
 * A run's history (get_run_history): its checkpoints, oldest first, each with what came next there, the pause the
 * run waited at, and how many branches had settled; paged by checkpoint id. Pure: built from the thread's
 * checkpoints (run-threads.ts). A finished run keeps only the checkpoints a fork can start from (its sync points,
 * its quality gate) and its last one (storage's pruneCheckpoints).
 */
import type { PendingInterrupt } from "../domain/run-status.js";
import { isSettled } from "../orchestration/scheduling.js";
import type { CheckpointView } from "./run-threads.js";

export interface HistoryEntry {
  checkpoint_id: string;
  step: number;
  created_at: string;
  next: string[];
  point: PendingInterrupt["point"] | null;
  branches_settled: number;
}

export interface HistoryPage {
  checkpoints: HistoryEntry[];
  total: number;
  /** Pass as `after` for the next page; null on the last one. */
  next_after: string | null;
}

export const DEFAULT_HISTORY_PAGE = 100;

const POINTS: ReadonlySet<string> = new Set(["sync_point", "quality", "branch_work"]);

/** The pause a checkpoint waited at: the point of its tasks' interrupts, answered since or not. */
export function pauseAt(view: Pick<CheckpointView, "tasks">): HistoryEntry["point"] {
  for (const task of view.tasks) {
    for (const i of task.interrupts ?? []) {
      const point = (i.value as { point?: unknown } | undefined)?.point;
      if (typeof point === "string" && POINTS.has(point)) return point as HistoryEntry["point"];
    }
  }
  return null;
}

export function historyEntry(view: CheckpointView): HistoryEntry {
  const results = view.values.completed_branches ?? {};
  const settled = Object.values(view.values.active_branches ?? {}).filter((b) => isSettled(b, results)).length;
  return { checkpoint_id: view.checkpoint_id, step: view.step, created_at: view.created_at, next: view.next, point: pauseAt(view), branches_settled: settled };
}

/** The page after checkpoint `after` (exclusive; from the first when absent). Undefined: `after` is not one of them. */
export function historyPage(entries: readonly HistoryEntry[], after: string | undefined, limit = DEFAULT_HISTORY_PAGE): HistoryPage | undefined {
  const start = after === undefined ? 0 : entries.findIndex((e) => e.checkpoint_id === after) + 1;
  if (start === 0 && after !== undefined) return undefined;
  const checkpoints = entries.slice(start, start + limit);
  const more = start + limit < entries.length;
  return { checkpoints, total: entries.length, next_after: more ? checkpoints.at(-1)!.checkpoint_id : null };
}
