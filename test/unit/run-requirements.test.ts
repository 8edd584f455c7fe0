import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { requirementsForTask, runAgentNeeds } from "../../src/agents/run-requirements.js";
import type { InputRef, Task } from "../../src/domain/task.js";

const input = (name: string, index = 0): InputRef => ({ kind: "inline", index, name, chars: 10 });

function task(id: string, overrides: Partial<Task> = {}): Task {
  return { id, type: "research", description: `task ${id}`, priority: "normal", depends_on: [], inputs: [], ...overrides };
}

describe("requirementsForTask", () => {
  test("a research task: research capability, focus, sources, fact checking, common targets", () => {
    const t = task("t1", { description: "Find the market size", focus: "market", inputs: [input("a.txt"), input("b.md", 1)] });
    assert.deepEqual(requirementsForTask(t, 0.85, 120), {
      task_description: "Find the market size",
      capabilities_needed: ["research"],
      domain: "market",
      detail_level: "standard",
      preferred_sources: ["a.txt", "b.md"],
      verify_facts: true,
      quality_requirement: 0.85,
      time_limit: 120,
    });
  });

  test("research detail level: comprehensive only above 0.7 complexity", () => {
    const level = (complexity?: number) => requirementsForTask(task("t", complexity === undefined ? {} : { complexity }), 0.8, 300).detail_level;
    assert.equal(level(0.71), "comprehensive");
    assert.equal(level(1), "comprehensive");
    assert.equal(level(0.7), "standard");
    assert.equal(level(0.2), "standard");
    assert.equal(level(undefined), "standard");
  });

  test("research domain defaults to general; no inputs -> no preferred sources", () => {
    const r = requirementsForTask(task("t"), 0.8, 300);
    assert.equal(r.domain, "general");
    assert.deepEqual(r.preferred_sources, []);
  });

  test("an analysis task: analysis capability, methodology, confidence 0.95", () => {
    const r = requirementsForTask(task("a1", { type: "analysis", description: "Compute stats", analysis_type: "trend" }), 0.75, 90);
    assert.deepEqual(r.capabilities_needed, ["analysis"]);
    assert.equal(r.task_description, "Compute stats");
    assert.equal(r.methodology, "trend");
    assert.equal(r.confidence_level, 0.95);
    assert.equal(r.quality_requirement, 0.75);
    assert.equal(r.time_limit, 90);
    assert.equal(r.domain, undefined);
    assert.equal(r.detail_level, undefined);
  });

  test("analysis methodology defaults to statistical", () => {
    assert.equal(requirementsForTask(task("a1", { type: "analysis" }), 0.8, 300).methodology, "statistical");
  });
});

describe("runAgentNeeds", () => {
  test("one need per task, in order, with its task id", () => {
    const needs = runAgentNeeds([task("t1"), task("t2", { type: "analysis" })], 0.8, 300);
    assert.deepEqual(needs.map((n) => [n.task_id, n.requirements.capabilities_needed]), [["t1", ["research"]], ["t2", ["analysis"]]]);
  });

  test("no coordination agent, whatever the number of tasks: one need per task", () => {
    for (const tasks of [[], [task("t1")], [task("t1"), task("t2")], [task("t1"), task("t2"), task("t3", { type: "analysis" })]]) {
      const needs = runAgentNeeds(tasks, 0.8, 300);
      assert.deepEqual(needs.map((n) => n.task_id), tasks.map((t) => t.id));
      assert.equal(needs.some((n) => n.requirements.capabilities_needed?.includes("coordination")), false);
    }
  });

  test("pinned tasks (agent_id) get no requirement", () => {
    const needs = runAgentNeeds([task("t1", { agent_id: "research_specialist-abc" }), task("t2")], 0.8, 300);
    assert.deepEqual(needs.map((n) => n.task_id), ["t2"]);
    const all = runAgentNeeds([task("t1", { agent_id: "x" }), task("t2", { agent_id: "y" })], 0.8, 300);
    assert.deepEqual(all, []);
  });
});
