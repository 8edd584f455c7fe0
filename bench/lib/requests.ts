/**
 * The start_workflow requests the benchmark runs.
 */
import { fiveTaskRequest } from "../../test/helpers/workflow.js";

/**
 * The five-task run of the tests (sample documents, research technical/market/competitive, analysis
 * high/normal), straight through (`approvals: []`) on the builtin executor. `mode: "parallel"` runs it as
 * one wave of five `Send`s, the topology of the bare graph; `auto` lets the analyzer pick (adaptive: 3 + 2).
 */
export function fiveBranchRequest(mode: "parallel" | "auto" = "parallel"): Record<string, unknown> {
  return fiveTaskRequest({ approvals: [], executor: "builtin", mode });
}

const FOCUSES = ["technical", "market", "competitive"] as const;

/**
 * `n` branches of trivial work: one inline sentence each, the five branch nodes in turn, mode parallel
 * (waves of five), quality threshold 0 so that no revision round runs: the cost measured is the fan-out.
 */
export function fanOutRequest(n: number): Record<string, unknown> {
  const tasks = Array.from({ length: n }, (_, i) => {
    const slot = i % 5;
    return slot < 3
      ? { type: "research", focus: FOCUSES[slot], description: `revenue growth of segment ${i}`, inputs: [{ name: `s${i}.md`, text: `Segment ${i} revenue grew 20 percent in 2025.` }] }
      : { type: "analysis", priority: slot === 3 ? "high" : "normal", description: `unit shipments of segment ${i}`, inputs: [{ name: `d${i}.md`, text: `Segment ${i} shipped 500 thousand units in 2025.` }] };
  });
  return { objective: `Fan-out benchmark with ${n} branches`, tasks, mode: "parallel", approvals: [], executor: "builtin", quality_threshold: 0 };
}

/**
 * `n` research branches for a model run, each prompt marked "[tK]" (K = 1..n) so that a scripted provider can tell
 * which branch a request is (bench/lib/marked-provider.ts), each with one short inline source.
 */
export function markedTasks(n: number): Array<Record<string, unknown>> {
  return Array.from({ length: n }, (_, i) => ({
    type: "research", focus: (["technical", "market", "competitive"] as const)[i % 3],
    description: `[t${i + 1}] edge accelerator revenue, latency and power`,
    inputs: [{ name: `notes-${i + 1}.md`, text: `Edge accelerator revenue grew 20 percent in 2025 in region ${i + 1}. Latency fell to 4 ms at 5 watts of power. Vendors compete on efficiency.` }],
  }));
}

/** The `n` marked branches in mode parallel on the model executor, straight through, no revision round. */
export function markedModelRequest(n: number): Record<string, unknown> {
  return {
    objective: "Edge accelerators: revenue, latency and power", mode: "parallel", executor: "model", approvals: [],
    quality_threshold: 0, max_revisions: 0, branch_timeout_seconds: 300, tasks: markedTasks(n),
  };
}
