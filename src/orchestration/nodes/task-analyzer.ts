/**
 * task_analyzer: scores the tasks, generates the run's agents with the factory (the design's adaptive node: one
 * specialized agent per task; the coordination is this graph's own), reads how many of those agents the resource
 * pool has room for at once, chooses the workflow mode and wave size, and builds one branch per task with its
 * node, agent and resources.
 */
import { branchNodeFor } from "../routing.js";
import type { Branch, State } from "../state.js";
import { analyzeTasks, chooseMode } from "../task-analysis.js";
import { defineNode, type GraphDeps, type NodeEvent } from "./define-node.js";

export function taskAnalyzerNode(deps: GraphDeps) {
  return defineNode<State>("task_analyzer", deps, async (state, { runId }) => {
    const analysis = analyzeTasks(state.task_queue);
    const planned = await deps.agents.planRun(runId, state.task_queue, state.options);
    const agentOf = new Map(planned.map((p) => [p.task_id, p]));
    const resources = deps.agents.availability(state.task_queue.map((t) => agentOf.get(t.id)!.resources));
    const choice = chooseMode(analysis, resources, state.requested_mode);
    const syncIndex = new Map(state.sync_points.flatMap((p, i) => p.branch_ids.map((id) => [id, i] as const)));
    const events: NodeEvent[] = [{
      event: "mode_selected", node: "task_analyzer",
      data: { mode: choice.mode, wave_size: choice.wave_size, source: choice.source, reason: choice.reason, ...analysis, cpu_free: round3(resources.cpu), max_concurrent: resources.max_concurrent },
    }];
    const branches: Record<string, Branch> = {};
    for (const task of state.task_queue) {
      const { agent, resources: need, limits } = agentOf.get(task.id)!;
      branches[task.id] = {
        branch_id: task.id, task_id: task.id, type: task.type, focus: task.focus, priority: task.priority,
        node: branchNodeFor(task), agent: { agent_id: agent.agent_id, agent_type: agent.agent_type }, resources: need, sync_index: syncIndex.get(task.id) ?? 0,
        status: "pending", attempts: 0, retries: 0, last_round: 0, ...limits,
      };
    }
    for (const p of planned) {
      events.push({
        event: "agent_generated", node: "task_analyzer", branch_id: p.task_id,
        data: {
          agent_id: p.agent.agent_id, agent_type: p.agent.agent_type, role: "branch", pinned: p.pinned,
          resources: p.resources, parameters: p.agent.parameters,
          ...(p.selection ? { needed: p.selection.needed, candidates: p.selection.candidates } : {}),
        },
      });
    }
    return {
      update: {
        workflow_mode: choice.mode,
        wave_size: choice.wave_size,
        active_branches: branches,
      },
      events,
    };
  });
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
