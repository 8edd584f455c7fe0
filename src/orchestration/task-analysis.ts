/**
 * Task analysis and workflow mode choice (pure). The thresholds are the design's:
 * complexity > 0.8 and cpu > 0.7 -> parallel (wave min(5, max_concurrent)); interdependency > 0.6 ->
 * sequential (wave 1); else adaptive (wave 3). A mode asked for by the caller overrides the choice.
 */
import type { Task } from "../domain/task.js";

export type WorkflowMode = "parallel" | "sequential" | "adaptive";

export interface ResourceAvailability {
  /** Free share of the pool's cpu, 0..1. */
  cpu: number;
  /** Branches the free pool can run at once. */
  max_concurrent: number;
}

export interface TaskAnalysis {
  complexity_score: number;
  interdependency_score: number;
}

export interface ModeChoice {
  mode: WorkflowMode;
  wave_size: number;
  source: "analyzer" | "caller";
  reason: string;
}

/** Input volume (characters) at which a task counts as maximally complex on that dimension. */
const FULL_INPUT_CHARS = 50_000;
const FULL_DESCRIPTION_CHARS = 600;
const FULL_TASK_COUNT = 20;

/** Estimated complexity of one task in 0..1: explicit where given, else description, inputs and task count. */
export function taskComplexity(task: Task, taskCount: number): number {
  if (task.complexity !== undefined) return task.complexity;
  const inputChars = task.inputs.reduce((sum, i) => sum + (i.kind === "inline" ? i.chars : i.bytes), 0);
  const score =
    0.35 * Math.min(1, task.description.length / FULL_DESCRIPTION_CHARS) +
    0.4 * Math.min(1, inputChars / FULL_INPUT_CHARS) +
    0.25 * Math.min(1, taskCount / FULL_TASK_COUNT);
  return round4(score);
}

export function analyzeTasks(tasks: Task[]): TaskAnalysis {
  if (tasks.length === 0) return { complexity_score: 0, interdependency_score: 0 };
  const complexity = tasks.reduce((sum, t) => sum + taskComplexity(t, tasks.length), 0) / tasks.length;
  const dependent = tasks.filter((t) => t.depends_on.length > 0).length;
  return { complexity_score: round4(complexity), interdependency_score: round4(dependent / tasks.length) };
}

export function chooseMode(analysis: TaskAnalysis, resources: ResourceAvailability, requested: WorkflowMode | null): ModeChoice {
  const parallelWave = Math.max(1, Math.min(5, resources.max_concurrent));
  if (requested !== null) {
    const wave = requested === "parallel" ? parallelWave : requested === "sequential" ? 1 : 3;
    return { mode: requested, wave_size: wave, source: "caller", reason: `mode ${requested} requested by the caller` };
  }
  if (analysis.complexity_score > 0.8 && resources.cpu > 0.7) {
    return {
      mode: "parallel", wave_size: parallelWave, source: "analyzer",
      reason: `complexity ${analysis.complexity_score} > 0.8 and free cpu ${round4(resources.cpu)} > 0.7`,
    };
  }
  if (analysis.interdependency_score > 0.6) {
    return {
      mode: "sequential", wave_size: 1, source: "analyzer",
      reason: `interdependency ${analysis.interdependency_score} > 0.6`,
    };
  }
  return {
    mode: "adaptive", wave_size: 3, source: "analyzer",
    reason: `complexity ${analysis.complexity_score}, interdependency ${analysis.interdependency_score}, free cpu ${round4(resources.cpu)}`,
  };
}

export function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
