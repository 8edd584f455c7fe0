/**
 * A settled branch attempt: its outcome and performance, not its findings (those are in the branch result store).
 */
import type { Task } from "./task.js";
import type { CallUsage } from "./usage.js";

export type BranchNodeName =
  | "research_branch_alpha" | "research_branch_beta" | "research_branch_gamma"
  | "analysis_branch_primary" | "analysis_branch_secondary";

export interface BranchPerformance {
  execution_time: number;
  resource_utilization: number;
  data_quality_score: number;
  throughput: number;
}

/** A settled branch attempt as the state keeps it: its outcome, not its findings (those are in the branch result store). */
export interface BranchResult {
  branch_id: string;
  task_id: string;
  node: BranchNodeName;
  type: Task["type"];
  status: "success" | "failed" | "timed_out";
  attempt: number;
  agent_id: string;
  findings_count: number;
  performance: BranchPerformance;
  error?: string;
  /** Why it failed, where a reason has a name (e.g. "budget_exhausted"). */
  reason?: string;
  /** The model calls this attempt made (model executor), as billed. */
  usage?: CallUsage;
  /** Set when the branch was not run because this dependency failed. */
  blocked_by?: string;
  completed_at: string;
}
