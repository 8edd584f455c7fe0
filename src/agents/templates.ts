/**
 * The built-in agent templates (always present) and how a branch's agent is specialized from one.
 */
import type { AgentRef } from "./executors/types.js";
import type { Resources } from "./resource-pool.js";
import type { Task } from "../orchestration/schemas.js";

export const CAPABILITIES = ["research", "analysis", "synthesis", "validation", "monitoring", "coordination"] as const;
export type Capability = (typeof CAPABILITIES)[number];

export interface AgentTemplate {
  agent_type: string;
  description: string;
  capabilities: Capability[];
  instructions: string;
  executor: "builtin" | "sampling" | "delegate";
  resource_requirements: Resources;
  max_concurrent_tasks: number;
  timeout_seconds: number;
  retry_attempts: number;
}

export const BUILTIN_TEMPLATES: readonly AgentTemplate[] = [
  {
    agent_type: "research_specialist",
    description: "Finds and ranks the evidence in the task's sources that answers the task.",
    capabilities: ["research"],
    instructions: "Read the sources. Report the statements most relevant to the task and its focus, each with its source. Do not invent facts.",
    executor: "builtin", resource_requirements: { cpu: 0.25, memory_mb: 128 },
    max_concurrent_tasks: 3, timeout_seconds: 300, retry_attempts: 2,
  },
  {
    agent_type: "analysis_specialist",
    description: "Computes descriptive statistics with confidence intervals over tabular sources.",
    capabilities: ["analysis"],
    instructions: "Analyse the numeric tables: count, mean, standard deviation, range and a confidence interval per column; summarise text sources.",
    executor: "builtin", resource_requirements: { cpu: 0.5, memory_mb: 256 },
    max_concurrent_tasks: 3, timeout_seconds: 300, retry_attempts: 2,
  },
  {
    agent_type: "synthesis_specialist",
    description: "Writes the final report from merged findings, citing sources.",
    capabilities: ["synthesis"],
    instructions: "Write a report for the objective from the merged findings and figures; cite every finding's source; state what failed.",
    executor: "builtin", resource_requirements: { cpu: 0.25, memory_mb: 128 },
    max_concurrent_tasks: 3, timeout_seconds: 300, retry_attempts: 2,
  },
  {
    agent_type: "validation_specialist",
    description: "Checks findings against their sources and scores quality.",
    capabilities: ["validation"],
    instructions: "Check each finding against the cited source; report unsupported claims.",
    executor: "builtin", resource_requirements: { cpu: 0.25, memory_mb: 128 },
    max_concurrent_tasks: 3, timeout_seconds: 300, retry_attempts: 2,
  },
  {
    agent_type: "coordination_specialist",
    description: "Coordinates several specialized agents and monitors their progress.",
    capabilities: ["coordination", "monitoring"],
    instructions: "Track the agents of the run, their progress and failures.",
    executor: "builtin", resource_requirements: { cpu: 0.1, memory_mb: 64 },
    max_concurrent_tasks: 10, timeout_seconds: 300, retry_attempts: 2,
  },
];

export function builtinTemplate(agentType: string): AgentTemplate {
  const t = BUILTIN_TEMPLATES.find((x) => x.agent_type === agentType);
  if (!t) throw new Error(`unknown built-in template ${agentType}`);
  return t;
}

/** The agent a branch runs as: the template for the task type, specialized with the task's parameters. */
export function branchAgentFor(runId: string, task: Task, qualityThreshold: number, timeoutSeconds: number): { agent: AgentRef; resources: Resources } {
  const template = builtinTemplate(task.type === "research" ? "research_specialist" : "analysis_specialist");
  const common = { quality_threshold: qualityThreshold, response_time_target: timeoutSeconds, iteration_limit: 3 };
  const parameters = task.type === "research"
    ? {
        research_focus: task.focus ?? "general",
        depth_level: (task.complexity ?? 0) > 0.7 ? "comprehensive" : "standard",
        data_sources: task.inputs.map((i) => i.name),
        fact_checking_enabled: true,
        ...common,
      }
    : {
        analysis_framework: task.analysis_type ?? "statistical",
        statistical_methods: ["descriptive", "confidence_interval"],
        visualization_preferences: [],
        confidence_level: 0.95,
        ...common,
      };
  return {
    agent: { agent_id: `${runId}/${task.id}/${template.agent_type}`, agent_type: template.agent_type, parameters },
    resources: template.resource_requirements,
  };
}
