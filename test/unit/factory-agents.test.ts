/**
 * AgentFactory's generated agents: recording them (idempotent per id, one creation counted), their ids, and which
 * may be pinned to a task.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { UserError } from "../../src/errors.js";
import { L, RESEARCH, recordOne, setup, specify } from "../helpers/agent-factory.js";

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
