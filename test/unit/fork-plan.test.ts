/**
 * Forking (pure): which tasks run again, the fork's state and the node it is written as, which checkpoints cannot
 * be forked; and the history's pause points and pages.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { planFork, rerunSet, unforkable, withSettledWrites } from "../../src/orchestration/fork-plan.js";
import { WorkflowState, type State } from "../../src/orchestration/state.js";
import type { Task } from "../../src/domain/task.js";
import { historyEntry, historyPage, pauseAt, type HistoryEntry } from "../../src/runs/run-history.js";
import { branch, options, result } from "../helpers/state-factories.js";

const task = (id: string, depends_on: string[] = []): Task => ({ id, type: "research", description: `task ${id}`, priority: "normal", depends_on, inputs: [] });

/** t1, t2 <- t3 <- t4 in stage 0 and 1; every branch settled; the run was at its quality gate. */
function settledRun(): State {
  const tasks = [task("t1"), task("t2"), task("t3", ["t2"]), task("t4", ["t3"])];
  const defaults = Object.fromEntries(Object.entries(WorkflowState.spec).map(([k, ch]) => [k, (ch as unknown as { get(): unknown }).get?.()]));
  return {
    ...(defaults as unknown as State),
    workflow_id: "orig", objective: "o", options, task_queue: tasks, round: 0, current_sync_index: 1, wave_size: 2,
    sync_points: [{ name: "a", branch_ids: ["t1", "t2"] }, { name: "b", branch_ids: ["t3", "t4"] }],
    branch_dependencies: Object.fromEntries(tasks.map((t) => [t.id, t.depends_on])),
    active_branches: Object.fromEntries(tasks.map((t, i) => [t.id, branch(t.id, { sync_index: i < 2 ? 0 : 1 })])),
    completed_branches: Object.fromEntries(tasks.map((t) => [t.id, result(t.id)])),
    sync_status: { route: "proceed_to_merge", sync_point: "b", progress: 1, reason: "all" },
    integration_result: { overall_quality: 0.8 } as State["integration_result"],
  };
}

describe("rerunSet", () => {
  test("an edited task and everything depending on it, directly or not, in task order", () => {
    const tasks = [task("t1"), task("t2"), task("t3", ["t2"]), task("t4", ["t3"]), task("t5", ["t1"])];
    assert.deepEqual(rerunSet(tasks, ["t2"]), ["t2", "t3", "t4"]);
    assert.deepEqual(rerunSet(tasks, ["t4", "t1"]), ["t1", "t4", "t5"]);
    assert.deepEqual(rerunSet(tasks, []), []);
  });
});

