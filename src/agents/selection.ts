/**
 * Agent selection (pure): the candidates are the templates covering every needed capability (set
 * intersection); score = 0.4 x capability match (needed / template's) + 0.4 x performance (success rate)
 * + 0.2 x resource efficiency (1 - the mean share of the pool's cpu and memory the template takes).
 * Ties go to the lighter template, then to the agent type in alphabetical order.
 */
import { ConductorError } from "../errors.js";
import type { AgentTemplate, Capability, CandidateScore, Resources, Selection } from "../domain/agent-specification.js";

export const WEIGHTS = { capability: 0.4, performance: 0.4, resources: 0.2 } as const;

export class NoSuitableAgentError extends ConductorError {
  override name = "NoSuitableAgentError";
}

export function resourceEfficiency(need: Resources, capacity: Resources): number {
  const share = (Math.min(1, need.cpu / capacity.cpu) + Math.min(1, need.memory_mb / capacity.memory_mb)) / 2;
  return round4(1 - share);
}

export function scoreTemplate(template: AgentTemplate, needed: Capability[], capacity: Resources): CandidateScore {
  const capability_match = round4(needed.length / template.capabilities.length);
  const performance_score = round4(template.success_rate);
  const resource_efficiency = resourceEfficiency(template.resource_requirements, capacity);
  return {
    agent_type: template.agent_type,
    score: round4(WEIGHTS.capability * capability_match + WEIGHTS.performance * performance_score + WEIGHTS.resources * resource_efficiency),
    capability_match, performance_score, resource_efficiency,
  };
}

/** Every covering template that fits the pool, best first. Throws NoSuitableAgentError when there is none. */
export function selectTemplate(templates: AgentTemplate[], needed: Capability[], capacity: Resources): Selection {
  const covering = templates.filter((t) => needed.every((c) => t.capabilities.includes(c)));
  const fitting = covering.filter((t) => t.resource_requirements.cpu <= capacity.cpu && t.resource_requirements.memory_mb <= capacity.memory_mb);
  if (fitting.length === 0) {
    const types = templates.map((t) => `${t.agent_type} [${t.capabilities.join(", ")}]`).join("; ");
    throw new NoSuitableAgentError(
      covering.length === 0
        ? `no agent template covers every needed capability (${needed.join(", ")}); registered types: ${types}. Register one with register_agent_template`
        : `the templates covering ${needed.join(", ")} (${covering.map((t) => t.agent_type).join(", ")}) need more than the pool's whole capacity (cpu ${capacity.cpu}, ${capacity.memory_mb} MB)`,
    );
  }
  const candidates = fitting.map((t) => scoreTemplate(t, needed, capacity)).sort((a, b) =>
    b.score - a.score ||
    b.resource_efficiency - a.resource_efficiency ||
    a.agent_type.localeCompare(b.agent_type));
  return { chosen: candidates[0]!.agent_type, needed, candidates };
}

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
