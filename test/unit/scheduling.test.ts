import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { branchesAt, isSettled, isSucceeded, planWave, type SchedulingView } from "../../src/orchestration/scheduling.js";
import type { Branch } from "../../src/orchestration/state.js";
import type { BranchResult } from "../../src/domain/branch-result.js";
import { branch as dispatched, result } from "../helpers/state-factories.js";

/** A branch waiting for dispatch. */
const branch = (id: string, overrides: Partial<Branch> = {}) => dispatched(id, { status: "pending", attempts: 0, ...overrides });

const done = (id: string, overrides: Partial<Branch> = {}) => branch(id, { status: "dispatched", attempts: 1, ...overrides });
function view(branches: Branch[], results: BranchResult[], overrides: Partial<SchedulingView> = {}): SchedulingView {
  return {
    active_branches: Object.fromEntries(branches.map((b) => [b.branch_id, b])),
    completed_branches: Object.fromEntries(results.map((r) => [r.branch_id, r])),
    branch_dependencies: {}, current_sync_index: 0, wave_size: 10, ...overrides,
  };
}

describe("planWave", () => {
  test("dispatches at most wave_size branches", () => {
    const bs = ["t1", "t2", "t3", "t4"].map((id) => branch(id));
    assert.deepEqual(planWave(view(bs, [], { wave_size: 2 })), { dispatch: ["t1", "t2"], blocked: [] });
    assert.deepEqual(planWave(view(bs, [], { wave_size: 1 })).dispatch, ["t1"]);
  });

  test("only pending branches of the current sync point", () => {
    const bs = [branch("t1"), branch("t2", { sync_index: 1 }), done("t3"), branch("t4", { sync_index: 1 })];
    assert.deepEqual(planWave(view(bs, [result("t3")])).dispatch, ["t1"]);
    assert.deepEqual(planWave(view(bs, [result("t3")], { current_sync_index: 1 })).dispatch, ["t2", "t4"]);
  });

  test("waits for a pending or unsettled dependency without blocking", () => {
    const deps = { t2: ["t1"] };
    const pendingDep = planWave(view([branch("t1"), branch("t2")], [], { branch_dependencies: deps }));
    assert.deepEqual(pendingDep, { dispatch: ["t1"], blocked: [] });
    const inFlight = planWave(view([done("t1"), branch("t2")], [], { branch_dependencies: deps }));
    assert.deepEqual(inFlight, { dispatch: [], blocked: [] });
    const reDispatched = planWave(view([done("t1", { attempts: 2 }), branch("t2")], [result("t1", { attempt: 1 })], { branch_dependencies: deps }));
    assert.deepEqual(reDispatched, { dispatch: [], blocked: [] });
  });

  test("dispatches once every dependency succeeded, including one in an earlier point", () => {
    const bs = [done("t1", { sync_index: 0 }), done("t2", { sync_index: 1 }), branch("t3", { sync_index: 1 })];
    const v = view(bs, [result("t1")], { current_sync_index: 1, branch_dependencies: { t3: ["t1", "t2"] } });
    assert.deepEqual(planWave(v).dispatch, []); // t2 still in flight
    v.completed_branches = { ...v.completed_branches, t2: result("t2") };
    assert.deepEqual(planWave(v).dispatch, ["t3"]);
  });

  test("a failed dependency blocks the branch, naming it", () => {
    const bs = [done("t1"), branch("t2"), branch("t3")];
    const plan = planWave(view(bs, [result("t1", { status: "timed_out" })], { branch_dependencies: { t2: ["t1"] } }));
    assert.deepEqual(plan.dispatch, ["t3"]);
    assert.equal(plan.blocked.length, 1);
    assert.equal(plan.blocked[0]!.branch_id, "t2");
    assert.equal(plan.blocked[0]!.blocked_by, "t1");
    assert.match(plan.blocked[0]!.reason, /dependency t1 failed/);
  });

  test("blocked branches are reported even when the wave is full", () => {
    const bs = [done("t1"), branch("t2"), branch("t3"), branch("t4")];
    const plan = planWave(view(bs, [result("t1", { status: "failed" })], { wave_size: 1, branch_dependencies: { t4: ["t1"] } }));
    assert.deepEqual(plan.dispatch, ["t2"]);
    assert.deepEqual(plan.blocked.map((b) => [b.branch_id, b.blocked_by]), [["t4", "t1"]]);
  });

  test("orders by priority (high first), then id with numeric ordering", () => {
    const bs = [
      branch("t1", { priority: "low" }), branch("t10"), branch("t9", { priority: "high" }), branch("t2"), branch("t11", { priority: "high" }),
    ];
    assert.deepEqual(planWave(view(bs, [])).dispatch, ["t9", "t11", "t2", "t10", "t1"]);
    assert.deepEqual(planWave(view(bs, [], { wave_size: 3 })).dispatch, ["t9", "t11", "t2"]);
  });

  test("dependency-waiting branches do not take wave slots", () => {
    const bs = [branch("t1"), branch("t2"), branch("t3")];
    const plan = planWave(view(bs, [], { wave_size: 2, branch_dependencies: { t2: ["t1"] } }));
    assert.deepEqual(plan.dispatch, ["t1", "t3"]);
  });
});

describe("isSettled / isSucceeded / branchesAt", () => {
  test("settled requires a dispatched branch whose result is of its latest attempt", () => {
    assert.equal(isSettled(done("a", { attempts: 2 }), { a: result("a", { attempt: 2 }) }), true);
    assert.equal(isSettled(done("a", { attempts: 2 }), { a: result("a", { attempt: 1 }) }), false);
    assert.equal(isSettled(done("a"), {}), false);
    assert.equal(isSettled(branch("a", { attempts: 1 }), { a: result("a") }), false); // re-queued: pending again
  });

  test("succeeded requires settled and status success", () => {
    assert.equal(isSucceeded(done("a"), { a: result("a") }), true);
    assert.equal(isSucceeded(done("a"), { a: result("a", { status: "failed" }) }), false);
    assert.equal(isSucceeded(done("a", { attempts: 2 }), { a: result("a") }), false);
  });

  test("branchesAt selects by sync_index", () => {
    const v = view([branch("a"), branch("b", { sync_index: 1 }), branch("c", { sync_index: 1 })], []);
    assert.deepEqual(branchesAt(v, 1).map((b) => b.branch_id), ["b", "c"]);
    assert.deepEqual(branchesAt(v, 2), []);
  });
});
