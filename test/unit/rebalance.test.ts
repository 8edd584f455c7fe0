import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { planRebalance, type RebalanceView } from "../../src/orchestration/rebalance.js";
import { decideSync } from "../../src/orchestration/sync.js";
import type { Branch } from "../../src/orchestration/state.js";
import type { BranchResult } from "../../src/domain/branch-result.js";
import { branch, options, result as baseResult } from "../helpers/state-factories.js";

const result = (id: string, quality: number, overrides: Partial<BranchResult> = {}) =>
  baseResult(id, { performance: { execution_time: 1, resource_utilization: 0.5, data_quality_score: quality, throughput: 1 }, ...overrides });

const failed = (id: string, overrides: Partial<BranchResult> = {}) => result(id, 0, { status: "failed", error: "boom", ...overrides });
function view(branches: Branch[], results: BranchResult[], current_sync_index = 0): RebalanceView {
  return {
    active_branches: Object.fromEntries(branches.map((b) => [b.branch_id, b])),
    completed_branches: Object.fromEntries(results.map((r) => [r.branch_id, r])),
    current_sync_index, options,
  };
}
const secondary = { type: "analysis", node: "analysis_branch_secondary" } as const;

describe("planRebalance: timeout_recovery", () => {
  test("requeues only retryable failed branches of the current point, secondary -> primary", () => {
    const bs = [
      branch("b1"),
      branch("b2", secondary),
      branch("b3", { retries: 2, attempts: 3 }),
      branch("b4", { sync_index: 1 }),
      branch("b5", { node: "research_branch_alpha" }),
    ];
    const rs = [result("b1", 0.9), failed("b2"), failed("b3", { attempt: 3 }), failed("b4"), failed("b5", { status: "timed_out" })];
    const plan = planRebalance(view(bs, rs), "timeout_recovery");
    assert.deepEqual(plan.requeue, [
      { branch_id: "b2", node: "analysis_branch_primary", retry: true },
      { branch_id: "b5", node: "research_branch_alpha", retry: true },
    ]);
    assert.equal(plan.next_sync_index, 0);
    assert.match(plan.reason, /retrying failed branches b2, b5/);
  });

  test("works on the current point when it is not the first", () => {
    const bs = [branch("a", { sync_index: 0 }), branch("b", { sync_index: 1 })];
    const plan = planRebalance(view(bs, [failed("a"), failed("b")], 1), "timeout_recovery");
    assert.deepEqual(plan.requeue.map((r) => r.branch_id), ["b"]);
    assert.equal(plan.next_sync_index, 1);
  });

  test("nothing retryable -> empty requeue", () => {
    const bs = [branch("b1"), branch("b2", { retries: 2, attempts: 3 })];
    const plan = planRebalance(view(bs, [result("b1", 0.2), failed("b2", { attempt: 3 })]), "timeout_recovery");
    assert.deepEqual(plan.requeue, []);
    assert.equal(plan.next_sync_index, 0);
    assert.match(plan.reason, /no failed branch has retries left/);
  });
});

describe("planRebalance: revision", () => {
  test("requeues branches below threshold (weakest first) plus retryable failed ones", () => {
    const bs = [
      branch("b1"),
      branch("b2", secondary),
      branch("b3", { sync_index: 1 }),
      branch("b4", { ...secondary, sync_index: 1 }),
      branch("b5", { sync_index: 1, retries: 2, attempts: 3 }),
    ];
    const rs = [result("b1", 0.9), result("b2", 0.5), result("b3", 0.6), failed("b4"), failed("b5", { attempt: 3 })];
    const plan = planRebalance(view(bs, rs, 1), "revision");
    assert.deepEqual(plan.requeue, [
      { branch_id: "b2", node: "analysis_branch_secondary", retry: false },
      { branch_id: "b3", node: "research_branch_gamma", retry: false },
      { branch_id: "b4", node: "analysis_branch_primary", retry: true },
    ]);
    assert.equal(plan.next_sync_index, 0);
    assert.match(plan.reason, /revising b2, b3, b4/);
  });

  test("a branch exactly at the threshold is not below it", () => {
    const plan = planRebalance(view([branch("a"), branch("b")], [result("a", 0.7), result("b", 0.69)]), "revision");
    assert.deepEqual(plan.requeue.map((r) => r.branch_id), ["b"]);
  });

  test("none below threshold -> only the single weakest, at its own point", () => {
    const bs = [branch("b1", { sync_index: 1 }), branch("b2", { sync_index: 0 }), branch("b3", { sync_index: 1 })];
    const plan = planRebalance(view(bs, [result("b1", 0.9), result("b2", 0.8), result("b3", 0.85)], 1), "revision");
    assert.deepEqual(plan.requeue, [{ branch_id: "b2", node: "research_branch_gamma", retry: false }]);
    assert.equal(plan.next_sync_index, 0);
  });

  test("ties on quality are broken by id", () => {
    const plan = planRebalance(view([branch("z"), branch("a")], [result("z", 0.8), result("a", 0.8)]), "revision");
    assert.deepEqual(plan.requeue.map((r) => r.branch_id), ["a"]);
  });

  test("unsettled branches are ignored; nothing settled -> nothing to revise", () => {
    const bs = [branch("a", { attempts: 2 }), branch("b", { status: "pending", attempts: 0 })];
    const plan = planRebalance(view(bs, [result("a", 0.1, { attempt: 1 })], 1), "revision");
    assert.deepEqual(plan.requeue, []);
    assert.equal(plan.next_sync_index, 1);
    assert.equal(plan.reason, "nothing to revise");
  });
});

describe("timeout recovery across sync points", () => {
  // Point "p0" = {a, x1, x2, x3}: a failed (retries left), 3/4 -> conditional proceed to point "p1" = {b}, b depends on a
  // and was settled as blocked by a. A recovery that re-queues b alone re-blocks it at once: a futile round (and a
  // sync_point pause) per retry of b. Whatever the fix, a recovery must not promise a retry that cannot run.
  test("a blocked branch is only retried together with its failed blocker (or not at all)", () => {
    const bs = [branch("a"), branch("x1"), branch("x2"), branch("x3"), branch("b", { sync_index: 1 })];
    const rs = [failed("a"), result("x1", 0.8), result("x2", 0.8), result("x3", 0.8), failed("b", { blocked_by: "a" })];
    const state = {
      ...view(bs, rs, 1), round: 0,
      sync_points: [{ name: "p0", branch_ids: ["a", "x1", "x2", "x3"] }, { name: "p1", branch_ids: ["b"] }],
    };
    const decision = decideSync(state);
    if (decision.route !== "timeout_recovery") return; // not retrying b at all is a valid answer
    const plan = planRebalance(state, "timeout_recovery");
    const requeued = new Set(plan.requeue.map((r) => r.branch_id));
    for (const id of requeued) {
      const blocker = state.completed_branches[id]!.blocked_by;
      if (blocker === undefined) continue;
      assert.ok(requeued.has(blocker) || state.completed_branches[blocker]!.status === "success",
        `${id} re-queued without its failed blocker ${blocker}: requeue = ${[...requeued].join(", ")}`);
    }
  });
});
