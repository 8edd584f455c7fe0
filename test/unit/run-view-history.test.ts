/**
 * The run view's history bookkeeping (src/ui/model.ts): where "Try again from here" is offered, what fork_run's
 * `changes` are from the form, and how a further page of the history is appended.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { appendPage, canForkFrom, forkChanges, inheritedNodes, settledCount, type Checkpoint } from "../../src/ui/model.js";

const cp = (id: string, step: number, next: string[], point: Checkpoint["point"] = null): Checkpoint =>
  ({ checkpoint_id: id, step, created_at: "2026-01-01T00:00:00.000Z", next, point, branches_settled: 0 });
const blank = { threshold: "", approvals: "keep" as const, taskId: "", description: "" };

describe("run view history", () => {
  test("Try again from here is offered at the sync points and the quality gate only", () => {
    assert.equal(canForkFrom(cp("a", -1, ["__start__"])), false);
    assert.equal(canForkFrom(cp("b", 0, ["task_analyzer"])), false);
    assert.equal(canForkFrom(cp("c", 2, ["research_branch_alpha", "analysis_branch_primary"])), false);
    assert.equal(canForkFrom(cp("d", 3, ["sync_point_manager"])), true);
    assert.equal(canForkFrom(cp("e", 5, ["quality_validator"], "quality")), true);
    assert.equal(canForkFrom(cp("f", 6, [], "sync_point")), true);
    assert.equal(canForkFrom(cp("g", 4, ["research_branch_beta"], "branch_work")), false);
  });

  test("the form's fields become fork_run's changes, blank ones none", () => {
    assert.deepEqual(forkChanges(blank, []), { changes: {} });
    assert.deepEqual(forkChanges({ ...blank, threshold: " 0.55 ", approvals: "off" }, []), { changes: { quality_threshold: 0.55, approvals: [] } });
    assert.deepEqual(forkChanges({ ...blank, approvals: "on" }, []), { changes: { approvals: ["sync_point", "quality"] } });
    assert.deepEqual(forkChanges({ ...blank, taskId: "t2", description: " new words " }, ["t1", "t2"]), { changes: { tasks: [{ id: "t2", description: "new words" }] } });
    assert.equal((forkChanges({ ...blank, threshold: "1.2" }, []) as { field: string }).field, "threshold");
    assert.equal((forkChanges({ ...blank, threshold: "x" }, []) as { field: string }).field, "threshold");
    assert.equal((forkChanges({ ...blank, taskId: "t2", description: "  " }, ["t2"]) as { field: string }).field, "description");
    assert.equal((forkChanges({ ...blank, taskId: "t9", description: "d" }, ["t2"]) as { field: string }).field, "taskId");
  });

  test("a fork took over the main line before its checkpoint's next node, and its kept branches' nodes", () => {
    assert.deepEqual([...inheritedNodes(["quality_validator"], ["research_branch_alpha"])].sort(),
      ["branch_merger", "parallel_coordinator", "research_branch_alpha", "sync_point_manager", "task_analyzer"]);
    assert.deepEqual([...inheritedNodes(["sync_point_manager"], [])].sort(), ["parallel_coordinator", "task_analyzer"]);
    assert.deepEqual([...inheritedNodes(["research_branch_beta", "analysis_branch_primary"], ["research_branch_alpha"])].sort(),
      ["parallel_coordinator", "research_branch_alpha", "task_analyzer"]);
    assert.deepEqual([...inheritedNodes([], [])].length, 7 - 1, "an ended run's last checkpoint: the whole main line");
  });

  test("a further page is appended once, and says what is left", () => {
    const first = { run_id: "r", checkpoints: [cp("a", 0, []), cp("b", 1, [])], total: 4, next_after: "b" };
    const next = appendPage(first, { run_id: "r", checkpoints: [cp("b", 1, []), cp("c", 2, []), cp("d", 3, [])], total: 4, next_after: null });
    assert.deepEqual(next.checkpoints.map((c) => c.checkpoint_id), ["a", "b", "c", "d"]);
    assert.equal(next.next_after, null);
    assert.equal(settledCount(3), 3);
    assert.equal(settledCount(["t1", "t2"]), 2);
  });
});
