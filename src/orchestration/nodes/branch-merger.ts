/**
 * branch_merger: merges the latest settled result of every dispatched branch (see merge.ts).
 */
import { mergeBranches } from "../merge.js";
import type { State } from "../state.js";
import { defineNode, type GraphDeps } from "./define-node.js";

/** Merges the settled branches, reading the successful ones' findings from the branch result store. */
export function branchMergerNode(deps: GraphDeps) {
  return defineNode<State>("branch_merger", deps, async (state) => {
    const settled = Object.values(state.active_branches)
      .filter((b) => b.status === "dispatched")
      .map((b) => state.completed_branches[b.branch_id])
      .filter((r) => r !== undefined);
    const results = await Promise.all(settled.map(async (r) => ({ ...r, ...(r.status === "success" ? await deps.results.get(state.workflow_id, r.branch_id, r.attempt) : { findings: [] }) })));
    const merge = mergeBranches(results, state.partial);
    return {
      update: {
        integration_result: merge,
      },
    };
  });
}
