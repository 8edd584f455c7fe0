import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { openDatabase } from "../../src/storage/database.js";
import { AgentStore } from "../../src/storage/agent-store.js";
import { TemplateStore } from "../../src/storage/template-store.js";
import { ResourcePool } from "../../src/agents/resource-pool.js";
import { AgentFactory } from "../../src/agents/factory.js";
import { NoSuitableAgentError } from "../../src/agents/selection.js";
import { UserError } from "../../src/errors.js";
import { TemplateDefinitionSchema, type TemplateDefinition } from "../../src/agents/specification.js";

function setup() {
  const db = openDatabase(":memory:");
  const templates = new TemplateStore(db);
  const factory = new AgentFactory(templates, new AgentStore(db), new ResourcePool({ cpu: 2, memory_mb: 1024 }));
  return { factory, templates };
}

const def = (input: Record<string, unknown>): TemplateDefinition => TemplateDefinitionSchema.parse({
  description: "A template", instructions: "Do the work.", capabilities: ["research"], ...input,
});
// efficiency 1 - (0.125/2 + 64/1024)/2 = 0.9375, vs research_specialist 1 - (0.25/2 + 128/1024)/2 = 0.875
const LIGHT = def({ agent_type: "light_researcher", resource_requirements: { cpu: 0.125, memory_mb: 64 } });
const RESEARCH = { task_description: "Find the market size", capabilities_needed: ["research" as const] };

describe("AgentFactory.register", () => {
  test("the five built-ins are present", () => {
    const { factory } = setup();
    assert.deepEqual(factory.listTemplates().map((t) => t.agent_type).sort(), [
      "analysis_specialist", "coordination_specialist", "research_specialist", "synthesis_specialist", "validation_specialist",
    ]);
  });

  test("a built-in name is refused", () => {
    const { factory } = setup();
    assert.throws(() => factory.register(def({ agent_type: "research_specialist" }), true), (e: unknown) => e instanceof UserError && /built-in/.test(e.message));
  });

  test("an existing type without replace is refused, naming the version and replace: true", () => {
    const { factory } = setup();
    factory.register(LIGHT, false);
    factory.register(LIGHT, true);
    assert.throws(() => factory.register(LIGHT, false), (e: unknown) => {
      assert.ok(e instanceof UserError);
      assert.match(e.message, /version 2/);
      assert.match(e.message, /replace: true/);
      return true;
    });
  });

  test("templates may prefer any executor, and their agents' specifications carry it", () => {
    const { factory } = setup();
    factory.register(def({ agent_type: "sampler", executor: "sampling" }), false);
    const stored = factory.listTemplates().find((t) => t.agent_type === "sampler")!;
    assert.equal(stored.executor, "sampling");
  });

  test("resource needs over the pool's whole capacity are refused", () => {
    const { factory } = setup();
    assert.throws(() => factory.register(def({ agent_type: "big_cpu", resource_requirements: { cpu: 4 } }), false), (e: unknown) => {
      assert.ok(e instanceof UserError);
      assert.match(e.message, /cpu 4/);
      assert.match(e.message, /cpu 2, 1024 MB/);
      return true;
    });
    assert.throws(() => factory.register(def({ agent_type: "big_mem", resource_requirements: { memory_mb: 2048 } }), false), UserError);
    assert.equal(factory.listTemplates().length, 5);
  });

  test("register, then replace bumps the version with created false", () => {
    const { factory } = setup();
    assert.deepEqual(factory.register(LIGHT, false), { agent_type: "light_researcher", version: 1, capabilities: ["research"], created: true });
    const v2 = def({ agent_type: "light_researcher", capabilities: ["research", "validation"], description: "v2" });
    assert.deepEqual(factory.register(v2, true), { agent_type: "light_researcher", version: 2, capabilities: ["research", "validation"], created: false });
    const stored = factory.listTemplates().find((t) => t.agent_type === "light_researcher")!;
    assert.equal(stored.version, 2);
    assert.equal(stored.description, "v2");
    // unspecified resources come from the capabilities' estimate: max(research, validation) = {0.25, 128}
    assert.deepEqual(stored.resource_requirements, { cpu: 0.25, memory_mb: 128 });
  });
});

