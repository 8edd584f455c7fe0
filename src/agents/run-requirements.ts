/**
 * The agents a run needs (pure), from its task queue: one per task (a research task of high complexity
 * gets a comprehensive research agent; an analysis task an analysis agent with its methodology and
 * confidence level). No coordination agent is generated: the coordination (scheduling, rebalancing, sync points) is
 * the graph's own pure decisions, and an agent that holds nothing and does nothing would only look like work.
 */
import type { Task } from "../domain/task.js";
import type { TaskRequirements } from "../domain/agent-specification.js";

export const HIGH_COMPLEXITY = 0.7;

export interface RunAgentNeed {
  /** The task the agent works for. */
  task_id: string;
  requirements: TaskRequirements;
}

export function requirementsForTask(task: Task, qualityThreshold: number, timeLimit: number): TaskRequirements {
  const common = { quality_requirement: qualityThreshold, time_limit: timeLimit };
  if (task.type === "research") {
    return {
      task_description: task.description,
      capabilities_needed: ["research"],
      domain: task.focus ?? "general",
      detail_level: (task.complexity ?? 0) > HIGH_COMPLEXITY ? "comprehensive" : "standard",
      preferred_sources: task.inputs.map((i) => i.name),
      verify_facts: true,
      ...common,
    };
  }
  return {
    task_description: task.description,
    capabilities_needed: ["analysis"],
    methodology: task.analysis_type ?? "statistical",
    stats_required: ["descriptive", "confidence_interval"],
    confidence_level: 0.95,
    ...common,
  };
}

export function runAgentNeeds(tasks: Task[], qualityThreshold: number, timeLimit: number): RunAgentNeed[] {
  return tasks
    .filter((t) => t.agent_id === undefined)
    .map((t) => ({ task_id: t.id, requirements: requirementsForTask(t, qualityThreshold, timeLimit) }));
}
