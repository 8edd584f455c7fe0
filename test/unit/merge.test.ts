import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { branchWeight, mergeBranches, timeFactor, type MergeInput } from "../../src/orchestration/merge.js";
import type { ColumnStatistics, Finding } from "../../src/domain/finding.js";
import { mergeInput as result } from "../helpers/state-factories.js";

const f = (text: string, source: string, score: number): Finding => ({ text, source, score });
const close = (actual: number, expected: number, eps = 1e-9) =>
  assert.ok(Math.abs(actual - expected) < eps, `expected ${expected}, got ${actual}`);

const stat: ColumnStatistics = {
  source: "sales.csv", column: "revenue", count: 4, mean: 10, std_dev: 2, min: 7, max: 13,
  confidence_level: 0.95, confidence_interval: [6.8, 13.2],
};

// Weights (0.7q + 0.3 / (1 + s/60)):
// r1 q .9 s 0 -> .93; r2 q .6 s 60 -> .57; r3 q .8 s 120 -> .66; a1 q .7 s 30 -> .69; a2 q .5 s 0 -> .65; total 3.5
const five = (): MergeInput[] => [
  result("r1", { quality: 0.9, seconds: 0, findings: [f("Alpha claim", "s1.txt", 1), f("Beta  claim", "s1.txt", 0.5)] }),
  result("r2", { quality: 0.6, seconds: 60, findings: [f("alpha CLAIM", "s2.txt", 1), f("Gamma claim", "s2.txt", 1)] }),
  result("r3", {
    quality: 0.8, seconds: 120,
    findings: [f("beta claim", "s3.txt", 1), f("Delta claim", "s3.txt", 0.95), f("Epsilon claim", "s3.txt", 0.9), f("Zeta claim", "s3.txt", 0.2)],
  }),
  result("a1", { type: "analysis", node: "analysis_branch_primary", quality: 0.7, seconds: 30, findings: [f("X figure", "d.csv", 1)], statistics: [stat] }),
  result("a2", { type: "analysis", node: "analysis_branch_secondary", quality: 0.5, seconds: 0, findings: [f("Y figure", "e.txt", 1)] }),
];

describe("timeFactor and branchWeight", () => {
  test("timeFactor(0) = 1, timeFactor(60) = 0.5, timeFactor(120) = 1/3", () => {
    assert.equal(timeFactor(0), 1);
    assert.equal(timeFactor(60), 0.5);
    close(timeFactor(120), 1 / 3);
  });

  test("negative time counts as 0", () => {
    assert.equal(timeFactor(-5), 1);
  });

  test("branchWeight = 0.7 q + 0.3 tf", () => {
    close(branchWeight(0.8, 60), 0.71);
    close(branchWeight(0.9, 0), 0.93);
    close(branchWeight(0.7, 30), 0.69);
    close(branchWeight(0, 0), 0.3);
  });
});

