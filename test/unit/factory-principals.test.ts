/**
 * What one principal sees of another's through AgentFactory (templates, selection, outcomes, creations, agents)
 * and AgentStore (active agents, agent ids).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { openDatabase } from "../../src/storage/database.js";
import { AgentStore } from "../../src/storage/agent-store.js";
import type { AgentFactory } from "../../src/agents/factory.js";
import { UserError } from "../../src/errors.js";
import type { AgentSpecification } from "../../src/domain/agent-specification.js";
import { def, LIGHT, RESEARCH, recordOne, setup, specify } from "../helpers/agent-factory.js";

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
