/**
 * What every backend's TemplateStorage must do. `all` lists the built-ins, then the principal's own, each by
 * agent_type; `history` is newest first (by the order outcomes were recorded).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { BUILTIN_TEMPLATES } from "../../../src/agents/builtin-templates.js";
import { HISTORY_KEPT } from "../../../src/storage/template-store.js";
import type { AgentTemplate } from "../../../src/domain/agent-specification.js";
import type { StoredDefinition } from "../../../src/domain/agent-record.js";
import type { Storage } from "../../../src/storage/storage.js";
import { definition, outcome, standalone, withStores, type OpenStores } from "./harness.js";

const BUILTIN_TYPES = BUILTIN_TEMPLATES.map((d) => d.agent_type).sort();
const template = async (s: Storage, principal: string, type: string) => (await s.templates.all(principal)).find((t) => t.agent_type === type);
/** A template's definition as it was stored: without what the store adds. */
function definitionOf(t: AgentTemplate): StoredDefinition {
  const { version, builtin, creation_count, runs, successes, success_rate, mean_quality, mean_seconds, ...stored } = t;
  void [version, builtin, creation_count, runs, successes, success_rate, mean_quality, mean_seconds];
  return stored;
}
const stats = async (s: Storage, principal: string, type: string) => {
  const t = (await template(s, principal, type))!;
  return { runs: t.runs, successes: t.successes, success_rate: t.success_rate, mean_quality: t.mean_quality, mean_seconds: t.mean_seconds };
};