describe("mergeBranches over 3 research + 2 analysis branches", () => {
  test("one flat attribution map over all five, share = weight / total, sums to 1", () => {
    const m = mergeBranches(five(), false);
    assert.deepEqual(Object.keys(m.source_attribution).sort(), ["a1", "a2", "r1", "r2", "r3"]);
    close(m.source_attribution.r1!, 0.93 / 3.5);
    close(m.source_attribution.r2!, 0.57 / 3.5);
    close(m.source_attribution.a1!, 0.69 / 3.5);
    close(m.source_attribution.a2!, 0.65 / 3.5);
    close(Object.values(m.source_attribution).reduce((a, b) => a + b, 0), 1);
    assert.deepEqual(m.branch_weights, { r1: 0.93, r2: 0.57, r3: 0.66, a1: 0.69, a2: 0.65 });
  });

  test("overall quality is the weighted mean; per-type qualities too", () => {
    const m = mergeBranches(five(), false);
    // (.93*.9 + .57*.6 + .66*.8 + .69*.7 + .65*.5) / 3.5 = 2.515 / 3.5
    assert.equal(m.overall_quality, 0.7186);
    assert.equal(m.research.quality_score, 0.7903); // 1.707 / 2.16
    assert.equal(m.analysis.quality_score, 0.603); // 0.808 / 1.34
    assert.equal(m.success_rate, 1);
    assert.equal(m.integration_confidence, 0.7186);
    assert.equal(m.partial, false);
    assert.deepEqual(m.failed_branches, []);
    assert.equal(m.successful_branches, 5);
  });

  test("research and analysis keep their own branches and statistics", () => {
    const m = mergeBranches(five(), false);
    assert.deepEqual([...m.research.branches].sort(), ["r1", "r2", "r3"]);
    assert.deepEqual([...m.analysis.branches].sort(), ["a1", "a2"]);
    assert.deepEqual(m.analysis.statistics, [stat]);
    assert.deepEqual(m.research.statistics, []);
  });

  test("primary findings: top 5 distinct by weight x score, duplicates kept once with the higher weight", () => {
    const m = mergeBranches(five(), false);
    const view = (xs: typeof m.research.primary_findings) => xs.map((x) => [x.text, x.source, x.branch_id, x.weight]);
    assert.deepEqual(view(m.research.primary_findings), [
      ["Alpha claim", "s1.txt", "r1", 0.93], // r2's "alpha CLAIM" (0.57) dropped
      ["beta claim", "s3.txt", "r3", 0.66], // beats r1's "Beta  claim" (0.465)
      ["Delta claim", "s3.txt", "r3", 0.627],
      ["Epsilon claim", "s3.txt", "r3", 0.594],
      ["Gamma claim", "s2.txt", "r2", 0.57],
    ]);
    assert.deepEqual(view(m.research.supporting_evidence), [["Zeta claim", "s3.txt", "r3", 0.132]]);
    assert.deepEqual(view(m.analysis.primary_findings), [["X figure", "d.csv", "a1", 0.69], ["Y figure", "e.txt", "a2", 0.65]]);
  });

  test("the result does not depend on the order of the results", () => {
    const a = mergeBranches(five(), false);
    const b = mergeBranches(five().reverse(), false);
    assert.deepEqual(b.research.primary_findings, a.research.primary_findings);
    assert.equal(b.overall_quality, a.overall_quality);
  });

  test("failed branches are excluded from attribution and listed; success rate = successful / all", () => {
    const all = [
      ...five(),
      result("r4", { status: "failed", error: "agent crashed", quality: 0, findings: [f("Ghost claim", "x", 1)] }),
      result("a3", { type: "analysis", status: "timed_out", quality: 0 }),
    ];
    const m = mergeBranches(all, false);
    assert.deepEqual(Object.keys(m.source_attribution).sort(), ["a1", "a2", "r1", "r2", "r3"]);
    close(m.source_attribution.r1!, 0.93 / 3.5);
    assert.deepEqual(m.failed_branches, [{ branch_id: "r4", error: "agent crashed" }, { branch_id: "a3", error: "timed_out" }]);
    assert.equal(m.success_rate, 0.7143); // 5 / 7
    assert.equal(m.overall_quality, 0.7186);
    assert.equal(m.integration_confidence, 0.5133); // (2.515 / 3.5) * (5 / 7) = 0.513265
    assert.equal(m.successful_branches, 5);
    assert.equal(m.partial, true);
    assert.ok(!m.research.primary_findings.some((x) => x.text === "Ghost claim"));
    assert.ok(!m.research.branches.includes("r4"));
  });

  test("partial flag is passed through even when everything succeeded", () => {
    assert.equal(mergeBranches(five(), true).partial, true);
  });

  test("quality interval: a point for one branch, mean +- 1.96 sd / sqrt(n) for more", () => {
    const one = mergeBranches([result("r1", { quality: 0.6 })], false);
    assert.deepEqual(one.quality_confidence_interval, [0.6, 0.6]);
    // qualities .9 .6 .8 .7 .5: mean .7, sd sqrt(.1/4) = .158114; half = 1.96 * .158114 / sqrt(5) = .138593
    const m = mergeBranches(five(), false);
    assert.deepEqual(m.quality_confidence_interval, [0.58, 0.8572]); // 0.718571 -+ 0.138593
  });

  test("no successful branch -> overall 0, empty attribution, all failed listed", () => {
    const m = mergeBranches([result("r1", { status: "failed", error: "e1" }), result("r2", { status: "timed_out", error: "too slow" })], false);
    assert.equal(m.overall_quality, 0);
    assert.deepEqual(m.source_attribution, {});
    assert.equal(m.success_rate, 0);
    assert.equal(m.integration_confidence, 0);
    assert.equal(m.successful_branches, 0);
    assert.equal(m.failed_branches.length, 2);
    assert.deepEqual(m.research.primary_findings, []);
    assert.equal(m.partial, true);
  });

  test("no results at all -> zeros", () => {
    const m = mergeBranches([], false);
    assert.equal(m.overall_quality, 0);
    assert.equal(m.success_rate, 0);
    assert.deepEqual(m.source_attribution, {});
    assert.equal(m.partial, false);
  });
});

