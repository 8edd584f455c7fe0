import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { openDatabase } from "../../src/storage/database.js";
import { HISTORY_KEPT, TemplateStore, type Outcome, type StoredDefinition } from "../../src/storage/template-store.js";
import { BUILTIN_TEMPLATES } from "../../src/agents/builtin-templates.js";

function definition(agent_type: string, overrides: Partial<StoredDefinition> = {}): StoredDefinition {
  return {
    agent_type, description: "Finds market facts", capabilities: ["research"], instructions: "Read the sources.",
    executor: "builtin", resource_requirements: { cpu: 0.25, memory_mb: 128 }, default_parameters: {},
    max_concurrent_tasks: 3, timeout_seconds: 300, retry_attempts: 2, ...overrides,
  };
}

function outcome(overrides: Partial<Outcome> = {}): Outcome {
  return { agent_type: "market_researcher", agent_id: "agent-1", run_id: "run-1", branch_id: "b1", attempt: 1, success: true, quality: 0.8, seconds: 10, ...overrides };
}

const fresh = () => new TemplateStore(openDatabase(":memory:"));
const get = (store: TemplateStore, type: string) => store.all().find((t) => t.agent_type === type)!;

describe("TemplateStore built-ins", () => {
  test("ensureBuiltins is idempotent: five templates, version 1", () => {
    const store = fresh();
    store.ensureBuiltins(BUILTIN_TEMPLATES);
    store.ensureBuiltins(BUILTIN_TEMPLATES);
    const all = store.all();
    assert.deepEqual(all.map((t) => t.agent_type).sort(), [
      "analysis_specialist", "coordination_specialist", "research_specialist", "synthesis_specialist", "validation_specialist",
    ]);
    for (const t of all) {
      assert.equal(t.version, 1, t.agent_type);
      assert.equal(t.builtin, true, t.agent_type);
      assert.equal(t.success_rate, 1);
      assert.equal(t.runs, 0);
    }
    assert.deepEqual(get(store, "coordination_specialist").capabilities, ["coordination", "monitoring"]);
    assert.deepEqual(store.find("research_specialist"), { version: 1, builtin: true });
  });

  test("a changed built-in keeps its statistics", () => {
    const store = fresh();
    store.ensureBuiltins(BUILTIN_TEMPLATES);
    store.recordOutcome(outcome({ agent_type: "research_specialist", success: false }));
    store.countCreation("research_specialist");
    const changed = BUILTIN_TEMPLATES.map((d) => d.agent_type === "research_specialist" ? { ...d, description: "changed" } : d);
    store.ensureBuiltins(changed);
    const t = get(store, "research_specialist");
    assert.equal(t.description, "changed");
    assert.equal(t.runs, 1);
    assert.equal(t.success_rate, 0);
    assert.equal(t.creation_count, 1);
  });
});

describe("TemplateStore definitions", () => {
  test("save new -> version 1; save with replace -> version 2 and the new definition", () => {
    const store = fresh();
    assert.equal(store.find("market_researcher"), undefined);
    assert.equal(store.save(definition("market_researcher"), false), 1);
    assert.deepEqual(store.find("market_researcher"), { version: 1, builtin: false });
    const v2 = definition("market_researcher", { description: "Second version", capabilities: ["research", "validation"], max_concurrent_tasks: 5 });
    assert.equal(store.save(v2, true), 2);
    const t = get(store, "market_researcher");
    assert.equal(t.version, 2);
    assert.equal(t.builtin, false);
    assert.equal(t.description, "Second version");
    assert.deepEqual(t.capabilities, ["research", "validation"]);
    assert.equal(t.max_concurrent_tasks, 5);
    assert.equal(store.save(definition("market_researcher", { description: "Third" }), true), 3);
    assert.equal(store.all().filter((x) => x.agent_type === "market_researcher").length, 1);
  });

  test("save with replace of a type that does not exist creates version 1", () => {
    const store = fresh();
    assert.equal(store.save(definition("new_type"), true), 1);
    assert.equal(get(store, "new_type").version, 1);
  });

  test("save new of an existing type without replace fails and keeps the old one", () => {
    const store = fresh();
    store.save(definition("market_researcher"), false);
    assert.throws(() => store.save(definition("market_researcher", { description: "other" }), false));
    assert.equal(get(store, "market_researcher").description, "Finds market facts");
  });
});

