import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { decideSync, isRetryable, type SyncView } from "../../src/orchestration/sync.js";
import type { Branch, SyncPoint } from "../../src/orchestration/state.js";
import type { BranchResult } from "../../src/domain/branch-result.js";
import { branch, options, result } from "../helpers/state-factories.js";

function view(branches: Branch[], results: BranchResult[], overrides: Partial<SyncView> & { points?: SyncPoint[] } = {}): SyncView {
  const { points, ...rest } = overrides;
  return {
    active_branches: Object.fromEntries(branches.map((b) => [b.branch_id, b])),
    completed_branches: Object.fromEntries(results.map((r) => [r.branch_id, r])),
    sync_points: points ?? [{ name: "all", branch_ids: branches.map((b) => b.branch_id) }],
    current_sync_index: 0, round: 0, options, ...rest,
  };
}
const four = () => ["b1", "b2", "b3", "b4"].map((id) => branch(id));
const ok = (...ids: string[]) => ids.map((id) => result(id));
const failed = (id: string, overrides: Partial<BranchResult> = {}) => result(id, { status: "failed", error: "boom", ...overrides });

describe("decideSync", () => {
  test("branches still pending -> continue_waiting without pause", () => {
    const bs = [...four().slice(0, 3), branch("b4", { status: "pending", attempts: 0 })];
    const d = decideSync(view(bs, ok("b1", "b2", "b3")));
    assert.equal(d.route, "continue_waiting");
    assert.equal(d.pause, false);
    assert.equal(d.next_sync_index, 0);
    assert.equal(d.progress, 0.75);
    assert.equal(d.partial, false);
  });

  test("4/4 done -> proceed_to_merge with pause when dispatched this round", () => {
    const d = decideSync(view(four(), ok("b1", "b2", "b3", "b4")));
    assert.equal(d.route, "proceed_to_merge");
    assert.equal(d.pause, true);
    assert.equal(d.progress, 1);
    assert.equal(d.partial, false);
    assert.equal(d.sync_point, "all");
    assert.deepEqual(d.completed, ["b1", "b2", "b3", "b4"]);
    assert.deepEqual(d.failed, []);
  });

  test("4/4 done but a later point has pending branches -> continue_waiting to that point", () => {
    const bs = [...four(), branch("c1", { sync_index: 2, status: "pending", attempts: 0 }), branch("m1", { sync_index: 1 })];
    const points = [{ name: "first", branch_ids: ["b1", "b2", "b3", "b4"] }, { name: "mid", branch_ids: ["m1"] }, { name: "last", branch_ids: ["c1"] }];
    const d = decideSync(view(bs, ok("b1", "b2", "b3", "b4", "m1"), { points }));
    assert.equal(d.route, "continue_waiting");
    assert.equal(d.next_sync_index, 2);
    assert.equal(d.pause, true);
    assert.equal(d.sync_point, "first");
    assert.match(d.reason, /next sync point "last"/);
  });

  test("a later point whose branches all settled does not hold the merge", () => {
    const bs = [...four(), branch("m1", { sync_index: 1 })];
    const points = [{ name: "first", branch_ids: ["b1", "b2", "b3", "b4"] }, { name: "second", branch_ids: ["m1"] }];
    const d = decideSync(view(bs, ok("b1", "b2", "b3", "b4", "m1"), { points }));
    assert.equal(d.route, "proceed_to_merge");
    assert.equal(d.next_sync_index, 0);
  });

  test("3/4 (0.75) -> conditional_proceed, partial", () => {
    const d = decideSync(view(four(), [...ok("b1", "b2", "b3"), failed("b4")]));
    assert.equal(d.route, "conditional_proceed");
    assert.equal(d.progress, 0.75);
    assert.equal(d.partial, true);
    assert.deepEqual(d.failed, ["b4"]);
    assert.equal(d.pause, true);
  });

  test("2/4 with retries left -> timeout_recovery", () => {
    const d = decideSync(view(four(), [...ok("b1", "b2"), failed("b3"), failed("b4", { status: "timed_out" })]));
    assert.equal(d.route, "timeout_recovery");
    assert.equal(d.progress, 0.5);
    assert.equal(d.partial, false);
    assert.deepEqual(d.failed, ["b3", "b4"]);
    assert.match(d.reason, /retrying b3, b4/);
  });

  test("2/4 with retries exhausted -> proceed_to_merge, partial", () => {
    const bs = [branch("b1"), branch("b2"), branch("b3", { retries: 2, attempts: 3 }), branch("b4", { retries: 2, attempts: 3 })];
    const d = decideSync(view(bs, [...ok("b1", "b2"), failed("b3", { attempt: 3 }), failed("b4", { attempt: 3 })]));
    assert.equal(d.route, "proceed_to_merge");
    assert.equal(d.partial, true);
    assert.equal(d.progress, 0.5);
  });

  test("pause is false when no branch of the point was dispatched in the current round", () => {
    const d = decideSync(view(four(), ok("b1", "b2", "b3", "b4"), { round: 1 }));
    assert.equal(d.route, "proceed_to_merge");
    assert.equal(d.pause, false);
    const bs = [...four().slice(0, 3), branch("b4", { last_round: 1, attempts: 2 })];
    assert.equal(decideSync(view(bs, [...ok("b1", "b2", "b3"), result("b4", { attempt: 2 })], { round: 1 })).pause, true);
  });

  test("a missing sync point throws", () => {
    assert.throws(() => decideSync(view(four(), [], { current_sync_index: 3 })), /no sync point at index 3/);
  });
});

