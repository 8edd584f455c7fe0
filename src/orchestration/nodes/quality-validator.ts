/**
 * quality_validator: the quality gate (see quality.ts). With the `quality` approval it pauses first and
 * a person decides; a critical failure ends the run `failed` with its partial results kept.
 */
import { interrupt } from "@langchain/langgraph";
import { applyHumanQualityDecision, decideQuality, type HumanDecision } from "../quality.js";
import type { State, StateUpdate } from "../state.js";
import { defineNode, type GraphDeps, type NodeEvent } from "./define-node.js";
import { finalResult } from "./final-integrator.js";
import type { PausePayload } from "./sync-point-manager.js";

export function qualityValidatorNode(deps: GraphDeps) {
  return defineNode<State>("quality_validator", deps, async (state) => {
    const merge = state.integration_result;
    if (!merge) throw new Error("quality_validator ran before branch_merger");
    const auto = decideQuality(merge, state.options, state.revision_count);
    let decision = auto;
    let human: HumanDecision | undefined;
    if (state.options.approvals.includes("quality")) {
      const revisionsLeft = state.options.max_revisions - state.revision_count;
      human = interrupt<PausePayload, HumanDecision>({
        point: "quality",
        summary: `Quality ${merge.overall_quality} (threshold ${state.options.quality_threshold}) from ${merge.successful_branches} successful and ` +
          `${merge.failed_branches.length} failed branches; integration confidence ${merge.integration_confidence}; ${revisionsLeft} revision(s) left. ` +
          `The rule says: ${auto.route} (${auto.reason}). Approve to accept and write the report, revise with feedback for another round, reject to cancel.`,
        options: revisionsLeft > 0 ? ["approve", "revise", "reject"] : ["approve", "reject"],
        overall_quality: merge.overall_quality,
        threshold: state.options.quality_threshold,
        recommendation: auto.route,
        revisions_left: revisionsLeft,
        failed_branches: merge.failed_branches,
        source_attribution: merge.source_attribution,
      });
      decision = applyHumanQualityDecision(auto, human, merge);
    }
    const update: StateUpdate = { quality_route: decision.route };
    const events: NodeEvent[] = [];
    if (decision.route === "needs_revision") {
      update.rebalance = { reason: "revision", ...(human?.feedback ? { feedback: human.feedback } : {}) };
      events.push({ event: "revision_requested", node: "quality_validator", data: { point: "quality", reason: decision.reason, feedback: human?.feedback ?? null } });
    } else if (decision.route === "rejected") {
      update.outcome = { status: "cancelled", reason: decision.reason };
    } else if (decision.route === "critical_failure") {
      update.outcome = { status: "failed", reason: decision.reason };
      update.final_result = await finalResult(deps, state, merge, decision.reason);
    }
    return { update, events };
  });
}
