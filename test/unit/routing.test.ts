import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  BRANCH_NODES, QUALITY_ROUTES, SYNC_ROUTES, branchNodeFor, recoveryNodeFor, routeAfterQuality, routeAfterSync,
} from "../../src/orchestration/routing.js";

describe("branchNodeFor", () => {
  test("research by focus: technical -> alpha, market -> beta, competitive and none -> gamma", () => {
    assert.equal(branchNodeFor({ type: "research", focus: "technical", priority: "normal" }), "research_branch_alpha");
    assert.equal(branchNodeFor({ type: "research", focus: "market", priority: "normal" }), "research_branch_beta");
    assert.equal(branchNodeFor({ type: "research", focus: "competitive", priority: "normal" }), "research_branch_gamma");
    assert.equal(branchNodeFor({ type: "research", priority: "normal" }), "research_branch_gamma");
  });

  test("research ignores priority", () => {
    assert.equal(branchNodeFor({ type: "research", focus: "technical", priority: "high" }), "research_branch_alpha");
    assert.equal(branchNodeFor({ type: "research", priority: "high" }), "research_branch_gamma");
  });

  test("analysis by priority: high -> primary, normal and low -> secondary", () => {
    assert.equal(branchNodeFor({ type: "analysis", priority: "high" }), "analysis_branch_primary");
    assert.equal(branchNodeFor({ type: "analysis", priority: "normal" }), "analysis_branch_secondary");
    assert.equal(branchNodeFor({ type: "analysis", priority: "low" }), "analysis_branch_secondary");
  });

  test("analysis ignores focus", () => {
    assert.equal(branchNodeFor({ type: "analysis", focus: "technical", priority: "low" }), "analysis_branch_secondary");
  });
});

describe("recoveryNodeFor", () => {
  test("moves secondary analysis to primary and keeps every other node", () => {
    assert.equal(recoveryNodeFor("analysis_branch_secondary"), "analysis_branch_primary");
    for (const node of BRANCH_NODES.filter((n) => n !== "analysis_branch_secondary")) {
      assert.equal(recoveryNodeFor(node), node);
    }
  });
});

describe("routers", () => {
  test("routeAfterSync returns the recorded route", () => {
    assert.equal(routeAfterSync({ sync_status: { route: "timeout_recovery", sync_point: "all", progress: 0.5, reason: "r" } }), "timeout_recovery");
    assert.equal(routeAfterSync({ sync_status: { route: "continue_waiting", sync_point: "all", progress: 0, reason: "r" } }), "continue_waiting");
  });

  test("routeAfterSync throws without a decision", () => {
    assert.throws(() => routeAfterSync({ sync_status: null }), /sync_point_manager did not record a decision/);
  });

  test("routeAfterQuality returns the recorded route", () => {
    assert.equal(routeAfterQuality({ quality_route: "needs_revision" }), "needs_revision");
    assert.equal(routeAfterQuality({ quality_route: "quality_approved" }), "quality_approved");
  });

  test("routeAfterQuality throws without a decision", () => {
    assert.throws(() => routeAfterQuality({ quality_route: null }), /quality_validator did not record a decision/);
  });
});

describe("route tables", () => {
  test("SYNC_ROUTES targets", () => {
    assert.deepEqual(SYNC_ROUTES, {
      proceed_to_merge: "branch_merger",
      conditional_proceed: "branch_merger",
      continue_waiting: "parallel_coordinator",
      timeout_recovery: "load_balancer",
      revision_requested: "load_balancer",
      rejected: "__end__",
    });
  });

  test("QUALITY_ROUTES targets", () => {
    assert.deepEqual(QUALITY_ROUTES, {
      quality_approved: "final_integrator",
      needs_revision: "load_balancer",
      critical_failure: "__end__",
      rejected: "__end__",
    });
  });

  test("BRANCH_NODES lists the five branch nodes", () => {
    assert.deepEqual([...BRANCH_NODES].sort(), [
      "analysis_branch_primary", "analysis_branch_secondary", "research_branch_alpha", "research_branch_beta", "research_branch_gamma",
    ]);
  });
});
