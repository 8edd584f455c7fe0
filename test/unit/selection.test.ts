import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { NoSuitableAgentError, resourceEfficiency, scoreTemplate, selectTemplate } from "../../src/agents/selection.js";
import type { AgentTemplate, Capability, Resources } from "../../src/domain/agent-specification.js";

const CAPACITY: Resources = { cpu: 2, memory_mb: 1024 };

function template(agent_type: string, capabilities: Capability[], overrides: Partial<AgentTemplate> = {}): AgentTemplate {
  return {
    agent_type, description: `${agent_type} template`, capabilities, instructions: "do it", executor: "builtin",
    resource_requirements: { cpu: 0.5, memory_mb: 256 }, default_parameters: {},
    max_concurrent_tasks: 3, timeout_seconds: 300, retry_attempts: 2,
    version: 1, builtin: false, creation_count: 0, runs: 0, successes: 0, success_rate: 1, mean_quality: null, mean_seconds: null,
    ...overrides,
  };
}

describe("resourceEfficiency", () => {
  test("is 1 minus the mean share of cpu and memory", () => {
    // (0.5/2 + 256/1024) / 2 = (0.25 + 0.25) / 2 = 0.25 -> 0.75
    assert.equal(resourceEfficiency({ cpu: 0.5, memory_mb: 256 }, CAPACITY), 0.75);
    // (1/2 + 128/1024) / 2 = (0.5 + 0.125) / 2 = 0.3125 -> 0.6875
    assert.equal(resourceEfficiency({ cpu: 1, memory_mb: 128 }, CAPACITY), 0.6875);
    assert.equal(resourceEfficiency({ cpu: 0, memory_mb: 0 }, CAPACITY), 1);
  });

  test("caps each share at 1", () => {
    // cpu share min(1, 4/2) = 1, memory 512/1024 = 0.5 -> 1 - 0.75 = 0.25
    assert.equal(resourceEfficiency({ cpu: 4, memory_mb: 512 }, CAPACITY), 0.25);
    assert.equal(resourceEfficiency({ cpu: 10, memory_mb: 10_000 }, CAPACITY), 0);
  });
});

describe("scoreTemplate", () => {
  test("exact single capability, trusted, mid-weight: 0.4 + 0.4 + 0.2 x 0.75 = 0.95", () => {
    const s = scoreTemplate(template("r", ["research"]), ["research"], CAPACITY);
    assert.deepEqual(s, { agent_type: "r", score: 0.95, capability_match: 1, performance_score: 1, resource_efficiency: 0.75 });
  });

  test("needed [research] vs [research, validation]: match 0.5", () => {
    // 0.4 x 0.5 + 0.4 x 1 + 0.2 x 0.75 = 0.2 + 0.4 + 0.15 = 0.75
    const s = scoreTemplate(template("rv", ["research", "validation"]), ["research"], CAPACITY);
    assert.equal(s.capability_match, 0.5);
    assert.equal(s.score, 0.75);
  });

  test("success rate and efficiency weigh in", () => {
    // match 2/4 = 0.5; perf 0.5; efficiency 1 - (0.5 + 0.25)/2 = 0.625
    // 0.2 + 0.2 + 0.125 = 0.525
    const t = template("multi", ["research", "analysis", "synthesis", "validation"], {
      success_rate: 0.5, resource_requirements: { cpu: 1, memory_mb: 256 },
    });
    const s = scoreTemplate(t, ["research", "analysis"], CAPACITY);
    assert.deepEqual(s, { agent_type: "multi", score: 0.525, capability_match: 0.5, performance_score: 0.5, resource_efficiency: 0.625 });
  });

  test("three of three needed, failing template", () => {
    // match 1; perf 0; efficiency 1 - (0.125 + 0.125)/2 = 0.875 -> 0.4 + 0 + 0.175 = 0.575
    const t = template("trio", ["research", "analysis", "synthesis"], { success_rate: 0, resource_requirements: { cpu: 0.25, memory_mb: 128 } });
    assert.equal(scoreTemplate(t, ["synthesis", "analysis", "research"], CAPACITY).score, 0.575);
  });
});

