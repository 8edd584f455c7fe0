/**
 * Agents as data: capabilities, templates (what can be instantiated), task requirements (what a task
 * needs), and the agent specification the factory produces. The zod schemas validate the tools' input
 * and the types are inferred from them.
 */
import { z } from "zod";
import { ModelNameSchema } from "./model-name.js";

export const CAPABILITIES = ["research", "analysis", "synthesis", "validation", "monitoring", "coordination"] as const;
export const CapabilitySchema = z.enum(CAPABILITIES);
export type Capability = z.infer<typeof CapabilitySchema>;

export const TEMPLATE_EXECUTORS = ["builtin", "model", "sampling", "delegate"] as const;

export const ResourceRequirementsSchema = z.object({
  cpu: z.number().positive().max(1024).optional().describe("cpu units (1 = one core)"),
  memory_mb: z.number().int().positive().max(1_048_576).optional().describe("memory in MB"),
}).strict();

/** A template as registered: the input of register_agent_template. */
export const TemplateDefinitionSchema = z.object({
  agent_type: z.string().regex(/^[a-z][a-z0-9_]{1,63}$/, "agent_type is a slug: 2-64 lowercase letters, digits or '_', starting with a letter")
    .describe("The template's name, e.g. market_researcher"),
  description: z.string().min(1).max(2000).describe("What agents of this type are good at"),
  capabilities: z.array(CapabilitySchema).min(1).max(CAPABILITIES.length).describe("What the template can do; selection needs it to cover every needed capability"),
  instructions: z.string().min(1).max(20_000).describe("The agent's standing instructions (its system prompt with a model executor)"),
  executor: z.enum(TEMPLATE_EXECUTORS).default("builtin").describe("Who does the work of agents of this type"),
  model: ModelNameSchema.optional().describe("The model agents of this type use with the model executor (one the server allows with --models); default: the run's"),
  resource_requirements: ResourceRequirementsSchema.default({}).describe("Resources one agent takes from the pool while it works"),
  default_parameters: z.record(z.string(), z.unknown()).default({}).describe("Specialization defaults, overridden by the task's requirements"),
  max_concurrent_tasks: z.number().int().min(1).max(100).default(3),
  timeout_seconds: z.number().positive().max(86_400).default(300),
  retry_attempts: z.number().int().min(0).max(10).default(2),
});
export type TemplateDefinition = z.infer<typeof TemplateDefinitionSchema>;

/** A stored template: its definition with resources filled in, version and learning statistics. */
export interface AgentTemplate extends Omit<TemplateDefinition, "resource_requirements"> {
  resource_requirements: Resources;
  version: number;
  builtin: boolean;
  creation_count: number;
  runs: number;
  successes: number;
  /** successes / runs; 1 before the first run (a template starts trusted, as in the design). */
  success_rate: number;
  mean_quality: number | null;
  mean_seconds: number | null;
}

export interface Resources {
  cpu: number;
  memory_mb: number;
}

/** What a task needs from an agent: the input of generate_agent and what the adaptive node derives from a task. */
export const TaskRequirementsSchema = z.object({
  task_description: z.string().min(1).max(4000),
  capabilities_needed: z.array(CapabilitySchema).max(CAPABILITIES.length).optional()
    .describe("Needed capabilities; inferred from the description when left out"),
  domain: z.string().max(200).optional().describe("research focus"),
  detail_level: z.enum(["brief", "standard", "comprehensive"]).optional(),
  preferred_sources: z.array(z.string().max(500)).max(100).optional(),
  verify_facts: z.boolean().optional(),
  methodology: z.string().max(200).optional().describe("analysis framework, e.g. statistical, trend"),
  stats_required: z.array(z.string().max(100)).max(50).optional(),
  charts: z.array(z.string().max(100)).max(50).optional(),
  confidence_level: z.number().gt(0).lt(1).optional(),
  output_style: z.string().max(100).optional().describe("synthesis style, e.g. executive"),
  audience: z.string().max(100).optional(),
  length: z.string().max(100).optional(),
  citations: z.string().max(100).optional(),
  quality_requirement: z.number().min(0).max(1).optional(),
  time_limit: z.number().positive().max(86_400).optional().describe("seconds"),
  max_iterations: z.number().int().min(1).max(100).optional(),
}).strict();
export type TaskRequirements = z.infer<typeof TaskRequirementsSchema>;

export interface AgentSpecification {
  agent_type: string;
  capabilities: Capability[];
  resource_requirements: Resources;
  performance_targets: { quality: number; response_time_seconds: number; success_rate: number };
  specialization_parameters: Record<string, unknown>;
  max_concurrent_tasks: number;
  timeout_seconds: number;
  retry_attempts: number;
  quality_thresholds: { minimum: number; target: number };
  monitoring_enabled: boolean;
  executor: AgentTemplate["executor"];
  /** The template's own model, where it names one. */
  model?: string;
  instructions: string;
  template_version: number;
}

export interface CandidateScore {
  agent_type: string;
  score: number;
  capability_match: number;
  performance_score: number;
  resource_efficiency: number;
}

export interface Selection {
  chosen: string;
  needed: Capability[];
  candidates: CandidateScore[];
}