describe("AgentFactory.specify", () => {
  test("picks a registered lighter research template and returns every candidate", () => {
    const { factory } = setup();
    factory.register(LIGHT, false);
    const { selection } = factory.specify(RESEARCH);
    assert.equal(selection.chosen, "light_researcher");
    assert.deepEqual(selection.needed, ["research"]);
    assert.deepEqual(selection.candidates, [
      { agent_type: "light_researcher", score: 0.9875, capability_match: 1, performance_score: 1, resource_efficiency: 0.9375 },
      { agent_type: "research_specialist", score: 0.975, capability_match: 1, performance_score: 1, resource_efficiency: 0.875 },
    ]);
  });

  test("the specification has the contract's fields", () => {
    const { factory } = setup();
    const { specification: s } = factory.specify({ ...RESEARCH, domain: "market", quality_requirement: 0.9, time_limit: 60 }, { customer: "acme" });
    for (const key of ["agent_type", "capabilities", "resource_requirements", "performance_targets", "specialization_parameters",
      "max_concurrent_tasks", "timeout_seconds", "retry_attempts", "quality_thresholds", "monitoring_enabled"]) {
      assert.ok(key in s, `missing ${key}`);
    }
    assert.equal(s.agent_type, "research_specialist");
    assert.deepEqual(s.capabilities, ["research"]);
    assert.deepEqual(s.resource_requirements, { cpu: 0.25, memory_mb: 128 });
    assert.deepEqual(s.performance_targets, { quality: 0.9, response_time_seconds: 60, success_rate: 0.9 });
    assert.equal(s.specialization_parameters.research_focus, "market");
    assert.equal(s.specialization_parameters.quality_threshold, 0.9);
    assert.deepEqual(s.specialization_parameters.task_context, { customer: "acme" });
    assert.equal(s.max_concurrent_tasks, 3);
    assert.equal(s.timeout_seconds, 60); // min(template 300, time limit 60)
    assert.equal(s.retry_attempts, 2);
    assert.deepEqual(s.quality_thresholds, { minimum: 0.675, target: 0.9 });
    assert.equal(s.monitoring_enabled, true);
    assert.equal(s.executor, "builtin");
    assert.equal(s.template_version, 1);
  });

  test("comprehensive detail raises the resources to the estimate", () => {
    const { factory } = setup();
    // research estimate x 1.5 = {0.375, 192}, above research_specialist's {0.25, 128}
    const { specification } = factory.specify({ ...RESEARCH, detail_level: "comprehensive" });
    assert.deepEqual(specification.resource_requirements, { cpu: 0.375, memory_mb: 192 });
    assert.equal(specification.specialization_parameters.depth_level, "comprehensive");
  });

  test("capabilities inferred from the description pick the matching built-in", () => {
    const { factory } = setup();
    assert.equal(factory.specify({ task_description: "Analyze the sales data trend" }).selection.chosen, "analysis_specialist");
  });

  test("no template covering every needed capability is a NoSuitableAgentError naming them and the types", () => {
    const { factory } = setup();
    assert.throws(() => factory.specify({ task_description: "x", capabilities_needed: ["research", "analysis"] }), (e: unknown) => {
      assert.ok(e instanceof NoSuitableAgentError);
      assert.match(e.message, /research, analysis/);
      assert.match(e.message, /research_specialist/);
      assert.match(e.message, /coordination_specialist/);
      return true;
    });
  });

  test("after failing outcomes the registered template loses to research_specialist", () => {
    const { factory } = setup();
    factory.register(LIGHT, false);
    const outcomes = [true, false, false, false];
    outcomes.forEach((success, i) => factory.recordOutcome({
      agent_type: "light_researcher", agent_id: "light_researcher-1", run_id: "run-1", branch_id: "b1", attempt: i + 1, success, quality: 0.5, seconds: 5,
    }));
    const { selection } = factory.specify(RESEARCH);
    assert.equal(selection.chosen, "research_specialist");
    // success rate 1/4: 0.4 + 0.1 + 0.2 x 0.9375 = 0.6875
    assert.deepEqual(selection.candidates.map((c) => [c.agent_type, c.score, c.performance_score]), [
      ["research_specialist", 0.975, 1], ["light_researcher", 0.6875, 0.25],
    ]);
  });
});

describe("AgentFactory.record and pinnable", () => {
  test("record is idempotent per agent id and counts the creation once", () => {
    const { factory } = setup();
    const generated = factory.specify(RESEARCH);
    const owner = { run_id: null, task_id: null, standalone: true };
    const first = factory.record("agent-1", generated, owner);
    const second = factory.record("agent-1", generated, owner);
    assert.equal(first.agent_id, "agent-1");
    assert.equal(first.status, "active");
    assert.equal(first.standalone, true);
    assert.deepEqual(first.specification, generated.specification);
    assert.deepEqual(second, first);
    assert.equal(factory.listTemplates().find((t) => t.agent_type === "research_specialist")!.creation_count, 1);
    factory.record("agent-2", generated, owner);
    assert.equal(factory.listTemplates().find((t) => t.agent_type === "research_specialist")!.creation_count, 2);
  });

  test("newAgentId is prefixed with the type and unique", () => {
    const { factory } = setup();
    const a = factory.newAgentId("research_specialist");
    assert.match(a, /^research_specialist-[0-9a-f]{8}$/);
    assert.notEqual(a, factory.newAgentId("research_specialist"));
  });

  test("pinnable: an active standalone agent with the capability", () => {
    const { factory } = setup();
    const generated = factory.specify(RESEARCH);
    factory.record("solo", generated, { run_id: null, task_id: null, standalone: true });
    factory.record("run-agent", generated, { run_id: "run-1", task_id: "t1", standalone: false });
    assert.equal(factory.pinnable("solo", "research").agent_id, "solo");
    assert.throws(() => factory.pinnable("missing", "research"), (e: unknown) => e instanceof UserError && /"missing" is not an active generated agent/.test(e.message));
    assert.throws(() => factory.pinnable("run-agent", "research"), /not an active generated agent/);
    assert.throws(() => factory.pinnable("solo", "analysis"), (e: unknown) => e instanceof UserError && /lacks the capability "analysis"/.test(e.message));
  });
});