describe("TemplateStore outcomes", () => {
  test("counted once per (agent_id, run_id, branch_id, attempt)", () => {
    const store = fresh();
    store.save(definition("market_researcher"), false);
    assert.equal(store.recordOutcome(outcome()), true);
    assert.equal(store.recordOutcome(outcome({ success: false, quality: 0.1 })), false);
    assert.equal(get(store, "market_researcher").runs, 1);
    assert.equal(get(store, "market_researcher").success_rate, 1);
    // any part of the key differing is a new outcome
    assert.equal(store.recordOutcome(outcome({ attempt: 2 })), true);
    assert.equal(store.recordOutcome(outcome({ branch_id: "b2" })), true);
    assert.equal(store.recordOutcome(outcome({ run_id: "run-2" })), true);
    assert.equal(store.recordOutcome(outcome({ agent_id: "agent-2" })), true);
    assert.equal(get(store, "market_researcher").runs, 5);
  });

  test("success rate = successes / runs (1 with no runs), mean quality and seconds", () => {
    const store = fresh();
    store.save(definition("market_researcher"), false);
    const empty = get(store, "market_researcher");
    assert.deepEqual([empty.runs, empty.successes, empty.success_rate, empty.mean_quality, empty.mean_seconds], [0, 0, 1, null, null]);
    store.recordOutcome(outcome({ attempt: 1, success: true, quality: 0.9, seconds: 10 }));
    store.recordOutcome(outcome({ attempt: 2, success: false, quality: 0.2, seconds: 20 }));
    store.recordOutcome(outcome({ attempt: 3, success: true, quality: 0.7, seconds: 60 }));
    const t = get(store, "market_researcher");
    assert.equal(t.runs, 3);
    assert.equal(t.successes, 2);
    assert.equal(t.success_rate, 0.6667); // 2/3
    assert.equal(t.mean_quality, 0.6); // (0.9 + 0.2 + 0.7) / 3
    assert.equal(t.mean_seconds, 30);
  });

  test("outcomes of one type do not count for another", () => {
    const store = fresh();
    store.save(definition("market_researcher"), false);
    store.save(definition("other_type"), false);
    store.recordOutcome(outcome({ success: false }));
    assert.equal(get(store, "market_researcher").success_rate, 0);
    assert.equal(get(store, "other_type").success_rate, 1);
    assert.equal(get(store, "other_type").runs, 0);
  });

  test("countCreation increments creation_count", () => {
    const store = fresh();
    store.save(definition("market_researcher"), false);
    assert.equal(get(store, "market_researcher").creation_count, 0);
    store.countCreation("market_researcher");
    store.countCreation("market_researcher");
    assert.equal(get(store, "market_researcher").creation_count, 2);
  });

  test("history: newest first, success as a boolean, limited", () => {
    const store = fresh();
    store.save(definition("market_researcher"), false);
    for (let attempt = 1; attempt <= 4; attempt++) store.recordOutcome(outcome({ attempt, success: attempt !== 3, quality: attempt / 10 }));
    const h = store.history("market_researcher");
    assert.deepEqual(h.map((r) => r.attempt), [4, 3, 2, 1]);
    assert.deepEqual(h.map((r) => r.success), [true, false, true, true]);
    assert.equal(h[0]!.quality, 0.4);
    assert.equal(h[0]!.agent_id, "agent-1");
    assert.deepEqual(store.history("market_researcher", 2).map((r) => r.attempt), [4, 3]);
    assert.deepEqual(store.history("other_type"), []);
  });
});

describe("TemplateStore history", () => {
  test("history is pruned to HISTORY_KEPT outcomes per template while the counters cover every run", () => {
    const db = openDatabase(":memory:");
    const store = new TemplateStore(db);
    store.save(definition("busy"), false);
    const total = HISTORY_KEPT + 5;
    for (let i = 0; i < total; i++) {
      store.recordOutcome(outcome({ agent_type: "busy", branch_id: `b${i}`, success: i % 5 !== 0, quality: 0.5, seconds: 2 }));
    }
    const kept = (db.prepare("SELECT COUNT(*) AS n FROM conductor_agent_outcomes WHERE agent_type = 'busy'").get() as { n: number }).n;
    assert.equal(kept, HISTORY_KEPT);
    const t = get(store, "busy");
    assert.equal(t.runs, total);
    assert.equal(t.successes, total - Math.ceil(total / 5));
    assert.equal(t.mean_quality, 0.5);
    assert.equal(t.mean_seconds, 2);
  });
});
