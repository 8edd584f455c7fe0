/**
 * The quality gate (pure): overall quality >= threshold -> quality_approved; below it with revisions left
 * -> needs_revision; no successful branch, or revisions exhausted below threshold -> critical_failure.
 * A human decision at the `quality` approval overrides the rule where it can: approve accepts the result
 * as it is (unless nothing succeeded), revise asks for another round, reject cancels.
 */
import type { MergeResult } from "../domain/merge-result.js";
import type { QualityRoute, RunOptions } from "./state.js";

export interface QualityDecision {
  route: QualityRoute;
  reason: string;
}

export function decideQuality(merge: MergeResult, options: Pick<RunOptions, "quality_threshold" | "max_revisions">, revisions: number): QualityDecision {
  if (merge.successful_branches === 0) return { route: "critical_failure", reason: "no branch succeeded" };
  const q = merge.overall_quality;
  if (q >= options.quality_threshold) return { route: "quality_approved", reason: `quality ${q} >= threshold ${options.quality_threshold}` };
  if (revisions < options.max_revisions) {
    return { route: "needs_revision", reason: `quality ${q} < threshold ${options.quality_threshold}; revision ${revisions + 1} of ${options.max_revisions}` };
  }
  return { route: "critical_failure", reason: `quality ${q} < threshold ${options.quality_threshold} after ${revisions} revision(s)` };
}

export type HumanDecision = { decision: "approve" | "revise" | "reject"; feedback?: string };

export function applyHumanQualityDecision(auto: QualityDecision, human: HumanDecision, merge: MergeResult): QualityDecision {
  if (human.decision === "reject") return { route: "rejected", reason: "rejected at the quality review" + suffix(human.feedback) };
  if (human.decision === "revise") return { route: "needs_revision", reason: "revision requested at the quality review" + suffix(human.feedback) };
  if (merge.successful_branches === 0) return { route: "critical_failure", reason: "approved, but no branch succeeded" };
  return auto.route === "quality_approved" ? auto : { route: "quality_approved", reason: `approved by a person (${auto.reason})` };
}

function suffix(feedback?: string): string {
  return feedback ? `: ${feedback}` : "";
}
