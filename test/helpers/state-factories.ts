/**
 * Hand-built workflow state for unit tests of the pure decisions: a dispatched branch, its result (alone, or
 * with its findings as the merge takes it), and the run options, with overrides.
 */
import type { Branch, RunOptions } from "../../src/orchestration/state.js";
import type { BranchResult } from "../../src/domain/branch-result.js";
import type { MergeInput } from "../../src/orchestration/merge.js";

/** A branch dispatched once (override status/attempts for a pending one). */
export function branch(id: string, overrides: Partial<Branch> = {}): Branch {
  return {
    branch_id: id, task_id: id, type: "research", priority: "normal", node: "research_branch_gamma",
    agent: { agent_id: `agent-${id}`, agent_type: "research" }, resources: { cpu: 0.1, memory_mb: 64 },
    sync_index: 0, status: "dispatched", attempts: 1, retries: 0, last_round: 0, ...overrides,
  };
}

/** A successful first attempt with quality 0.8, one second long. */
export function result(id: string, overrides: Partial<BranchResult> = {}): BranchResult {
  return {
    branch_id: id, task_id: id, node: "research_branch_gamma", type: "research", status: "success", attempt: 1,
    agent_id: `agent-${id}`, findings_count: 0,
    performance: { execution_time: 1, resource_utilization: 0.5, data_quality_score: 0.8, throughput: 1 },
    completed_at: "2024-01-01T00:00:00.000Z", ...overrides,
  };
}

/**
 * A settled branch with what it found, as mergeBranches takes it: result() plus its findings (findings_count
 * matches them). `quality` and `seconds` set its performance (defaults 0.8 and 0 seconds).
 */
export function mergeInput(id: string, overrides: Partial<MergeInput> & { quality?: number; seconds?: number } = {}): MergeInput {
  const { quality = 0.8, seconds = 0, findings = [], ...rest } = overrides;
  const performance = { execution_time: seconds, resource_utilization: 0.5, data_quality_score: quality, throughput: 1 };
  return { ...result(id, { findings_count: findings.length, performance }), findings, ...rest };
}

export const options: RunOptions = {
  approvals: [], quality_threshold: 0.7, max_revisions: 2, branch_timeout_seconds: 60, retry_attempts: 2, executor: "builtin",
};

export const byId = <T extends { branch_id: string }>(items: T[]): Record<string, T> => Object.fromEntries(items.map((i) => [i.branch_id, i]));
