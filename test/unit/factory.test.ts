import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { openDatabase } from "../../src/storage/database.js";
import { AgentStore } from "../../src/storage/agent-store.js";
import { TemplateStore } from "../../src/storage/template-store.js";
import { ResourcePool } from "../../src/agents/resource-pool.js";
import { AgentFactory, type Generated } from "../../src/agents/factory.js";
import { NoSuitableAgentError } from "../../src/agents/selection.js";
import { UserError } from "../../src/errors.js";
import { LOCAL_PRINCIPAL } from "../../src/sessions/client-sessions.js";
import { TemplateDefinitionSchema, type AgentSpecification, type TaskRequirements, type TemplateDefinition } from "../../src/domain/agent-specification.js";

async function setup() {
  const db = openDatabase(":memory:");
  const templates = new TemplateStore(db);
  const factory = await new AgentFactory(templates, new AgentStore(db), new ResourcePool({ cpu: 2, memory_mb: 1024 })).init();
  return { factory, templates };
}

const def = (input: Record<string, unknown>): TemplateDefinition => TemplateDefinitionSchema.parse({
  description: "A template", instructions: "Do the work.", capabilities: ["research"], ...input,
});
// efficiency 1 - (0.125/2 + 64/1024)/2 = 0.9375, vs research_specialist 1 - (0.25/2 + 128/1024)/2 = 0.875
const LIGHT = def({ agent_type: "light_researcher", resource_requirements: { cpu: 0.125, memory_mb: 64 } });
const L = LOCAL_PRINCIPAL;
/** specify from the templates the principal sees, as the tools and runs call it. */
const specify = async (factory: AgentFactory, req: TaskRequirements, context: Record<string, unknown> = {}, principal = L) =>
  factory.specify(req, context, await factory.listTemplates(principal));
type Owner = { principal: string; run_id: string | null; task_id: string | null; standalone: boolean };
/** Records one generated agent, as factory.record([...]) does for each. */
const recordOne = async (factory: AgentFactory, agent_id: string, generated: Generated, owner: Owner) => {
  const records = await factory.record([{ agent_id, generated, owner }]);
  assert.equal(records.length, 1);
  return records[0]!;
};
const RESEARCH = { task_description: "Find the market size", capabilities_needed: ["research" as const] };

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

describe("AgentFactory.record and pinnable", () => {
  test("record is idempotent per agent id and counts the creation once", async () => {
    const { factory } = await setup();
    const generated = await specify(factory, RESEARCH);
    const owner = { principal: L, run_id: null, task_id: null, standalone: true };
    const creations = async () => (await factory.listTemplates(L)).find((t) => t.agent_type === "research_specialist")!.creation_count;
    const first = await recordOne(factory, "agent-1", generated, owner);
    const second = await recordOne(factory, "agent-1", generated, owner);
    assert.equal(first.agent_id, "agent-1");
    assert.equal(first.status, "active");
    assert.equal(first.standalone, true);
    assert.deepEqual(first.specification, generated.specification);
    assert.deepEqual(second, first);
    assert.equal(await creations(), 1);
    await recordOne(factory, "agent-2", generated, owner);
    assert.equal(await creations(), 2);
    // several at once: the records in order, only the new one counted
    const records = await factory.record([{ agent_id: "agent-3", generated, owner }, { agent_id: "agent-1", generated, owner }]);
    assert.deepEqual(records.map((r) => r.agent_id), ["agent-3", "agent-1"]);
    assert.deepEqual(records[1], first);
    assert.equal(await creations(), 3);
  });

  test("newAgentId is prefixed with the type and unique", async () => {
    const { factory } = await setup();
    const a = factory.newAgentId("research_specialist");
    assert.match(a, /^research_specialist-[0-9a-f]{8}$/);
    assert.notEqual(a, factory.newAgentId("research_specialist"));
  });

  test("pinnable: an active standalone agent with the capability", async () => {
    const { factory } = await setup();
    const generated = await specify(factory, RESEARCH);
    await factory.record([
      { agent_id: "solo", generated, owner: { principal: L, run_id: null, task_id: null, standalone: true } },
      { agent_id: "run-agent", generated, owner: { principal: L, run_id: "run-1", task_id: "t1", standalone: false } },
    ]);
    assert.equal((await factory.pinnable("solo", "research", L)).agent_id, "solo");
    await assert.rejects(factory.pinnable("missing", "research", L), (e: unknown) => e instanceof UserError && /"missing" is not an active generated agent/.test(e.message));
    await assert.rejects(factory.pinnable("run-agent", "research", L), /not an active generated agent/);
    await assert.rejects(factory.pinnable("solo", "analysis", L), (e: unknown) => e instanceof UserError && /lacks the capability "analysis"/.test(e.message));
  });
});

