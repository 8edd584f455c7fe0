/**
 * Agents and templates as they are stored: a generated agent, a template's stored definition, and one outcome of an
 * agent's work (what the factory learns from).
 */
import type { AgentSpecification, Resources, TemplateDefinition } from "./agent-specification.js";

/** A generated agent. */
export interface AgentRecord {
  agent_id: string;
  /** Who generated it (a run's agents: the run's principal); only they see, pin or retire it. */
  principal: string;
  agent_type: string;
  run_id: string | null;
  task_id: string | null;
  /** True for agents made by generate_agent: they hold their resources until retired. */
  standalone: boolean;
  specification: AgentSpecification;
  status: "active" | "retired";
  created_at: string;
  last_used_at: string;
}

/** One agent run's outcome, recorded against its template. */
export interface Outcome {
  agent_type: string;
  /** Whose agent ran: the counters go to the principal's template of that type (or the built-in). */
  principal: string;
  agent_id: string;
  run_id: string | null;
  branch_id: string | null;
  attempt: number;
  success: boolean;
  quality: number;
  seconds: number;
}

export type StoredDefinition = Omit<TemplateDefinition, "resource_requirements"> & { resource_requirements: Resources };
