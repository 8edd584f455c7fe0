/**
 * What an executor is: the thing that does a branch's work for its agent, and writes the final report.
 * The orchestration graph depends on this interface only; executors are injected.
 */
import type { RunBudget } from "../models/budget.js";
import type { CallUsage } from "../../domain/usage.js";
import type { ColumnStatistics, Finding, TextStatistics } from "../../domain/finding.js";
import type { Task } from "../../domain/task.js";

/** An input as the executor sees it: loaded text with its source name. */
export interface LoadedInput {
  name: string;
  text: string;
}

/** The agent a branch runs as (generated from a template). */
export interface AgentRef {
  agent_id: string;
  agent_type: string;
  /** Specialization parameters (focus, depth, methodology, confidence level, ...). */
  parameters: Record<string, unknown>;
  /** The template's standing instructions (a model executor's system prompt). */
  instructions?: string;
  /** The template's own model (`PROVIDER:MODEL`), where it names one. */
  model?: string;
}

export interface BranchWork {
  run_id: string;
  branch_id: string;
  objective: string;
  task: Task;
  inputs: LoadedInput[];
  agent: AgentRef;
  /** Aborted when the branch times out or the run is cancelled. */
  signal: AbortSignal;
  timeout_seconds: number;
  /** The run's model and budget (model executor). */
  model?: string;
  budget?: RunBudget;
  /** Which try of the branch this is (a revision or a recovery re-runs it as a new attempt). */
  attempt?: number;
}

/** What the offline (builtin) work needs of a branch: plain data, so it can be sent to a worker thread. */
export interface OfflineWork {
  task: Task;
  inputs: LoadedInput[];
  agent: Pick<AgentRef, "parameters">;
}

export interface BranchOutcome {
  /** Model calls the branch made, as the provider billed them. */
  usage?: CallUsage;
  /** Best first. */
  findings: Finding[];
  /** Evidence-based quality in 0..1. */
  quality: number;
  statistics?: ColumnStatistics[];
  text_statistics?: TextStatistics[];
  /** Short notes on how the quality was derived, for the report and the timeline. */
  notes?: string[];
}

export const RUN_EXECUTORS = ["builtin", "model", "sampling", "delegate"] as const;
export type RunExecutor = (typeof RUN_EXECUTORS)[number];

export interface Executor {
  readonly name: RunExecutor;
  runBranch(work: BranchWork): Promise<BranchOutcome>;
}