export function defineTemplateStoreBehaviour(open: OpenStores): void {
  describe("template store", () => {
    test("ensureBuiltins is idempotent, also from two processes at once: version 1, trusted, no runs", () => withStores(open, async ({ a, b }) => {
      assert.deepEqual(await a.templates.all("p"), []);
      await Promise.all([a.templates.ensureBuiltins(BUILTIN_TEMPLATES), b.templates.ensureBuiltins(BUILTIN_TEMPLATES)]);
      await a.templates.ensureBuiltins(BUILTIN_TEMPLATES);
      const all = await b.templates.all("p");
      assert.deepEqual(all.map((t) => t.agent_type), BUILTIN_TYPES);
      for (const t of all) {
        assert.deepEqual([t.version, t.builtin, t.creation_count, t.runs, t.successes, t.success_rate, t.mean_quality, t.mean_seconds], [1, true, 0, 0, 0, 1, null, null], t.agent_type);
        assert.deepEqual(definitionOf(t), BUILTIN_TEMPLATES.find((d) => d.agent_type === t.agent_type), "the definition round trips");
      }
      assert.deepEqual((await template(b, "p", "coordination_specialist"))!.capabilities, ["coordination", "monitoring"]);
      assert.deepEqual(await a.templates.find("p", "research_specialist"), { version: 1, builtin: true });
      assert.deepEqual(await a.templates.find("anyone", "research_specialist"), { version: 1, builtin: true });
    }));

    test("a changed built-in takes the new definition and keeps its version and statistics", () => withStores(open, async ({ a, b }) => {
      await a.templates.ensureBuiltins(BUILTIN_TEMPLATES);
      assert.equal(await a.templates.recordOutcome(outcome({ agent_type: "research_specialist", success: false, quality: 0.5 })), true);
      await a.agents.record([standalone("x")]);
      await b.templates.ensureBuiltins(BUILTIN_TEMPLATES.map((d) => d.agent_type === "research_specialist" ? { ...d, description: "changed" } : d));
      const t = (await template(a, "p", "research_specialist"))!;
      assert.deepEqual([t.description, t.version, t.builtin, t.runs, t.success_rate, t.mean_quality, t.creation_count], ["changed", 1, true, 1, 0, 0.5, 1]);
      assert.equal((await template(a, "p", "analysis_specialist"))!.description, BUILTIN_TEMPLATES.find((d) => d.agent_type === "analysis_specialist")!.description);
    }));

    test("save: new is version 1, replace the next version with the new definition; no replace of an existing one fails and keeps it", () => withStores(open, async ({ a, b }) => {
      assert.equal(await a.templates.find("p", "market_researcher"), undefined);
      assert.equal(await a.templates.save("p", definition("market_researcher"), false), 1);
      assert.deepEqual(await b.templates.find("p", "market_researcher"), { version: 1, builtin: false });
      await assert.rejects(async () => b.templates.save("p", definition("market_researcher", { description: "other" }), false));
      assert.equal((await template(a, "p", "market_researcher"))!.description, "Finds market facts");
      const v2 = definition("market_researcher", { description: "v2", capabilities: ["research", "validation"], max_concurrent_tasks: 5, model: "openai:gpt-x" });
      assert.equal(await b.templates.save("p", v2, true), 2);
      const t2 = (await template(a, "p", "market_researcher"))!;
      assert.deepEqual([t2.version, t2.builtin, t2.description, t2.capabilities, t2.max_concurrent_tasks, t2.model], [2, false, "v2", ["research", "validation"], 5, "openai:gpt-x"]);
      assert.equal(await a.templates.save("p", definition("market_researcher", { description: "v3" }), true), 3);
      assert.equal(await a.templates.save("p", definition("new_type"), true), 1, "replace of a missing type creates version 1");
      const t = (await template(b, "p", "market_researcher"))!;
      assert.deepEqual([t.version, t.builtin, t.description, t.capabilities, t.max_concurrent_tasks, t.model], [3, false, "v3", ["research"], 3, undefined]);
      assert.deepEqual(definitionOf((await template(b, "p", "new_type"))!), definition("new_type"), "the definition round trips");
      assert.equal((await template(b, "p", "new_type"))!.version, 1);
      assert.equal((await a.templates.all("p")).filter((x) => x.agent_type === "market_researcher").length, 1);
    }));

    test("all: built-ins first, then the principal's own, each by agent_type; a registered template is its owner's only", () => withStores(open, async ({ a, b }) => {
      await a.templates.ensureBuiltins(BUILTIN_TEMPLATES);
      for (const type of ["zeta_type", "alpha_type", "Mixed_type", "mid_type"]) await a.templates.save("p", definition(type), false);
      assert.equal(await a.templates.save("q", definition("mid_type", { description: "q's" }), false), 1, "another principal's first save of the type is new");
      assert.equal(await a.templates.save("q", definition("mid_type", { description: "q's v2" }), true), 2);
      assert.deepEqual((await b.templates.all("p")).map((t) => t.agent_type), [...BUILTIN_TYPES, "Mixed_type", "alpha_type", "mid_type", "zeta_type"]);
      assert.deepEqual((await b.templates.all("q")).map((t) => t.agent_type), [...BUILTIN_TYPES, "mid_type"]);
      assert.deepEqual((await b.templates.all("nobody")).map((t) => t.agent_type), BUILTIN_TYPES);
      assert.deepEqual(await b.templates.find("p", "mid_type"), { version: 1, builtin: false }, "q's replacements leave p's alone");
      assert.deepEqual(await b.templates.find("q", "mid_type"), { version: 2, builtin: false });
      assert.equal((await template(b, "q", "mid_type"))!.description, "q's v2");
      assert.equal((await template(b, "p", "mid_type"))!.description, "Finds market facts");
      assert.equal(await b.templates.find("q", "zeta_type"), undefined);
      assert.equal(await b.templates.find("p", "no_such_type"), undefined);
    }));

    test("find: a built-in comes before a principal's template of the same type", () => withStores(open, async ({ a, b }) => {
      // The factory refuses to register a built-in's type; the stores still agree on what find answers if one exists.
      await a.templates.ensureBuiltins(BUILTIN_TEMPLATES);
      assert.equal(await a.templates.save("p", definition("research_specialist", { description: "p's" }), false), 1);
      assert.deepEqual(await b.templates.find("p", "research_specialist"), { version: 1, builtin: true });
      assert.deepEqual((await b.templates.all("p")).filter((t) => t.agent_type === "research_specialist").map((t) => [t.builtin, t.description === "p's"]), [[true, false], [false, true]]);
    }));

    test("recordOutcome: once per (agent, run, branch, attempt), missing run and branch too, also from two processes at once", () => withStores(open, async ({ a, b }) => {
      await a.templates.save("p", definition("market_researcher"), false);
      const first = outcome({ run_id: null, branch_id: null, quality: 0.9, seconds: 4 });
      assert.deepEqual((await Promise.all([a.templates.recordOutcome(first), b.templates.recordOutcome(first)])).sort(), [false, true]);
      assert.equal(await a.templates.recordOutcome({ ...first, success: false, quality: 0.1 }), false, "the key, not the result, decides");
      assert.equal(await a.templates.recordOutcome(outcome()), true, "a run and branch differ from none");
      for (const change of [{ attempt: 2 }, { branch_id: "b2" }, { run_id: "run-2" }, { agent_id: "agent-2" }]) {
        assert.equal(await b.templates.recordOutcome(outcome({ ...change, success: false, quality: 0.2, seconds: 20 })), true, JSON.stringify(change));
      }
      assert.deepEqual(await stats(a, "p", "market_researcher"), { runs: 6, successes: 2, success_rate: 0.3333, mean_quality: 0.4167, mean_seconds: 15.6667 });
    }));

    test("outcomes and creations count on the template the principal sees: its own, else the built-in; of a type it does not see, nowhere", () => withStores(open, async ({ a, b }) => {
      await a.templates.ensureBuiltins(BUILTIN_TEMPLATES);
      await a.templates.save("p", definition("market_researcher"), false);
      await a.templates.save("q", definition("market_researcher"), false);
      await a.templates.save("q", definition("other_type"), false);
      await a.templates.recordOutcome(outcome({ principal: "q", agent_type: "research_specialist", agent_id: "q-1", success: false, quality: 0.4, seconds: 2 }));
      for (const principal of ["p", "q", "r"]) {
        assert.deepEqual(await stats(b, principal, "research_specialist"), { runs: 1, successes: 0, success_rate: 0, mean_quality: 0.4, mean_seconds: 2 }, principal);
      }
      assert.deepEqual((await b.templates.history("q", "research_specialist")).map((h) => h.agent_id), ["q-1"], "a built-in's history is the principal's own");
      assert.deepEqual(await b.templates.history("p", "research_specialist"), []);
      await a.templates.recordOutcome(outcome({ principal: "q", agent_id: "q-2", quality: 0.2 }));
      await a.templates.recordOutcome(outcome({ principal: "q", agent_id: "q-2", attempt: 2, success: false, quality: 0.4 }));
      assert.deepEqual(await stats(b, "q", "market_researcher"), { runs: 2, successes: 1, success_rate: 0.5, mean_quality: 0.3, mean_seconds: 10 });
      assert.deepEqual(await stats(b, "p", "market_researcher"), { runs: 0, successes: 0, success_rate: 1, mean_quality: null, mean_seconds: null });
      assert.deepEqual(await stats(b, "q", "other_type"), { runs: 0, successes: 0, success_rate: 1, mean_quality: null, mean_seconds: null }, "not another type's");
      assert.equal(await a.templates.recordOutcome(outcome({ principal: "r", agent_id: "r-1" })), true, "recorded, though r sees no market_researcher");
      assert.equal((await template(b, "p", "market_researcher"))!.runs, 0);
      assert.equal((await template(b, "q", "market_researcher"))!.runs, 2);
      assert.deepEqual((await b.templates.history("r", "market_researcher")).map((h) => h.agent_id), ["r-1"], "but in r's history");
      await a.agents.record([standalone("r-agent", "r", "market_researcher")]);
      assert.deepEqual([(await template(b, "p", "market_researcher"))!.creation_count, (await template(b, "q", "market_researcher"))!.creation_count], [0, 0], "nor does r's creation");
      await b.templates.recordOutcome(outcome({ agent_id: "p-1" }));
      assert.deepEqual([(await template(a, "p", "market_researcher"))!.runs, (await template(a, "q", "market_researcher"))!.runs], [1, 2], "p's outcome on p's own, not q's");
    }));

    test("history: the principal's own outcomes of the type, newest first, success a boolean, limited (20 by default)", () => withStores(open, async ({ a, b }) => {
      await a.templates.save("p", definition("market_researcher"), false);
      for (let attempt = 1; attempt <= 24; attempt++) {
        await (attempt % 2 ? a : b).templates.recordOutcome(outcome({ attempt, success: attempt !== 23, quality: attempt / 100, run_id: attempt === 24 ? null : "run-1", branch_id: attempt === 24 ? null : "b1" }));
      }
      await a.templates.recordOutcome(outcome({ principal: "q", agent_id: "q-1" }));
      const h = await b.templates.history("p", "market_researcher");
      assert.deepEqual(h.map((r) => r.attempt), Array.from({ length: 20 }, (_, i) => 24 - i));
      assert.deepEqual(h[0], { agent_id: "agent-1", run_id: "", branch_id: "", attempt: 24, success: true, quality: 0.24, seconds: 10, at: h[0]!.at });
      assert.deepEqual(h[1], { agent_id: "agent-1", run_id: "run-1", branch_id: "b1", attempt: 23, success: false, quality: 0.23, seconds: 10, at: h[1]!.at });
      assert.match(String(h[0]!.at), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.deepEqual((await a.templates.history("p", "market_researcher", 3)).map((r) => r.attempt), [24, 23, 22]);
      assert.equal((await a.templates.history("p", "market_researcher", 100)).length, 24);
      assert.deepEqual((await a.templates.history("q", "market_researcher")).map((r) => r.agent_id), ["q-1"]);
      assert.deepEqual(await a.templates.history("p", "other_type"), []);
      assert.deepEqual(await a.templates.history("nobody", "market_researcher"), []);
    }));

    test("history keeps the last HISTORY_KEPT outcomes while the counters cover every one", () => withStores(open, async ({ a, b }) => {
      await a.templates.save("p", definition("busy"), false);
      const total = HISTORY_KEPT + 70;
      for (let batch = 0; batch * 50 < total; batch++) {
        await Promise.all(Array.from({ length: Math.min(50, total - batch * 50) }, (_, i) =>
          (i % 2 ? a : b).templates.recordOutcome(outcome({ agent_type: "busy", branch_id: `b${batch * 50 + i}`, success: (batch * 50 + i) % 5 !== 0, quality: 0.5, seconds: 2 }))));
      }
      const history = await a.templates.history("p", "busy", 5000);
      assert.equal(history.length, HISTORY_KEPT);
      assert.equal(new Set(history.map((r) => r.branch_id)).size, HISTORY_KEPT);
      assert.ok(history.every((r) => Number(String(r.branch_id).slice(1)) >= 50), "the first batch, the oldest outcomes, is gone");
      assert.deepEqual(await stats(b, "p", "busy"), { runs: total, successes: total - Math.ceil(total / 5), success_rate: 0.8, mean_quality: 0.5, mean_seconds: 2 });
    }));
  });
}
