/**
 * Capability analysis (pure): which capabilities a task needs, what resources it will take, and the
 * performance targets it sets. Explicit requirements win; otherwise they are read from the description.
 */
import type { Capability, Resources, TaskRequirements } from "../domain/agent-specification.js";

/** Words that signal a capability, matched against the description's lowercased word stems. */
const SIGNALS: ReadonlyArray<[Capability, RegExp]> = [
  ["research", /\b(research|find(?!ing)|investigat|explor|source|evidence|literature|gather|look into|discover)/],
  ["analysis", /\b(analy[sz]|statistic|data|trend|measur|comput|quantif|compar|metric|csv|table|forecast)/],
  ["synthesis", /\b(summar|synthes|report|write|draft|brief|integrat|combin)/],
  ["validation", /\b(verif|validat|check|fact|review|audit|confirm)/],
  ["monitoring", /\b(monitor|track|watch|observ|alert)/],
  ["coordination", /\b(coordinat|orchestrat|delegat|manag|assign)/],
];

export function analyzeCapabilities(req: Pick<TaskRequirements, "task_description" | "capabilities_needed">): Capability[] {
  if (req.capabilities_needed && req.capabilities_needed.length > 0) return [...new Set(req.capabilities_needed)];
  const text = req.task_description.toLowerCase();
  const found = SIGNALS.filter(([, re]) => re.test(text)).map(([c]) => c);
  return found.length > 0 ? found : ["research"];
}

/** Resources one unit of each capability takes, at standard detail. */
const BASE: Record<Capability, Resources> = {
  research: { cpu: 0.25, memory_mb: 128 },
  analysis: { cpu: 0.5, memory_mb: 256 },
  synthesis: { cpu: 0.25, memory_mb: 128 },
  validation: { cpu: 0.25, memory_mb: 128 },
  monitoring: { cpu: 0.1, memory_mb: 64 },
  coordination: { cpu: 0.1, memory_mb: 64 },
};
const DETAIL_FACTOR = { brief: 0.5, standard: 1, comprehensive: 1.5 } as const;

/** The most any one needed capability takes, scaled by the detail level. */
export function estimateResources(capabilities: Capability[], detail: TaskRequirements["detail_level"] = "standard"): Resources {
  const cpu = Math.max(...capabilities.map((c) => BASE[c].cpu));
  const memory = Math.max(...capabilities.map((c) => BASE[c].memory_mb));
  return scaleResources({ cpu, memory_mb: memory }, detail);
}

/** Resources scaled by the detail level: brief 0.5, standard 1, comprehensive 1.5. */
export function scaleResources(r: Resources, detail: TaskRequirements["detail_level"] = "standard"): Resources {
  const f = DETAIL_FACTOR[detail];
  return { cpu: Math.round(r.cpu * f * 1000) / 1000, memory_mb: Math.round(r.memory_mb * f) };
}

export function performanceTargets(req: Pick<TaskRequirements, "quality_requirement" | "time_limit">) {
  return { quality: req.quality_requirement ?? 0.8, response_time_seconds: req.time_limit ?? 300, success_rate: 0.9 };
}
