import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { analyzeCapabilities, estimateResources, performanceTargets } from "../../src/agents/capability-analysis.js";

describe("analyzeCapabilities", () => {
  test("explicit capabilities win over the description, deduplicated in order", () => {
    assert.deepEqual(
      analyzeCapabilities({ task_description: "Summarize and verify the data", capabilities_needed: ["validation", "research", "validation"] }),
      ["validation", "research"],
    );
  });

  test("an empty explicit list falls back to the description", () => {
    assert.deepEqual(analyzeCapabilities({ task_description: "Analyze the sales data trend", capabilities_needed: [] }), ["analysis"]);
  });

  test("inferred from the description's words", () => {
    assert.deepEqual(analyzeCapabilities({ task_description: "Analyze the sales data trend" }), ["analysis"]);
    assert.deepEqual(analyzeCapabilities({ task_description: "Summarize and verify the results" }), ["synthesis", "validation"]);
    assert.deepEqual(analyzeCapabilities({ task_description: "Investigate competitors" }), ["research"]);
    assert.deepEqual(analyzeCapabilities({ task_description: "MONITOR the queue" }), ["monitoring"]);
    assert.deepEqual(analyzeCapabilities({ task_description: "Coordinate the team" }), ["coordination"]);
    assert.deepEqual(
      analyzeCapabilities({ task_description: "Research the market, compute statistics and write a report" }),
      ["research", "analysis", "synthesis"],
    );
  });

  test("words are matched at their start, not inside other words", () => {
    // "metadata" contains "data" but not at a word start; "recheck" contains "check"
    assert.deepEqual(analyzeCapabilities({ task_description: "Tell me about metadata recheck" }), ["research"]);
  });

  test("nothing matching -> research", () => {
    assert.deepEqual(analyzeCapabilities({ task_description: "Tell me about penguins" }), ["research"]);
  });
});

describe("estimateResources", () => {
  test("the maximum over the needed capabilities at standard detail", () => {
    assert.deepEqual(estimateResources(["research"]), { cpu: 0.25, memory_mb: 128 });
    assert.deepEqual(estimateResources(["research", "analysis"]), { cpu: 0.5, memory_mb: 256 });
    assert.deepEqual(estimateResources(["monitoring", "coordination"], "standard"), { cpu: 0.1, memory_mb: 64 });
  });

  test("scaled by detail level: brief 0.5, comprehensive 1.5", () => {
    assert.deepEqual(estimateResources(["research"], "brief"), { cpu: 0.125, memory_mb: 64 });
    assert.deepEqual(estimateResources(["analysis", "synthesis"], "brief"), { cpu: 0.25, memory_mb: 128 });
    assert.deepEqual(estimateResources(["analysis", "synthesis"], "comprehensive"), { cpu: 0.75, memory_mb: 384 });
    assert.deepEqual(estimateResources(["coordination"], "comprehensive"), { cpu: 0.15, memory_mb: 96 });
  });
});

describe("performanceTargets", () => {
  test("defaults", () => {
    assert.deepEqual(performanceTargets({}), { quality: 0.8, response_time_seconds: 300, success_rate: 0.9 });
  });

  test("overrides", () => {
    assert.deepEqual(performanceTargets({ quality_requirement: 0.95, time_limit: 60 }), { quality: 0.95, response_time_seconds: 60, success_rate: 0.9 });
    assert.deepEqual(performanceTargets({ quality_requirement: 0 }), { quality: 0, response_time_seconds: 300, success_rate: 0.9 });
  });
});
