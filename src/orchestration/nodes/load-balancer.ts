/**
 * load_balancer: applies the rebalance plan (see rebalance.ts): re-queues branches, moves a secondary
 * analysis to the primary node on recovery, attaches reviewer feedback to revised tasks, counts retries
 * and revisions, and starts a new round.
 */
import { planRebalance } from "../rebalance.js";
import type { Branch, State } from "../state.js";
import { defineNode, type GraphDeps, type NodeEvent } from "./define-node.js";

export function loadBalancerNode(deps: GraphDeps) {
  return defineNode<State>("load_balancer", deps, (state) => {
    const reason = state.rebalance?.reason ?? "timeout_recovery";
    const plan = planRebalance(state, reason);
    const branches: Record<string, Branch> = {};
    const events: NodeEvent[] = [];
    for (const r of plan.requeue) {
      const b = state.active_branches[r.branch_id]!;
      branches[r.branch_id] = { ...b, status: "pending", node: r.node, retries: b.retries + (r.retry ? 1 : 0) };
      events.push({
        event: "branch_retried", node: r.node, branch_id: r.branch_id,
        data: { reason: r.retry ? "recovery" : "revision", moved_from: r.node === b.node ? null : b.node },
      });
    }
    const feedback = reason === "revision" ? state.rebalance?.feedback : undefined;
    const revised = new Set(plan.requeue.filter((r) => !r.retry).map((r) => r.branch_id));
    const tasks = feedback
      ? state.task_queue.map((t) => (revised.has(t.id) ? { ...t, feedback: [...(t.feedback ?? []), feedback] } : t))
      : state.task_queue;
    return {
      update: {
        active_branches: branches,
        task_queue: tasks,
        current_sync_index: plan.next_sync_index,
        round: state.round + 1,
        revision_count: state.revision_count + (reason === "revision" ? 1 : 0),
        rebalance: null,
      },
      events,
    };
  });
}
