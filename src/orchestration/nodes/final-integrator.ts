/**
 * final_integrator: the synthesis agent writes the report from the merged results; the run ends `completed`.
 */
import { isGraphInterrupt } from "@langchain/langgraph";
import type { MergeResult } from "../../domain/merge-result.js";
import { inAgentSpan } from "../../telemetry/spans.js";
import type { FinalResult, State } from "../state.js";
import { defineNode, type GraphDeps } from "./define-node.js";

export function finalIntegratorNode(deps: GraphDeps) {
  return defineNode<State>("final_integrator", deps, async (state) => {
    const merge = state.integration_result;
    if (!merge) throw new Error("final_integrator ran before branch_merger");
    return {
      update: {
        final_result: await finalResult(deps, state, merge),
        outcome: { status: "completed" },
      },
    };
  });
}

/** The run's result: the report and the figures it rests on (also for a failed run, with the reason). */
export async function finalResult(deps: GraphDeps, state: State, merge: MergeResult, failure?: string): Promise<FinalResult> {
  const report = await inAgentSpan(state.workflow_id, "report", { "conductor.revisions": state.revision_count }, () => deps.writeReport(state.workflow_id, {
    objective: state.objective, tasks: state.task_queue, merge, revisions: state.revision_count, ...(failure ? { failure } : {}),
  }, state.options), isGraphInterrupt);
  return {
    report,
    quality_score: merge.overall_quality,
    source_attribution: merge.source_attribution,
    integration_confidence: merge.integration_confidence,
    success_rate: merge.success_rate,
    partial: merge.partial,
    failed_branches: merge.failed_branches,
    revisions: state.revision_count,
  };
}