describe("planFork", () => {
  test("without edits every settled branch is kept and the fork goes on where the checkpoint was", () => {
    const state = settledRun();
    const plan = planFork(state, ["quality_validator"], "fork", { options: { ...options, quality_threshold: 0.1 }, tasks: state.task_queue, edited: [] }, new Map());
    assert.equal(plan.resume_after, "branch_merger");
    assert.deepEqual(plan.kept, ["t1", "t2", "t3", "t4"]);
    assert.deepEqual(plan.rerun, []);
    assert.equal(plan.values.workflow_id, "fork");
    assert.equal(plan.values.options.quality_threshold, 0.1);
    assert.deepEqual(plan.values.completed_branches, state.completed_branches);
    assert.deepEqual(plan.values.integration_result, state.integration_result);
  });

  test("an edit re-runs the task and its dependents from the earliest sync point among them, with the fork's agents", () => {
    const state = settledRun();
    const tasks = state.task_queue.map((t) => (t.id === "t2" ? { ...t, description: "again" } : t));
    const agents = new Map([["t2", { agent_id: "fork/t2", agent_type: "research" }], ["t3", { agent_id: "fork/t3", agent_type: "research" }], ["t4", { agent_id: "fork/t4", agent_type: "research" }]]);
    const plan = planFork(state, ["quality_validator"], "fork", { options, tasks, edited: ["t2"] }, agents);
    assert.equal(plan.resume_after, "load_balancer");
    assert.deepEqual(plan.kept, ["t1"]);
    assert.deepEqual(plan.rerun, ["t2", "t3", "t4"]);
    assert.deepEqual(Object.keys(plan.values.completed_branches), ["t1"]);
    assert.equal(plan.values.current_sync_index, 0);
    assert.equal(plan.values.round, 1);
    for (const id of ["t2", "t3", "t4"]) {
      assert.equal(plan.values.active_branches[id]!.status, "pending");
      assert.equal(plan.values.active_branches[id]!.agent.agent_id, `fork/${id}`);
    }
    assert.equal(plan.values.active_branches.t1!.agent.agent_id, "agent-t1", "a kept branch keeps its attribution");
    assert.equal(plan.values.task_queue[1]!.description, "again");
    assert.equal(plan.values.integration_result, null);
    assert.equal(plan.values.sync_status, null);
  });

  test("a branch not settled at the checkpoint works in the fork under the fork's agent", () => {
    const state = settledRun();
    state.active_branches.t4 = branch("t4", { sync_index: 1, status: "pending", attempts: 0 });
    delete state.completed_branches.t4;
    const plan = planFork(state, ["parallel_coordinator"], "fork", { options, tasks: state.task_queue, edited: [] }, new Map([["t4", { agent_id: "fork/t4", agent_type: "research" }]]));
    assert.equal(plan.resume_after, "load_balancer");
    assert.deepEqual(plan.kept, ["t1", "t2", "t3"]);
    assert.equal(plan.values.active_branches.t4!.agent.agent_id, "fork/t4");
  });

  test("a checkpoint after the run ended resumes after the final integrator", () => {
    const state = settledRun();
    assert.equal(planFork(state, [], "fork", { options, tasks: state.task_queue, edited: [] }, new Map()).resume_after, "final_integrator");
  });
});

describe("unforkable", () => {
  test("before the branches are planned there is nothing to keep", () => {
    assert.match(unforkable({}, ["task_analyzer"]) ?? "", /before the run planned its branches/);
    assert.match(unforkable(settledRun(), ["__start__"]) ?? "", /before the run planned/);
    assert.equal(unforkable(settledRun(), ["quality_validator"]), undefined);
    assert.equal(unforkable(settledRun(), ["research_branch_alpha", "research_branch_beta"]), undefined);
  });
});

describe("withSettledWrites", () => {
  test("results written in the superstep after a checkpoint count as settled there", () => {
    const state = settledRun();
    delete state.completed_branches.t4;
    const folded = withSettledWrites(state, [{ completed_branches: { t4: result("t4") } }, undefined]);
    assert.ok(folded.completed_branches.t4);
    assert.equal(withSettledWrites(state, [undefined]), state);
  });
});

describe("history", () => {
  const entry = (id: string): HistoryEntry => ({ checkpoint_id: id, step: Number(id), created_at: "", next: [], point: null, branches_settled: 0 });

  test("the pause is read from the checkpoint's interrupts, answered or not", () => {
    assert.equal(pauseAt({ tasks: [{ name: "quality_validator", interrupts: [{ value: { point: "quality" } }] }] }), "quality");
    assert.equal(pauseAt({ tasks: [{ name: "x", interrupts: [{ value: { point: "elsewhere" } }] }, { name: "y" }] }), null);
    const view = { checkpoint_id: "c", step: 3, created_at: "t", next: ["sync_point_manager"], values: settledRun(), tasks: [] };
    assert.equal(historyEntry(view).branches_settled, 4);
  });

  test("pages follow one another to the end, and an unknown cursor is refused", () => {
    const all = ["1", "2", "3", "4", "5"].map(entry);
    const first = historyPage(all, undefined, 2)!;
    assert.deepEqual(first.checkpoints.map((c) => c.checkpoint_id), ["1", "2"]);
    assert.equal(first.next_after, "2");
    const second = historyPage(all, first.next_after!, 2)!;
    assert.deepEqual(second.checkpoints.map((c) => c.checkpoint_id), ["3", "4"]);
    const last = historyPage(all, second.next_after!, 2)!;
    assert.deepEqual(last.checkpoints.map((c) => c.checkpoint_id), ["5"]);
    assert.equal(last.next_after, null);
    assert.equal(last.total, 5);
    assert.equal(historyPage(all, "nope"), undefined);
  });
});
