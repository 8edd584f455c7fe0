import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { openDatabase } from "../../src/storage/database.js";
import { AgentStore } from "../../src/storage/agent-store.js";
import { TemplateStore } from "../../src/storage/template-store.js";
import { ResourcePool } from "../../src/agents/resource-pool.js";
import { AgentAllocations } from "../../src/agents/agent-allocations.js";
import { AgentFactory } from "../../src/agents/factory.js";
import { createRunAgents } from "../../src/agents/run-agents.js";
import { UserError } from "../../src/errors.js";
import type { Task } from "../../src/domain/task.js";
import type { Logger } from "../../src/log.js";
import { options } from "../helpers/state-factories.js";
import { LIGHT } from "../helpers/agent-factory.js";

const silent: Logger = { debug() {}, info() {}, warning() {}, error() {} };
const task = (id: string, overrides: Partial<Task> = {}): Task => ({ id, type: "research", description: "Find the market size", priority: "normal", depends_on: [], inputs: [], ...overrides });

async function setup() {
  const db = openDatabase(":memory:");
  const agents = new AgentStore(db);
  const templates = new TemplateStore(db);
  const pool = new ResourcePool({ cpu: 2, memory_mb: 1024 });
  const factory = await new AgentFactory(templates, agents, pool).init();
  const owners = new Map([["run-a", "a"], ["run-b", "b"]]);
  const runAgents = createRunAgents(factory, new AgentAllocations(agents, pool, silent), agents, async (runId) => owners.get(runId) ?? "");
  return { factory, agents, templates, runAgents };
}

describe("createRunAgents principals", () => {
  test("a run's agents are its principal's, chosen from the templates that principal sees", async () => {
    const { factory, agents, runAgents } = await setup();
    await factory.register("a", LIGHT, false);
    const planA = await runAgents.planRun("run-a", [task("t1")], options);
    const planB = await runAgents.planRun("run-b", [task("t1")], options);
    assert.equal(planA[0]!.agent.agent_type, "light_researcher");
    assert.equal(planB[0]!.agent.agent_type, "research_specialist");
    assert.equal(agents.get("run-a/t1")!.principal, "a");
    assert.equal(agents.get("run-b/t1")!.principal, "b");
    assert.deepEqual(agents.active("b").map((r) => r.agent_id), ["run-b/t1"]);
    assert.equal((await factory.listTemplates("a")).find((t) => t.agent_type === "light_researcher")!.creation_count, 1);
  });

  test("a run cannot pin another principal's agent: the same error as an unknown one", async () => {
    const { factory, runAgents } = await setup();
    const generated = factory.specify({ task_description: "Find the market size", capabilities_needed: ["research"] }, {}, await factory.listTemplates("a"));
    await factory.record([{ agent_id: "a-solo", generated, owner: { principal: "a", run_id: null, task_id: null, standalone: true } }]);
    assert.equal((await runAgents.planRun("run-a", [task("t1", { agent_id: "a-solo" })], options))[0]!.agent.agent_id, "a-solo");
    await assert.rejects(runAgents.planRun("run-b", [task("t1", { agent_id: "a-solo" })], options),
      (e: unknown) => e instanceof UserError && e.message.startsWith(`agent_id "a-solo" is not an active generated agent`));
  });

  test("an outcome is recorded for the run's principal: in their history, on the template they see", async () => {
    const { factory, runAgents } = await setup();
    await factory.register("a", LIGHT, false);
    await factory.register("b", LIGHT, false);
    await runAgents.planRun("run-b", [task("t1")], options);
    await runAgents.recordOutcome({ agent_type: "light_researcher", agent_id: "run-b/t1", run_id: "run-b", branch_id: "t1", attempt: 1, success: false, quality: 0.2, seconds: 3 });
    assert.deepEqual((await factory.history("b", "light_researcher")).map((r) => r.agent_id), ["run-b/t1"]);
    assert.deepEqual(await factory.history("a", "light_researcher"), []);
    assert.equal((await factory.listTemplates("b")).find((t) => t.agent_type === "light_researcher")!.runs, 1);
    assert.equal((await factory.listTemplates("a")).find((t) => t.agent_type === "light_researcher")!.runs, 0);
  });

  test("an outcome without a run is recorded for the agent's principal", async () => {
    const { factory, runAgents } = await setup();
    const generated = factory.specify({ task_description: "Find the market size", capabilities_needed: ["research"] }, {}, await factory.listTemplates("b"));
    await factory.record([{ agent_id: "b-solo", generated, owner: { principal: "b", run_id: null, task_id: null, standalone: true } }]);
    await runAgents.recordOutcome({ agent_type: "research_specialist", agent_id: "b-solo", run_id: null, branch_id: null, attempt: 1, success: true, quality: 0.9, seconds: 2 });
    assert.deepEqual((await factory.history("b", "research_specialist")).map((r) => r.agent_id), ["b-solo"]);
    assert.deepEqual(await factory.history("a", "research_specialist"), []);
  });
});