describe("AgentFactory principals", () => {
  const A = "alice";
  const B = "bob";
  const registered = async (factory: AgentFactory, principal: string) => (await factory.listTemplates(principal)).filter((t) => !t.builtin).map((t) => t.agent_type);
  /** The error a call rejects with, to compare messages. */
  const failure = async (work: () => Promise<unknown>): Promise<UserError> => {
    try {
      await work();
    } catch (error) {
      assert.ok(error instanceof UserError, String(error));
      return error;
    }
    assert.fail("expected a UserError");
  };

  test("a template registered by A is not listed for, nor selected for, B; both list the built-ins", async () => {
    const { factory } = await setup();
    await factory.register(A, LIGHT, false);
    assert.deepEqual(await registered(factory, A), ["light_researcher"]);
    assert.deepEqual(await registered(factory, B), []);
    assert.equal((await factory.listTemplates(B)).length, 5);
    assert.equal((await specify(factory, RESEARCH, {}, A)).selection.chosen, "light_researcher");
    const { selection } = await specify(factory, RESEARCH, {}, B);
    assert.equal(selection.chosen, "research_specialist");
    assert.deepEqual(selection.candidates.map((c) => c.agent_type), ["research_specialist"]);
  });

  test("B registers the agent_type A has, as a new template with its own versions", async () => {
    const { factory } = await setup();
    await factory.register(A, LIGHT, false);
    assert.equal((await factory.register(A, LIGHT, true)).version, 2);
    assert.deepEqual(await factory.register(B, LIGHT, false), { agent_type: "light_researcher", version: 1, capabilities: ["research"], created: true });
    assert.equal((await factory.listTemplates(A)).find((t) => t.agent_type === "light_researcher")!.version, 2);
    await assert.rejects(factory.register(B, LIGHT, false), (e: unknown) => e instanceof UserError && /version 1/.test(e.message));
    await assert.rejects(factory.register(B, def({ agent_type: "research_specialist" }), true), (e: unknown) => e instanceof UserError && /built-in/.test(e.message));
  });

  test("an outcome of B's agent of a built-in type counts on the built-in and is in B's history, not A's", async () => {
    const { factory } = await setup();
    await factory.recordOutcome({ agent_type: "research_specialist", principal: B, agent_id: "b-agent", run_id: "run-b", branch_id: "b1", attempt: 1, success: false, quality: 0.3, seconds: 4 });
    for (const principal of [A, B]) {
      const t = (await factory.listTemplates(principal)).find((x) => x.agent_type === "research_specialist")!;
      assert.deepEqual([t.runs, t.successes], [1, 0], principal);
    }
    assert.deepEqual((await factory.history(B, "research_specialist")).map((r) => [r.agent_id, r.run_id, r.success]), [["b-agent", "run-b", false]]);
    assert.deepEqual(await factory.history(A, "research_specialist"), []);
  });

  test("failing outcomes of B's own template of a type do not demote A's template of that type", async () => {
    const { factory } = await setup();
    await factory.register(A, LIGHT, false);
    await factory.register(B, LIGHT, false);
    for (const attempt of [1, 2, 3]) {
      await factory.recordOutcome({
        agent_type: "light_researcher", principal: B, agent_id: "b-light", run_id: "run-b", branch_id: "b1", attempt, success: false, quality: 0.1, seconds: 5,
      });
    }
    assert.equal((await specify(factory, RESEARCH, {}, A)).selection.chosen, "light_researcher");
    assert.equal((await specify(factory, RESEARCH, {}, B)).selection.chosen, "research_specialist");
    assert.deepEqual(await factory.history(A, "light_researcher"), []);
    assert.equal((await factory.history(B, "light_researcher")).length, 3);
  });

  test("record counts a creation on the template the principal sees", async () => {
    const { factory } = await setup();
    await factory.register(A, LIGHT, false);
    await factory.register(B, LIGHT, false);
    const generated = await specify(factory, RESEARCH, {}, B);
    assert.equal(generated.specification.agent_type, "light_researcher");
    await recordOne(factory, "b-light", generated, { principal: B, run_id: null, task_id: null, standalone: true });
    const count = async (principal: string) => (await factory.listTemplates(principal)).find((t) => t.agent_type === "light_researcher")!.creation_count;
    assert.equal(await count(B), 1);
    assert.equal(await count(A), 0);
  });

  test("A's agent is to B what an unknown agent id is: pinnable and requireAgent throw the same message", async () => {
    const { factory } = await setup();
    const generated = await specify(factory, RESEARCH, {}, A);
    await recordOne(factory, "a-solo", generated, { principal: A, run_id: null, task_id: null, standalone: true });
    assert.equal((await factory.pinnable("a-solo", "research", A)).agent_id, "a-solo");
    assert.equal((await factory.requireAgent("a-solo", A)).principal, A);
    // the messages for an id that does not exist at all
    const unknown = (await setup()).factory;
    const unknownPin = (await failure(() => unknown.pinnable("a-solo", "research", B))).message;
    const unknownRequire = (await failure(() => unknown.requireAgent("a-solo", B))).message;
    assert.match(unknownPin, /"a-solo" is not an active generated agent/);
    assert.match(unknownRequire, /unknown agent_id "a-solo"/);
    assert.equal((await failure(() => factory.pinnable("a-solo", "research", B))).message, unknownPin);
    // a capability A's agent lacks is not revealed to B either
    assert.equal((await failure(() => factory.pinnable("a-solo", "analysis", B))).message, unknownPin);
    assert.equal((await failure(() => factory.requireAgent("a-solo", B))).message, unknownRequire);
    assert.equal((await failure(() => factory.requireAgent("missing", A))).message, `unknown agent_id "missing"; see orchestrator://agents/active`);
  });
});

