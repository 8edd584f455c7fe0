/**
 * Specialization (pure): the parameters an agent gets from its template and its task. Research agents get
 * focus, depth, sources and fact checking; analysis agents methodology, statistics, charts and confidence
 * level; synthesis agents style, audience, length and citations; every agent the quality threshold, the
 * response time target and the iteration limit. A template with several capabilities gets each set.
 * The template's default parameters sit underneath; the task's requirements win.
 */
import type { AgentTemplate, TaskRequirements } from "../domain/agent-specification.js";

export function specializationParameters(template: Pick<AgentTemplate, "capabilities" | "default_parameters">, req: TaskRequirements): Record<string, unknown> {
  const has = (c: string) => template.capabilities.includes(c as never);
  const d = template.default_parameters;
  const pick = <T>(value: T | undefined, key: string, fallback: T): T => value ?? (d[key] as T | undefined) ?? fallback;
  const params: Record<string, unknown> = { ...d };
  if (has("research")) {
    Object.assign(params, {
      research_focus: pick(req.domain, "research_focus", "general"),
      depth_level: pick(req.detail_level, "depth_level", "standard"),
      data_sources: pick(req.preferred_sources, "data_sources", [] as string[]),
      fact_checking_enabled: pick(req.verify_facts, "fact_checking_enabled", true),
    });
  }
  if (has("analysis")) {
    Object.assign(params, {
      analysis_framework: pick(req.methodology, "analysis_framework", "comprehensive"),
      statistical_methods: pick(req.stats_required, "statistical_methods", [] as string[]),
      visualization_preferences: pick(req.charts, "visualization_preferences", [] as string[]),
      confidence_level: pick(req.confidence_level, "confidence_level", 0.95),
    });
  }
  if (has("synthesis")) {
    Object.assign(params, {
      synthesis_style: pick(req.output_style, "synthesis_style", "executive"),
      audience_level: pick(req.audience, "audience_level", "expert"),
      length_target: pick(req.length, "length_target", "medium"),
      citation_style: pick(req.citations, "citation_style", "apa"),
    });
  }
  return {
    ...params,
    quality_threshold: pick(req.quality_requirement, "quality_threshold", 0.8),
    response_time_target: pick(req.time_limit, "response_time_target", 300),
    iteration_limit: pick(req.max_iterations, "iteration_limit", 3),
  };
}
