/**
 * parallel_coordinator: marks the next wave of ready branches dispatched (and settles those a failed
 * dependency blocks); its router fans the wave out with `Send`, one task per branch, to the branch's node.
 */
import { Send } from "@langchain/langgraph";
import { byPriorityThenId, planWave } from "../scheduling.js";
import type { Branch, BranchAssignment, State } from "../state.js";
import type { BranchResult } from "../../domain/branch-result.js";
import { defineNode, type GraphDeps, type NodeEvent } from "./define-node.js";

/**
 * The most branches one superstep carries. LangGraph's superstep costs time quadratic in its task count (2,000
 * branches in one took 12.1 s, against 9.7 s in waves of five); at 256 that is small, and a window of 5 loses about
 * c^2 / 2K = 5% of its slots when a superstep drains.
 */
export const SUPERSTEP_BRANCHES = 256;

export function parallelCoordinatorNode(deps: GraphDeps) {
  return defineNode<State>("parallel_coordinator", deps, (state) => {
    // Delegate branches pause for the assistant: a wave of work orders at a time. Others go up to SUPERSTEP_BRANCHES at
    // once, through the run's window.
    const plan = planWave(state, state.options.executor === "delegate" ? state.wave_size : Math.max(state.wave_size, SUPERSTEP_BRANCHES));
    const branches: Record<string, Branch> = {};
    const results: Record<string, BranchResult> = {};
    const events: NodeEvent[] = [];
    const now = new Date().toISOString();
    for (const id of plan.dispatch) {
      const b = state.active_branches[id]!;
      branches[id] = { ...b, status: "dispatched", attempts: b.attempts + 1, last_round: state.round };
      events.push({ event: "branch_dispatched", node: b.node, branch_id: id, data: { attempt: b.attempts + 1, agent_id: b.agent.agent_id, round: state.round } });
    }
    for (const { branch_id, blocked_by: blockedBy, reason } of plan.blocked) {
      const b = state.active_branches[branch_id]!;
      const attempt = b.attempts + 1;
      branches[branch_id] = { ...b, status: "dispatched", attempts: attempt, last_round: state.round };
      results[branch_id] = {
        branch_id, task_id: b.task_id, node: b.node, type: b.type, status: "failed", attempt, agent_id: b.agent.agent_id,
        findings_count: 0, performance: { execution_time: 0, resource_utilization: 0, data_quality_score: 0, throughput: 0 },
        error: reason, blocked_by: blockedBy, completed_at: now,
      };
      events.push({ event: "branch_failed", node: b.node, branch_id, data: { error: reason, attempt } });
    }
    return {
      update: {
        active_branches: branches,
        ...(plan.blocked.length > 0 ? { completed_branches: results } : {}),
      },
      events,
    };
  });
}

/** Router: a `Send` per branch dispatched and not yet settled, or straight on to the sync point manager. */
export function dispatchBranches(state: State): Send[] | "sync_point_manager" {
  const tasks = new Map(state.task_queue.map((t) => [t.id, t]));
  const sends = Object.values(state.active_branches)
    .filter((b) => b.status === "dispatched" && state.completed_branches[b.branch_id]?.attempt !== b.attempts)
    .sort(byPriorityThenId)
    .map((b, position) => {
      const task = tasks.get(b.task_id)!;
      const assignment: BranchAssignment = {
        run_id: state.workflow_id, objective: state.objective, branch: b, task, timeout_seconds: Math.min(state.options.branch_timeout_seconds, b.timeout_seconds ?? Infinity),
        executor: state.options.executor, window: Math.max(1, state.wave_size), position,
        ...(state.options.model ? { model: state.options.model } : {}),
        ...(state.options.budget ? { budget: state.options.budget } : {}),
      };
      return new Send(b.node, assignment);
    });
  return sends.length > 0 ? sends : "sync_point_manager";
}
