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
