/**
 * AgentFactory's templates: registering one (built-in names, versions, resource limits) and choosing among them
 * for a task (specify: scores, the specification's fields, no suitable template, outcomes demoting a template).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { NoSuitableAgentError } from "../../src/agents/selection.js";
import { UserError } from "../../src/errors.js";
import { def, L, LIGHT, RESEARCH, setup, specify } from "../helpers/agent-factory.js";

describe("AgentFactory.register", () => {
  test("the five built-ins are present", async () => {
    const { factory } = await setup();
    assert.deepEqual((await factory.listTemplates(L)).map((t) => t.agent_type).sort(), [
      "analysis_specialist", "coordination_specialist", "research_specialist", "synthesis_specialist", "validation_specialist",
    ]);
  });

  test("a built-in name is refused", async () => {
    const { factory } = await setup();
    await assert.rejects(factory.register(L, def({ agent_type: "research_specialist" }), true), (e: unknown) => e instanceof UserError && /built-in/.test(e.message));
  });

  test("an existing type without replace is refused, naming the version and replace: true", async () => {
    const { factory } = await setup();
    await factory.register(L, LIGHT, false);
    await factory.register(L, LIGHT, true);
    await assert.rejects(factory.register(L, LIGHT, false), (e: unknown) => {
      assert.ok(e instanceof UserError);
      assert.match(e.message, /version 2/);
      assert.match(e.message, /replace: true/);
      return true;
    });
  });

  test("templates may prefer any executor, and their agents' specifications carry it", async () => {
    const { factory } = await setup();
    await factory.register(L, def({ agent_type: "sampler", executor: "sampling" }), false);
    const stored = (await factory.listTemplates(L)).find((t) => t.agent_type === "sampler")!;
    assert.equal(stored.executor, "sampling");
  });

  test("resource needs over the pool's whole capacity are refused", async () => {
    const { factory } = await setup();
    await assert.rejects(factory.register(L, def({ agent_type: "big_cpu", resource_requirements: { cpu: 4 } }), false), (e: unknown) => {
      assert.ok(e instanceof UserError);
      assert.match(e.message, /cpu 4/);
      assert.match(e.message, /cpu 2, 1024 MB/);
      return true;
    });
    await assert.rejects(factory.register(L, def({ agent_type: "big_mem", resource_requirements: { memory_mb: 2048 } }), false), UserError);
    assert.equal((await factory.listTemplates(L)).length, 5);
  });

  test("register, then replace bumps the version with created false", async () => {
    const { factory } = await setup();
    assert.deepEqual(await factory.register(L, LIGHT, false), { agent_type: "light_researcher", version: 1, capabilities: ["research"], created: true });
    const v2 = def({ agent_type: "light_researcher", capabilities: ["research", "validation"], description: "v2" });
    assert.deepEqual(await factory.register(L, v2, true), { agent_type: "light_researcher", version: 2, capabilities: ["research", "validation"], created: false });
    const stored = (await factory.listTemplates(L)).find((t) => t.agent_type === "light_researcher")!;
    assert.equal(stored.version, 2);
    assert.equal(stored.description, "v2");
    // unspecified resources come from the capabilities' estimate: max(research, validation) = {0.25, 128}
    assert.deepEqual(stored.resource_requirements, { cpu: 0.25, memory_mb: 128 });
  });
});

describe("AgentFactory.specify", () => {
  test("picks a registered lighter research template and returns every candidate", async () => {
    const { factory } = await setup();
    await factory.register(L, LIGHT, false);
    const { selection } = await specify(factory, RESEARCH);
    assert.equal(selection.chosen, "light_researcher");
    assert.deepEqual(selection.needed, ["research"]);
    assert.deepEqual(selection.candidates, [
      { agent_type: "light_researcher", score: 0.9875, capability_match: 1, performance_score: 1, resource_efficiency: 0.9375 },
      { agent_type: "research_specialist", score: 0.975, capability_match: 1, performance_score: 1, resource_efficiency: 0.875 },
    ]);
  });

  test("the specification has the contract's fields", async () => {
    const { factory } = await setup();
    const { specification: s } = await specify(factory, { ...RESEARCH, domain: "market", quality_requirement: 0.9, time_limit: 60 }, { customer: "acme" });
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

  test("comprehensive detail raises the resources to the estimate", async () => {
    const { factory } = await setup();
    // research estimate x 1.5 = {0.375, 192}, above research_specialist's {0.25, 128}
    const { specification } = await specify(factory, { ...RESEARCH, detail_level: "comprehensive" });
    assert.deepEqual(specification.resource_requirements, { cpu: 0.375, memory_mb: 192 });
    assert.equal(specification.specialization_parameters.depth_level, "comprehensive");
  });

  test("capabilities inferred from the description pick the matching built-in", async () => {
    const { factory } = await setup();
    assert.equal((await specify(factory, { task_description: "Analyze the sales data trend" })).selection.chosen, "analysis_specialist");
  });

  test("no template covering every needed capability is a NoSuitableAgentError naming them and the types", async () => {
    const { factory } = await setup();
    const templates = await factory.listTemplates(L);
    // specify itself is synchronous: it throws
    assert.throws(() => factory.specify({ task_description: "x", capabilities_needed: ["research", "analysis"] }, {}, templates), (e: unknown) => {
      assert.ok(e instanceof NoSuitableAgentError);
      assert.match(e.message, /research, analysis/);
      assert.match(e.message, /research_specialist/);
      assert.match(e.message, /coordination_specialist/);
      return true;
    });
  });

  test("after failing outcomes the registered template loses to research_specialist", async () => {
    const { factory } = await setup();
    await factory.register(L, LIGHT, false);
    const outcomes = [true, false, false, false];
    for (const [i, success] of outcomes.entries()) {
      await factory.recordOutcome({
        agent_type: "light_researcher", principal: L, agent_id: "light_researcher-1", run_id: "run-1", branch_id: "b1", attempt: i + 1, success, quality: 0.5, seconds: 5,
      });
    }
    const { selection } = await specify(factory, RESEARCH);
    assert.equal(selection.chosen, "research_specialist");
    // success rate 1/4: 0.4 + 0.1 + 0.2 x 0.9375 = 0.6875
    assert.deepEqual(selection.candidates.map((c) => [c.agent_type, c.score, c.performance_score]), [
      ["research_specialist", 0.975, 1], ["light_researcher", 0.6875, 0.25],
    ]);
  });
});
