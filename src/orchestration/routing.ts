/**
 * Routing (pure): which branch node runs a task, and where the graph goes after the sync point manager
 * and the quality validator. Routers read the route their node decided and return a literal node name.
 */
import type { QualityRoute, State, SyncRoute } from "./state.js";
import type { BranchNodeName } from "../domain/branch-result.js";
import type { Task } from "../domain/task.js";

export const BRANCH_NODES: readonly BranchNodeName[] = [
  "research_branch_alpha", "research_branch_beta", "research_branch_gamma",
  "analysis_branch_primary", "analysis_branch_secondary",
];

/** research technical -> alpha, market -> beta, anything else -> gamma; analysis high -> primary, else secondary. */
export function branchNodeFor(task: Pick<Task, "type" | "focus" | "priority">): BranchNodeName {
  if (task.type === "research") {
    if (task.focus === "technical") return "research_branch_alpha";
    if (task.focus === "market") return "research_branch_beta";
    return "research_branch_gamma";
  }
  return task.priority === "high" ? "analysis_branch_primary" : "analysis_branch_secondary";
}

/** The other node of a branch's kind that recovery may move it to (secondary -> primary); else the same. */
export function recoveryNodeFor(node: BranchNodeName): BranchNodeName {
  return node === "analysis_branch_secondary" ? "analysis_branch_primary" : node;
}

export const SYNC_ROUTES: Record<SyncRoute, "branch_merger" | "parallel_coordinator" | "load_balancer" | "__end__"> = {
  proceed_to_merge: "branch_merger",
  conditional_proceed: "branch_merger",
  continue_waiting: "parallel_coordinator",
  timeout_recovery: "load_balancer",
  revision_requested: "load_balancer",
  rejected: "__end__",
};

export const QUALITY_ROUTES: Record<QualityRoute, "final_integrator" | "load_balancer" | "__end__"> = {
  quality_approved: "final_integrator",
  needs_revision: "load_balancer",
  critical_failure: "__end__",
  rejected: "__end__",
};

export function routeAfterSync(state: Pick<State, "sync_status">): SyncRoute {
  if (!state.sync_status) throw new Error("sync_point_manager did not record a decision");
  return state.sync_status.route;
}

export function routeAfterQuality(state: Pick<State, "quality_route">): QualityRoute {
  if (!state.quality_route) throw new Error("quality_validator did not record a decision");
  return state.quality_route;
}