describe("AgentStore principals", () => {
  test("active(principal) lists only that principal's active agents; active() every one", () => {
    const db = openDatabase(":memory:");
    const store = new AgentStore(db);
    const specification = { agent_type: "research_specialist" } as unknown as AgentSpecification;
    const add = (agent_id: string, principal: string, run_id: string | null = null) => {
      const [record] = store.record([{ agent_id, principal, agent_type: "research_specialist", run_id, task_id: null, standalone: run_id === null, specification }]);
      assert.deepEqual([record!.agent_id, record!.principal, record!.run_id], [agent_id, principal, run_id], "a new id: stored as given");
    };
    add("a1", "a");
    add("a-run", "a", "run-a");
    add("b1", "b");
    add("b-gone", "b");
    store.retire("b-gone");
    assert.deepEqual(store.active("b").map((r) => r.agent_id), ["b1"]);
    assert.deepEqual(store.active("a").map((r) => r.agent_id).sort(), ["a-run", "a1"]);
    assert.deepEqual(store.active("nobody"), []);
    assert.deepEqual(store.active().map((r) => r.agent_id).sort(), ["a-run", "a1", "b1"]);
    assert.equal(store.get("a1")!.principal, "a");
    const [taken] = store.record([{ agent_id: "a1", principal: "b", agent_type: "research_specialist", run_id: null, task_id: null, standalone: true, specification }]);
    assert.equal(taken!.principal, "a", "an id is taken across principals");
    assert.equal(store.get("a1")!.principal, "a");
  });
});
