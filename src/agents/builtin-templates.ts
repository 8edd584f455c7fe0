/**
 * The five built-in agent templates: always present, never replaced.
 */
import type { TemplateDefinition } from "../domain/agent-specification.js";

type BuiltinDefinition = TemplateDefinition & { resource_requirements: { cpu: number; memory_mb: number } };

const common = { executor: "builtin", default_parameters: {}, max_concurrent_tasks: 3, timeout_seconds: 300, retry_attempts: 2 } as const;

export const BUILTIN_TEMPLATES: readonly BuiltinDefinition[] = [
  {
    ...common,
    agent_type: "research_specialist",
    description: "Finds and ranks the evidence in the task's sources that answers the task.",
    capabilities: ["research"],
    instructions: "Read the sources. Report the statements most relevant to the task and its focus, each with its source. Do not invent facts.",
    resource_requirements: { cpu: 0.25, memory_mb: 128 },
  },
  {
    ...common,
    agent_type: "analysis_specialist",
    description: "Computes descriptive statistics with confidence intervals over tabular sources.",
    capabilities: ["analysis"],
    instructions: "Analyse the numeric tables: count, mean, standard deviation, range and a confidence interval per column; summarise text sources.",
    resource_requirements: { cpu: 0.5, memory_mb: 256 },
  },
  {
    ...common,
    agent_type: "synthesis_specialist",
    description: "Writes the final report from merged findings, citing sources.",
    capabilities: ["synthesis"],
    instructions: "Write a report for the objective from the merged findings and figures; cite every finding's source; state what failed.",
    resource_requirements: { cpu: 0.25, memory_mb: 128 },
  },
  {
    ...common,
    agent_type: "validation_specialist",
    description: "Checks findings against their sources and scores quality.",
    capabilities: ["validation"],
    instructions: "Check each finding against the cited source; report unsupported claims.",
    resource_requirements: { cpu: 0.25, memory_mb: 128 },
  },
  {
    ...common,
    agent_type: "coordination_specialist",
    description: "Coordinates several specialized agents and monitors their progress.",
    capabilities: ["coordination", "monitoring"],
    instructions: "Track the agents of the run, their progress and failures.",
    resource_requirements: { cpu: 0.1, memory_mb: 64 },
    max_concurrent_tasks: 10,
  },
];

export const BUILTIN_TYPES: ReadonlySet<string> = new Set(BUILTIN_TEMPLATES.map((t) => t.agent_type));
