/**
 * What every backend's AgentStorage must do. Lists are oldest first: `active` and `retireRun` by created_at,
 * `idleSince` by last_used_at (least recently used first); ties (one `record` call gives its agents one time)
 * by agent_id ascending.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { BUILTIN_TEMPLATES } from "../../../src/agents/builtin-templates.js";
import type { Storage } from "../../../src/storage/storage.js";
import { agent, at, definition, spec, standalone, withStores, type OpenStores } from "./harness.js";

const ids = (records: ReadonlyArray<{ agent_id: string }>) => records.map((r) => r.agent_id);
const creations = async (s: Storage, principal: string, type: string) =>
  (await s.templates.all(principal)).find((t) => t.agent_type === type)!.creation_count;

export function defineAgentStoreBehaviour(open: OpenStores): void {
  describe("agent store", () => {
    test("record returns the stored records in order; get round trip; not found", () => withStores(open, async ({ a, b }) => {
      const records = await a.agents.record([agent("ag-2", "research_specialist"), standalone("ag-1", "q")]);
      assert.deepEqual(records.map((r) => [r.agent_id, r.principal, r.standalone, r.status, r.run_id, r.task_id]),
        [["ag-2", "p", false, "active", "run-1", "t1"], ["ag-1", "q", true, "active", null, null]]);
      const got = (await b.agents.get("ag-2"))!;
      assert.deepEqual(got, records[0]);
      assert.deepEqual(got.specification, spec("research_specialist", "first"));
      assert.match(got.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.equal(got.last_used_at, got.created_at);
      assert.equal(records[1]!.created_at, got.created_at, "one time for one call's agents");
      assert.equal(await b.agents.get("nope"), undefined);
      assert.deepEqual(await a.agents.record([]), []);
      assert.equal(await a.agents.retire("nope"), false);
      await a.agents.touch("nope");
      assert.equal(await a.agents.get("nope"), undefined, "touching an unknown agent creates nothing");
      assert.deepEqual(await a.agents.retireRun("no-such-run"), []);
    }));

    test("record is idempotent by id: a known id keeps its first record; each creation is counted once, on the template the principal sees", () => withStores(open, async ({ a, b }) => {
      await a.templates.ensureBuiltins(BUILTIN_TEMPLATES);
      await a.templates.save("p", definition("own_type"), false);
      await a.templates.save("q", definition("own_type"), false);
      await a.agents.record([agent("ag-1", "research_specialist"), agent("ag-2", "own_type"), standalone("ag-3")]);
      const first = (await a.agents.get("ag-1"))!;
      // Two processes recording overlapping agents at once (a replayed generation): each new id counted once.
      const again = await Promise.all([
        a.agents.record([standalone("ag-3", "p", "own_type"), agent("ag-4", "own_type")]),
        b.agents.record([agent("ag-4", "own_type"), agent("ag-1", "research_specialist", { specification: spec("x", "second"), run_id: "run-2" })]),
      ]);
      assert.deepEqual(again.map(ids), [["ag-3", "ag-4"], ["ag-4", "ag-1"]]);
      assert.deepEqual(again[1][1], first, "an id recorded before keeps its first record");
      assert.equal(again[0][0]!.agent_type, "research_specialist");
      assert.equal(await creations(b, "p", "research_specialist"), 2, "ag-1 and ag-3 on the built-in");
      assert.equal(await creations(b, "p", "own_type"), 2, "ag-2 and ag-4 on p's own");
      assert.equal(await creations(b, "q", "own_type"), 0, "not on q's template of the same type");
      assert.equal(await creations(b, "q", "research_specialist"), 2, "the built-in is every principal's");
      // One call naming a new id twice: its first place in the list is the record, in both places, counted once.
      const twice = await a.agents.record([agent("ag-5", "own_type"), agent("ag-1", "own_type"), agent("ag-5", "analysis_specialist", { specification: spec("x", "second") })]);
      assert.deepEqual(twice.map((r) => [r.agent_id, r.agent_type, r.specification]), [
        ["ag-5", "own_type", spec("own_type", "first")], ["ag-1", "research_specialist", spec("research_specialist", "first")], ["ag-5", "own_type", spec("own_type", "first")],
      ]);
      assert.equal(await creations(b, "p", "own_type"), 3);
      assert.equal(await creations(b, "p", "analysis_specialist"), 0);
      await a.agents.record([agent("ag-6", "no_such_type")]);
      assert.equal((await b.agents.get("ag-6"))!.agent_type, "no_such_type", "an agent of a type without a template is recorded, counted nowhere");
    }));

    test("active: every principal's or one principal's active agents, oldest first, ties by agent_id", () => withStores(open, async ({ a, b, backdoor }) => {
      await a.agents.record([agent("z", "t"), agent("a", "t", { principal: "q" }), agent("m", "t"), agent("M", "t")]);
      await a.agents.record([agent("old", "t"), agent("new", "t", { principal: "q" }), agent("gone", "t")]);
      await backdoor.setAgentTimes("old", { created_at: at(0) });
      await backdoor.setAgentTimes("new", { created_at: at(1e9) });
      await a.agents.retire("gone");
      assert.deepEqual(ids(await b.agents.active()), ["old", "M", "a", "m", "z", "new"]);
      assert.deepEqual(ids(await b.agents.active("p")), ["old", "M", "m", "z"]);
      assert.deepEqual(ids(await b.agents.active("q")), ["a", "new"]);
      assert.deepEqual(await b.agents.active("nobody"), []);
      assert.ok((await b.agents.active("p")).every((r) => r.status === "active" && r.principal === "p"));
    }));

    test("retire and retireRun: only active agents, once; retireRun's ids oldest first, ties by agent_id", () => withStores(open, async ({ a, b, backdoor }) => {
      await a.agents.record([agent("r-z", "t"), agent("r-a", "t"), agent("r-m", "t"), agent("other", "t", { run_id: "run-2" }), standalone("alone")]);
      await a.agents.record([agent("r-old", "t")]);
      await backdoor.setAgentTimes("r-old", { created_at: at(0) });
      assert.equal(await a.agents.retire("r-m"), true);
      assert.equal(await b.agents.retire("r-m"), false, "not active any more");
      const retired = (await b.agents.get("r-m"))!;
      assert.equal(retired.status, "retired");
      assert.equal(ids(await a.agents.active()).includes("r-m"), false);
      assert.deepEqual(await b.agents.retireRun("run-1"), ["r-old", "r-a", "r-z"]);
      assert.deepEqual(await a.agents.retireRun("run-1"), [], "none a second time");
      assert.deepEqual(ids(await a.agents.active()).sort(), ["alone", "other"], "another run's agents and standalone ones are left alone");
      assert.equal((await a.agents.get("r-z"))!.status, "retired");
    }));

    test("idleSince: active standalone agents last used before the time, least recently used first, ties by agent_id", () => withStores(open, async ({ a, b, backdoor }) => {
      await a.agents.record([standalone("s-z"), standalone("s-a", "q"), standalone("s-m"), standalone("S-M"), agent("run-agent", "t"), standalone("retired")]);
      await a.agents.record([standalone("oldest"), standalone("at-the-time"), standalone("after")]);
      const time = (await a.agents.get("s-z"))!.last_used_at;
      await backdoor.setAgentTimes("oldest", { last_used_at: at(0) });
      await backdoor.setAgentTimes("at-the-time", { last_used_at: at(100) });
      await backdoor.setAgentTimes("after", { last_used_at: at(1e9) });
      for (const id of ["s-z", "s-a", "s-m", "S-M", "run-agent", "retired"]) await backdoor.setAgentTimes(id, { last_used_at: at(50) });
      await a.agents.retire("retired");
      assert.deepEqual(await b.agents.idleSince(new Date(at(100))), ["oldest", "S-M", "s-a", "s-m", "s-z"], "strictly before; every principal's");
      assert.deepEqual(await b.agents.idleSince(new Date(at(101))), ["oldest", "S-M", "s-a", "s-m", "s-z", "at-the-time"]);
      assert.deepEqual(await b.agents.idleSince(new Date(at(0))), []);
      await a.agents.touch("s-a");
      assert.ok((await b.agents.get("s-a"))!.last_used_at >= time, "touch sets last_used_at to now");
      assert.deepEqual(await b.agents.idleSince(new Date(at(100))), ["oldest", "S-M", "s-m", "s-z"]);
      assert.equal((await b.agents.get("s-a"))!.created_at, time, "touch leaves created_at");
    }));
  });
}
