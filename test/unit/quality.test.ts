import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { applyHumanQualityDecision, decideQuality } from "../../src/orchestration/quality.js";
import type { MergeResult, TypeMerge } from "../../src/domain/merge-result.js";

const empty: TypeMerge = { branches: [], primary_findings: [], supporting_evidence: [], quality_score: 0, statistics: [] };
function merge(overall_quality: number, successful_branches: number): MergeResult {
  return {
    research: empty, analysis: empty, source_attribution: {}, branch_weights: {}, overall_quality,
    quality_confidence_interval: [overall_quality, overall_quality], integration_confidence: overall_quality,
    success_rate: successful_branches > 0 ? 1 : 0, successful_branches,
    failed_branches: successful_branches > 0 ? [] : [{ branch_id: "b1", error: "boom" }], partial: false,
  };
}
const opts = { quality_threshold: 0.7, max_revisions: 2 };

describe("decideQuality", () => {
  test("quality at the threshold is approved", () => {
    const d = decideQuality(merge(0.7, 3), opts, 0);
    assert.equal(d.route, "quality_approved");
    assert.match(d.reason, /0\.7 >= threshold 0\.7/);
  });

  test("quality above the threshold is approved even with revisions exhausted", () => {
    assert.equal(decideQuality(merge(0.95, 1), opts, 2).route, "quality_approved");
  });

  test("below the threshold with revisions left -> needs_revision, numbering the revision", () => {
    const d = decideQuality(merge(0.69, 3), opts, 1);
    assert.equal(d.route, "needs_revision");
    assert.match(d.reason, /revision 2 of 2/);
    assert.equal(decideQuality(merge(0.1, 3), opts, 0).route, "needs_revision");
  });

  test("below the threshold with revisions exhausted -> critical_failure", () => {
    const d = decideQuality(merge(0.69, 3), opts, 2);
    assert.equal(d.route, "critical_failure");
    assert.match(d.reason, /after 2 revision/);
    assert.equal(decideQuality(merge(0.5, 3), { quality_threshold: 0.7, max_revisions: 0 }, 0).route, "critical_failure");
  });

  test("no successful branch -> critical_failure whatever the quality or revisions", () => {
    const d = decideQuality(merge(0.9, 0), opts, 0);
    assert.equal(d.route, "critical_failure");
    assert.equal(d.reason, "no branch succeeded");
    assert.equal(decideQuality(merge(0, 0), { quality_threshold: 0, max_revisions: 5 }, 0).route, "critical_failure");
  });

  test("threshold 0 approves any result with a success", () => {
    assert.equal(decideQuality(merge(0, 1), { quality_threshold: 0, max_revisions: 2 }, 0).route, "quality_approved");
  });
});

describe("applyHumanQualityDecision", () => {
  const good = merge(0.9, 2);
  const weak = merge(0.4, 2);
  const none = merge(0, 0);

  test("reject -> rejected, with the feedback in the reason", () => {
    const d = applyHumanQualityDecision(decideQuality(good, opts, 0), { decision: "reject", feedback: "off topic" }, good);
    assert.equal(d.route, "rejected");
    assert.equal(d.reason, "rejected at the quality review: off topic");
  });

  test("revise -> needs_revision even when the rule approved", () => {
    const d = applyHumanQualityDecision(decideQuality(good, opts, 0), { decision: "revise", feedback: "more sources" }, good);
    assert.equal(d.route, "needs_revision");
    assert.equal(d.reason, "revision requested at the quality review: more sources");
    assert.equal(applyHumanQualityDecision(decideQuality(good, opts, 2), { decision: "revise" }, good).reason, "revision requested at the quality review");
  });

  test("approve keeps an automatic approval as it is", () => {
    const auto = decideQuality(good, opts, 0);
    assert.deepEqual(applyHumanQualityDecision(auto, { decision: "approve" }, good), auto);
  });

  test("approve accepts below-threshold quality (needs_revision or critical_failure)", () => {
    const revise = applyHumanQualityDecision(decideQuality(weak, opts, 0), { decision: "approve" }, weak);
    assert.equal(revise.route, "quality_approved");
    assert.match(revise.reason, /^approved by a person \(quality 0\.4 < threshold 0\.7/);
    const exhausted = applyHumanQualityDecision(decideQuality(weak, opts, 2), { decision: "approve" }, weak);
    assert.equal(exhausted.route, "quality_approved");
  });

  test("approve cannot accept zero successful branches", () => {
    const d = applyHumanQualityDecision(decideQuality(none, opts, 0), { decision: "approve" }, none);
    assert.equal(d.route, "critical_failure");
    assert.equal(d.reason, "approved, but no branch succeeded");
  });

  test("reject and revise apply even with zero successes", () => {
    assert.equal(applyHumanQualityDecision(decideQuality(none, opts, 0), { decision: "reject" }, none).route, "rejected");
    assert.equal(applyHumanQualityDecision(decideQuality(none, opts, 0), { decision: "revise" }, none).route, "needs_revision");
  });
});
