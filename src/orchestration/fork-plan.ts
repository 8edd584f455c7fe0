/**
 * Forking a run (pure): from the state of one of its checkpoints, the state a new run starts with and the node
 * it continues after. Branches settled there are kept; the tasks a fork edits and every task that depends on
 * them (transitively) run again, from the earliest sync point one of them is in. The new state is written to
 * the fork's thread as if `resume_after` had just run (LangGraph's updateState), so the graph goes on exactly
 * where the original went on from that checkpoint: its routers decide again from the state.
 */
import type { AgentRef } from "../agents/executors/types.js";
import type { BranchResult } from "../domain/branch-result.js";
import type { Task } from "../domain/task.js";
import { branchNodeFor } from "./routing.js";
import { isSettled } from "./scheduling.js";
import type { Branch, RunOptions, State } from "./state.js";

/** The nodes whose checkpoints a fork starts from in the view, and which a finished run keeps: the sync points and the quality gate. */
export const FORK_POINT_NODES = ["sync_point_manager", "quality_validator"] as const;

/**
 * For each node that can be next at a checkpoint, a node whose completion leads to it (its edge or its router,
 * which decides again from the state). The task analyzer is missing: a checkpoint before it has nothing to keep.
 */
const RESUME_AFTER: Readonly<Record<string, string>> = {
  parallel_coordinator: "load_balancer",
  research_branch_alpha: "parallel_coordinator",
  research_branch_beta: "parallel_coordinator",
  research_branch_gamma: "parallel_coordinator",
  analysis_branch_primary: "parallel_coordinator",
  analysis_branch_secondary: "parallel_coordinator",
  sync_point_manager: "research_branch_alpha",
  branch_merger: "sync_point_manager",
  quality_validator: "branch_merger",
  load_balancer: "sync_point_manager",
  final_integrator: "quality_validator",
};

/** The node to write a fork's state as, for a checkpoint with these next nodes (none: the run had ended there). */
function resumeAfter(next: readonly string[]): string {
  return next.length === 0 ? "final_integrator" : RESUME_AFTER[next[0]!]!;
}

export interface ForkChanges {
  options: RunOptions;
  /** The run's tasks with the fork's edits applied (same ids, same order). */
  tasks: Task[];
  /** The ids of the tasks the fork edits. */
  edited: readonly string[];
}

export interface ForkPlan {
  /** The fork's state. */
  values: State;
  /** The node to write it as (updateState's asNode). */
  resume_after: string;
  /** Branches kept as the checkpoint has them, and those that run again (edited or depending on an edit). */
  kept: string[];
  rerun: string[];
}

/** The edited tasks and every task that depends on one of them, directly or not, in the run's task order. */
export function rerunSet(tasks: readonly Pick<Task, "id" | "depends_on">[], edited: readonly string[]): string[] {
  const rerun = new Set(edited);
  for (let grew = true; grew;) {
    grew = false;
    for (const t of tasks) {
      if (!rerun.has(t.id) && t.depends_on.some((d) => rerun.has(d))) {
        rerun.add(t.id);
        grew = true;
      }
    }
  }
  return tasks.filter((t) => rerun.has(t.id)).map((t) => t.id);
}

/** Why no fork can start from a checkpoint with these next nodes, or undefined when one can. */
export function unforkable(values: Partial<State>, next: readonly string[]): string | undefined {
  if (Object.keys(values.active_branches ?? {}).length === 0 || next.includes("task_analyzer") || next.includes("__start__")) {
    return "it is before the run planned its branches, so there is nothing to keep; start a new run instead";
  }
  const unknown = next.find((n) => RESUME_AFTER[n] === undefined);
  if (unknown) return `the run was about to run ${unknown} there`;
  return undefined;
}

/**
 * The fork's state from the checkpoint's `values` (with the results of branches that settled in the superstep after
 * it folded in), and the node to write it as. `agents` gives the fork's own agent for every branch that will work
 * in the fork (not settled at the checkpoint, or re-run); kept branches keep their results and attribution.
 */
export function planFork(values: State, next: readonly string[], forkRunId: string, changes: ForkChanges, agents: ReadonlyMap<string, Pick<AgentRef, "agent_id" | "agent_type">>): ForkPlan {
  const rerun = new Set(rerunSet(changes.tasks, changes.edited));
  const tasks = new Map(changes.tasks.map((t) => [t.id, t]));
  const branches: Record<string, Branch> = {};
  const results: Record<string, BranchResult> = {};
  const kept: string[] = [];
  for (const [id, b] of Object.entries(values.active_branches)) {
    const settled = isSettled(b, values.completed_branches);
    const agent = agents.get(id) ?? b.agent;
    if (rerun.has(b.task_id)) {
      const task = tasks.get(b.task_id)!;
      branches[id] = { ...b, status: "pending", agent, focus: task.focus, priority: task.priority, node: branchNodeFor(task), retries: 0 };
      continue;
    }
    branches[id] = settled ? b : { ...b, agent };
    if (values.completed_branches[id]) results[id] = values.completed_branches[id]!;
    if (settled) kept.push(id);
  }
  const rerunIds = Object.keys(values.active_branches).filter((id) => rerun.has(values.active_branches[id]!.task_id));
  const forked: State = {
    ...values,
    workflow_id: forkRunId,
    options: changes.options,
    task_queue: changes.tasks,
    active_branches: branches,
    completed_branches: results,
  };
  if (rerunIds.length === 0) return { values: forked, resume_after: resumeAfter(next), kept, rerun: [] };
  // The edited branches' sync point is where the fork starts over: what came after it is decided again.
  const from = Math.min(...rerunIds.map((id) => values.active_branches[id]!.sync_index));
  return {
    values: {
      ...forked,
      current_sync_index: Math.min(from, values.current_sync_index),
      round: values.round + 1,
      rebalance: null, sync_status: null, integration_result: null, quality_route: null, final_result: null, outcome: null,
    },
    resume_after: "load_balancer",
    kept,
    rerun: rerunIds,
  };
}

/** Folds results of branch tasks that settled in the superstep after a checkpoint (its pending writes) into its values. */
export function withSettledWrites(values: State, taskResults: ReadonlyArray<unknown>): State {
  const settled: Record<string, BranchResult> = {};
  for (const result of taskResults) {
    const written = (result as { completed_branches?: Record<string, BranchResult> } | undefined)?.completed_branches;
    if (written) Object.assign(settled, written);
  }
  return Object.keys(settled).length === 0 ? values : { ...values, completed_branches: { ...values.completed_branches, ...settled } };
}
