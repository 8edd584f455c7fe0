/**
 * sync_point_manager: decides what follows a settled wave (see sync.ts). When the current sync point's
 * last wave of this round has settled and the run asked for `sync_point` approval, it pauses with
 * `interrupt()`; the answer approves the decision, asks for a revision round, or rejects the run.
 */
import { interrupt } from "@langchain/langgraph";
import type { HumanDecision } from "../quality.js";
import type { State, StateUpdate, SyncRoute } from "../state.js";
import { decideSync, type SyncDecision } from "../sync.js";
import { defineNode, type GraphDeps, type NodeEvent } from "./define-node.js";

export interface PausePayload {
  point: "sync_point" | "quality";
  summary: string;
  options: string[];
  [key: string]: unknown;
}

export function syncPointManagerNode(deps: GraphDeps) {
  return defineNode<State>("sync_point_manager", deps, (state) => {
    const decision = decideSync(state);
    const human = decision.pause && state.options.approvals.includes("sync_point")
      ? interrupt<PausePayload, HumanDecision>(pausePayload(state, decision))
      : undefined;
    const events: NodeEvent[] = [];
    let route: SyncRoute = decision.route;
    let reason = decision.reason;
    const update: StateUpdate = {};
    if (human) {
      if (human.decision === "reject") {
        route = "rejected";
        reason = `rejected at sync point "${decision.sync_point}"${human.feedback ? `: ${human.feedback}` : ""}`;
        update.outcome = { status: "cancelled", reason };
      } else if (human.decision === "revise") {
        route = "revision_requested";
        reason = `revision requested at sync point "${decision.sync_point}"`;
        update.rebalance = { reason: "revision", ...(human.feedback ? { feedback: human.feedback } : {}) };
        events.push({ event: "revision_requested", node: "sync_point_manager", data: { point: "sync_point", feedback: human.feedback ?? null } });
      }
    }
    if (route === "timeout_recovery") update.rebalance = { reason: "timeout_recovery" };
    return {
      update: {
        ...update,
        sync_status: { route, sync_point: decision.sync_point, progress: decision.progress, reason },
        current_sync_index: route === "continue_waiting" ? decision.next_sync_index : state.current_sync_index,
        partial: state.partial || decision.partial,
      },
      events,
    };
  });
}

function pausePayload(state: State, d: SyncDecision): PausePayload {
  const qualities = d.completed.map((id) => state.completed_branches[id]!.performance.data_quality_score);
  const qualitySoFar = qualities.length ? Math.round((qualities.reduce((a, b) => a + b, 0) / qualities.length) * 1e4) / 1e4 : 0;
  const total = d.completed.length + d.failed.length;
  const failures = d.failed.map((id) => `${id}: ${state.completed_branches[id]?.error ?? "failed"}`);
  return {
    point: "sync_point",
    summary: `Sync point "${d.sync_point}" (${state.current_sync_index + 1} of ${state.sync_points.length}): ${d.completed.length} of ${total} branches completed` +
      (failures.length ? `, ${failures.length} failed (${failures.join("; ")})` : "") +
      `; mean quality so far ${qualitySoFar}. Next: ${d.route} (${d.reason}). Approve to continue, revise with feedback to re-run the weakest branches, reject to cancel the run.`,
    options: ["approve", "revise", "reject"],
    sync_point: d.sync_point,
    progress: d.progress,
    completed: d.completed,
    failed: d.failed,
    quality_so_far: qualitySoFar,
    next: d.route,
    round: state.round,
  };
}
