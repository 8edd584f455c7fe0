/**
 * The builtin executor: offline and deterministic. Research branches rank the inputs' sentences
 * with BM25; analysis branches compute statistics. Nothing is invented: no evidence, no findings.
 * The work runs on the offline pool (a worker thread for big inputs), so the event loop stays free.
 */
import type { OfflinePool } from "../offthread/worker-pool.js";
import type { BranchOutcome, BranchWork, Executor } from "./types.js";

export function createBuiltinExecutor(pool: OfflinePool): Executor {
  return {
    name: "builtin",
    async runBranch(work: BranchWork): Promise<BranchOutcome> {
      const { task, inputs, agent } = work;
      return pool.run("builtinBranch", { task, inputs, agent: { parameters: agent.parameters } }, work.signal);
    },
  };
}
