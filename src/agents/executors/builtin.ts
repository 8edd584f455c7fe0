/**
 * The builtin executor: offline and deterministic. Research branches rank the inputs' sentences
 * with BM25; analysis branches compute statistics. Nothing is invented: no evidence, no findings.
 */
import { analyzeInputs } from "./builtin-analysis.js";
import { researchFindings } from "./builtin-research.js";
import type { BranchOutcome, BranchWork, Executor } from "./types.js";

export function createBuiltinExecutor(): Executor {
  return {
    name: "builtin",
    async runBranch(work: BranchWork): Promise<BranchOutcome> {
      if (work.signal.aborted) throw work.signal.reason ?? new Error("aborted");
      const type = work.task.type;
      switch (type) {
        case "research":
          return researchFindings(work);
        case "analysis":
          return analyzeInputs(work);
        default: {
          const unknown: never = type;
          throw new Error(`builtin executor: unknown task type ${JSON.stringify(unknown)}`);
        }
      }
    },
  };
}