describe("isRetryable", () => {
  const state = (branches: Branch[], results: BranchResult[], retry_attempts = 2) =>
    view(branches, results, { options: { ...options, retry_attempts } });

  test("a failed settled branch with retries left is retryable", () => {
    const b = branch("b1", { retries: 1 });
    assert.equal(isRetryable(b, state([b], [failed("b1")])), true);
  });

  test("retries reaching options.retry_attempts stop it", () => {
    const b = branch("b1", { retries: 2 });
    assert.equal(isRetryable(b, state([b], [failed("b1")])), false);
    const c = branch("c1", { retries: 0 });
    assert.equal(isRetryable(c, state([c], [failed("c1")], 0)), false);
  });

  test("success, no result, or an unsettled attempt are not retryable", () => {
    const b = branch("b1");
    assert.equal(isRetryable(b, state([b], ok("b1"))), false);
    assert.equal(isRetryable(b, state([b], [])), false);
    const again = branch("b1", { attempts: 2 });
    assert.equal(isRetryable(again, state([again], [failed("b1", { attempt: 1 })])), false);
  });

  test("blocked_by: retryable only while the blocker is", () => {
    const a = branch("a");
    const b = branch("b");
    const blocked = failed("b", { blocked_by: "a" });
    assert.equal(isRetryable(b, state([a, b], [failed("a"), blocked])), true);
    const spent = branch("a", { retries: 2 });
    assert.equal(isRetryable(b, state([spent, b], [failed("a"), blocked])), false);
  });

  test("blocked_by chains are followed to the root", () => {
    const [a, b, c] = [branch("a"), branch("b"), branch("c")];
    const results = [failed("a"), failed("b", { blocked_by: "a" }), failed("c", { blocked_by: "b" })];
    assert.equal(isRetryable(c, state([a, b, c], results)), true);
    assert.equal(isRetryable(c, state([branch("a", { retries: 5 }), b, c], results)), false);
  });

  test("an unknown blocker or a blocking cycle is not retryable", () => {
    const b = branch("b");
    assert.equal(isRetryable(b, state([b], [failed("b", { blocked_by: "ghost" })])), false);
    const a = branch("a");
    assert.equal(isRetryable(b, state([a, b], [failed("a", { blocked_by: "b" }), failed("b", { blocked_by: "a" })])), false);
  });
});