describe("selectTemplate", () => {
  test("only templates covering every needed capability are candidates", () => {
    const templates = [
      template("only_research", ["research"]),
      template("only_validation", ["validation"]),
      template("both", ["research", "validation"]),
      template("three", ["research", "validation", "synthesis"]),
    ];
    const sel = selectTemplate(templates, ["research", "validation"], CAPACITY);
    assert.deepEqual(sel.candidates.map((c) => c.agent_type), ["both", "three"]);
    assert.equal(sel.chosen, "both");
    assert.deepEqual(sel.needed, ["research", "validation"]);
  });

  test("best first, with every candidate's breakdown", () => {
    const templates = [
      template("broad", ["research", "analysis"]), // 0.2 + 0.4 + 0.15 = 0.75
      template("narrow", ["research"]), // 0.95
      template("shaky", ["research"], { success_rate: 0.25 }), // 0.4 + 0.1 + 0.15 = 0.65
      template("other", ["synthesis"]),
    ];
    const sel = selectTemplate(templates, ["research"], CAPACITY);
    assert.equal(sel.chosen, "narrow");
    assert.deepEqual(sel.candidates, [
      { agent_type: "narrow", score: 0.95, capability_match: 1, performance_score: 1, resource_efficiency: 0.75 },
      { agent_type: "broad", score: 0.75, capability_match: 0.5, performance_score: 1, resource_efficiency: 0.75 },
      { agent_type: "shaky", score: 0.65, capability_match: 1, performance_score: 0.25, resource_efficiency: 0.75 },
    ]);
  });

  test("equal score: the lighter template wins, whatever the input order and name", () => {
    // heavy: match 1, perf 0.5, eff 1 - (0.5 + 0.5)/2 = 0.5    -> 0.4 + 0.2 + 0.1 = 0.7
    // light: match 0.5, perf 0.875, eff 0.75                    -> 0.2 + 0.35 + 0.15 = 0.7
    const heavy = template("a_heavy", ["research"], { success_rate: 0.5, resource_requirements: { cpu: 1, memory_mb: 512 } });
    const light = template("z_light", ["research", "validation"], { success_rate: 0.875 });
    for (const input of [[heavy, light], [light, heavy]]) {
      const sel = selectTemplate(input, ["research"], CAPACITY);
      assert.equal(sel.candidates[0]!.score, sel.candidates[1]!.score);
      assert.equal(sel.candidates[0]!.score, 0.7);
      assert.deepEqual(sel.candidates.map((c) => c.agent_type), ["z_light", "a_heavy"]);
      assert.equal(sel.chosen, "z_light");
    }
  });

  test("equal score and weight: alphabetical agent type, whatever the input order", () => {
    const names = ["mike", "alpha", "zulu", "bravo"];
    const templates = names.map((n) => template(n, ["analysis"]));
    const forward = selectTemplate(templates, ["analysis"], CAPACITY);
    const backward = selectTemplate([...templates].reverse(), ["analysis"], CAPACITY);
    assert.deepEqual(forward.candidates.map((c) => c.agent_type), ["alpha", "bravo", "mike", "zulu"]);
    assert.deepEqual(backward, forward);
    assert.equal(forward.chosen, "alpha");
  });

  test("a template needing more than the whole capacity is not a candidate", () => {
    const templates = [
      template("giant", ["research"], { resource_requirements: { cpu: 4, memory_mb: 128 } }),
      template("memory_hog", ["research"], { resource_requirements: { cpu: 0.1, memory_mb: 2048 } }),
      template("exact_fit", ["research", "analysis"], { resource_requirements: { cpu: 2, memory_mb: 1024 } }),
    ];
    const sel = selectTemplate(templates, ["research"], CAPACITY);
    assert.deepEqual(sel.candidates.map((c) => c.agent_type), ["exact_fit"]);
    // exact fit: 0.2 + 0.4 + 0 = 0.6
    assert.equal(sel.candidates[0]!.score, 0.6);
  });

  test("a less successful template loses to an equal healthier one", () => {
    const healthy = template("zz_healthy", ["analysis"], { success_rate: 0.9 });
    const sick = template("aa_sick", ["analysis"], { success_rate: 0.6 });
    const sel = selectTemplate([sick, healthy], ["analysis"], CAPACITY);
    assert.equal(sel.chosen, "zz_healthy");
    // 0.4 + 0.36 + 0.15 = 0.91 vs 0.4 + 0.24 + 0.15 = 0.79
    assert.deepEqual(sel.candidates.map((c) => c.score), [0.91, 0.79]);
  });

  test("no covering template: NoSuitableAgentError naming the capabilities and the registered types", () => {
    const templates = [template("research_specialist", ["research"]), template("analysis_specialist", ["analysis"])];
    assert.throws(() => selectTemplate(templates, ["research", "validation"], CAPACITY), (error: unknown) => {
      assert.ok(error instanceof NoSuitableAgentError);
      const m = (error as Error).message;
      assert.match(m, /research, validation/);
      assert.match(m, /research_specialist/);
      assert.match(m, /analysis_specialist/);
      return true;
    });
  });

  test("covering templates all too big: NoSuitableAgentError naming the capacity", () => {
    const templates = [template("giant", ["synthesis"], { resource_requirements: { cpu: 3, memory_mb: 100 } })];
    assert.throws(() => selectTemplate(templates, ["synthesis"], CAPACITY), (error: unknown) => {
      assert.ok(error instanceof NoSuitableAgentError);
      const m = (error as Error).message;
      assert.match(m, /giant/);
      assert.match(m, /cpu 2/);
      assert.match(m, /1024 MB/);
      return true;
    });
  });
});
