import { describe, test } from "node:test";
import assert from "node:assert/strict";
import Database from "better-sqlite3";
import { migrate, openDatabase } from "../../src/storage/database.js";
import { HISTORY_KEPT, TemplateStore } from "../../src/storage/template-store.js";
import { type Outcome, type StoredDefinition } from "../../src/domain/agent-record.js";
import { AgentStore } from "../../src/storage/agent-store.js";
import type { AgentSpecification } from "../../src/domain/agent-specification.js";
import { BUILTIN_TEMPLATES } from "../../src/agents/builtin-templates.js";
import { LOCAL_PRINCIPAL } from "../../src/sessions/client-sessions.js";

const L = LOCAL_PRINCIPAL;

function definition(agent_type: string, overrides: Partial<StoredDefinition> = {}): StoredDefinition {
  return {
    agent_type, description: "Finds market facts", capabilities: ["research"], instructions: "Read the sources.",
    executor: "builtin", resource_requirements: { cpu: 0.25, memory_mb: 128 }, default_parameters: {},
    max_concurrent_tasks: 3, timeout_seconds: 300, retry_attempts: 2, ...overrides,
  };
}

function outcome(overrides: Partial<Outcome> = {}): Outcome {
  return { agent_type: "market_researcher", principal: L, agent_id: "agent-1", run_id: "run-1", branch_id: "b1", attempt: 1, success: true, quality: 0.8, seconds: 10, ...overrides };
}

/** A template store and the agent store on the same database (recording an agent counts its creation). */
function stores() {
  const db = openDatabase(":memory:");
  return { db, store: new TemplateStore(db), agents: new AgentStore(db) };
}
const fresh = () => stores().store;
let created = 0;
/** Records a new agent (a fresh id) of the type for the principal: one creation, counted on the template the principal sees. */
const create = (agents: AgentStore, principal: string, agent_type: string) => agents.record([{
  agent_id: `created-${++created}`, principal, agent_type, run_id: null, task_id: null, standalone: true,
  specification: { agent_type } as unknown as AgentSpecification,
}]);
const get = (store: TemplateStore, type: string, principal = L) => store.all(principal).find((t) => t.agent_type === type)!;

describe("TemplateStore built-ins", () => {
  test("ensureBuiltins is idempotent: five templates, version 1", () => {
    const store = fresh();
    store.ensureBuiltins(BUILTIN_TEMPLATES);
    store.ensureBuiltins(BUILTIN_TEMPLATES);
    const all = store.all(L);
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
    assert.deepEqual(store.find(L, "research_specialist"), { version: 1, builtin: true });
  });

  test("a changed built-in keeps its statistics", () => {
    const { store, agents } = stores();
    store.ensureBuiltins(BUILTIN_TEMPLATES);
    store.recordOutcome(outcome({ agent_type: "research_specialist", success: false }));
    create(agents, L, "research_specialist");
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
    assert.equal(store.find(L, "market_researcher"), undefined);
    assert.equal(store.save(L, definition("market_researcher"), false), 1);
    assert.deepEqual(store.find(L, "market_researcher"), { version: 1, builtin: false });
    const v2 = definition("market_researcher", { description: "Second version", capabilities: ["research", "validation"], max_concurrent_tasks: 5 });
    assert.equal(store.save(L, v2, true), 2);
    const t = get(store, "market_researcher");
    assert.equal(t.version, 2);
    assert.equal(t.builtin, false);
    assert.equal(t.description, "Second version");
    assert.deepEqual(t.capabilities, ["research", "validation"]);
    assert.equal(t.max_concurrent_tasks, 5);
    assert.equal(store.save(L, definition("market_researcher", { description: "Third" }), true), 3);
    assert.equal(store.all(L).filter((x) => x.agent_type === "market_researcher").length, 1);
  });

  test("save with replace of a type that does not exist creates version 1", () => {
    const store = fresh();
    assert.equal(store.save(L, definition("new_type"), true), 1);
    assert.equal(get(store, "new_type").version, 1);
  });

  test("save new of an existing type without replace fails and keeps the old one", () => {
    const store = fresh();
    store.save(L, definition("market_researcher"), false);
    assert.throws(() => store.save(L, definition("market_researcher", { description: "other" }), false));
    assert.equal(get(store, "market_researcher").description, "Finds market facts");
  });
});

describe("TemplateStore outcomes", () => {
  test("counted once per (agent_id, run_id, branch_id, attempt)", () => {
    const store = fresh();
    store.save(L, definition("market_researcher"), false);
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
    store.save(L, definition("market_researcher"), false);
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
    store.save(L, definition("market_researcher"), false);
    store.save(L, definition("other_type"), false);
    store.recordOutcome(outcome({ success: false }));
    assert.equal(get(store, "market_researcher").success_rate, 0);
    assert.equal(get(store, "other_type").success_rate, 1);
    assert.equal(get(store, "other_type").runs, 0);
  });

  test("each agent recorded increments creation_count", () => {
    const { store, agents } = stores();
    store.save(L, definition("market_researcher"), false);
    assert.equal(get(store, "market_researcher").creation_count, 0);
    create(agents, L, "market_researcher");
    create(agents, L, "market_researcher");
    assert.equal(get(store, "market_researcher").creation_count, 2);
  });

  test("AgentStore.record counts a creation only for a newly inserted id, and keeps the first specification", () => {
    const { store, agents } = stores();
    store.save(L, definition("market_researcher"), false);
    const agent = (agent_id: string, version: number) => ({
      agent_id, principal: L, agent_type: "market_researcher", run_id: "run-1", task_id: "t1", standalone: false,
      specification: { agent_type: "market_researcher", template_version: version } as unknown as AgentSpecification,
    });
    const [first] = agents.record([agent("run-1/t1", 1)]);
    assert.equal(first!.agent_id, "run-1/t1");
    assert.equal(first!.status, "active");
    assert.equal(first!.specification.template_version, 1);
    assert.equal(get(store, "market_researcher").creation_count, 1);
    // the same id again (a replayed run): not counted, and the stored record keeps its first specification
    const [again] = agents.record([agent("run-1/t1", 2)]);
    assert.deepEqual(again, first);
    assert.equal(agents.get("run-1/t1")!.specification.template_version, 1);
    assert.equal(get(store, "market_researcher").creation_count, 1);
    // in one call: the records in order, only the new id counted, a repeated id once
    const records = agents.record([agent("run-1/t2", 3), agent("run-1/t1", 4), agent("run-1/t2", 5)]);
    assert.deepEqual(records.map((r) => [r.agent_id, r.specification.template_version]), [["run-1/t2", 3], ["run-1/t1", 1], ["run-1/t2", 3]]);
    assert.equal(get(store, "market_researcher").creation_count, 2);
  });

  test("history: newest first, success as a boolean, limited", () => {
    const store = fresh();
    store.save(L, definition("market_researcher"), false);
    for (let attempt = 1; attempt <= 4; attempt++) store.recordOutcome(outcome({ attempt, success: attempt !== 3, quality: attempt / 10 }));
    const h = store.history(L, "market_researcher");
    assert.deepEqual(h.map((r) => r.attempt), [4, 3, 2, 1]);
    assert.deepEqual(h.map((r) => r.success), [true, false, true, true]);
    assert.equal(h[0]!.quality, 0.4);
    assert.equal(h[0]!.agent_id, "agent-1");
    assert.deepEqual(store.history(L, "market_researcher", 2).map((r) => r.attempt), [4, 3]);
    assert.deepEqual(store.history(L, "other_type"), []);
  });
});

describe("TemplateStore history", () => {
  test("history is pruned to HISTORY_KEPT outcomes per template while the counters cover every run", () => {
    const db = openDatabase(":memory:");
    const store = new TemplateStore(db);
    store.save(L, definition("busy"), false);
    const total = HISTORY_KEPT + 100;
    for (let i = 0; i < total; i++) {
      store.recordOutcome(outcome({ agent_type: "busy", branch_id: `b${i}`, success: i % 5 !== 0, quality: 0.5, seconds: 2 }));
    }
    const stored = (db.prepare("SELECT COUNT(*) AS n FROM conductor_agent_outcomes WHERE agent_type = 'busy'").get() as { n: number }).n;
    assert.ok(stored >= HISTORY_KEPT && stored < HISTORY_KEPT + 64, `pruned every 64 outcomes: ${stored} rows stored`);
    const history = store.history(L, "busy", 5000);
    assert.equal(history.length, HISTORY_KEPT, "the history shows the last HISTORY_KEPT outcomes");
    assert.equal(history[0]!.branch_id, `b${total - 1}`);
    assert.equal(history.at(-1)!.branch_id, `b${total - HISTORY_KEPT}`);
    const t = get(store, "busy");
    assert.equal(t.runs, total);
    assert.equal(t.successes, total - Math.ceil(total / 5));
    assert.equal(t.mean_quality, 0.5);
    assert.equal(t.mean_seconds, 2);
  });
});

describe("TemplateStore principals", () => {
  const A = "alice";
  const B = "bob";
  const types = (store: TemplateStore, principal: string) => store.all(principal).map((t) => t.agent_type);
  const BUILTIN_TYPES = BUILTIN_TEMPLATES.map((d) => d.agent_type).sort();

  test("a registered template is its owner's: another principal neither lists nor finds it; both see the built-ins", () => {
    const store = fresh();
    store.ensureBuiltins(BUILTIN_TEMPLATES);
    store.save(A, definition("market_researcher"), false);
    assert.deepEqual(types(store, A).filter((t) => !BUILTIN_TYPES.includes(t)), ["market_researcher"]);
    assert.deepEqual(types(store, B).sort(), BUILTIN_TYPES);
    assert.deepEqual(store.find(A, "market_researcher"), { version: 1, builtin: false });
    assert.equal(store.find(B, "market_researcher"), undefined);
    for (const principal of [A, B, L]) {
      assert.deepEqual(store.find(principal, "research_specialist"), { version: 1, builtin: true }, principal);
      assert.deepEqual(store.all(principal).filter((t) => t.builtin).map((t) => t.agent_type).sort(), BUILTIN_TYPES, principal);
    }
  });

  test("two principals register the same agent_type independently, each with its own versions and definition", () => {
    const store = fresh();
    store.ensureBuiltins(BUILTIN_TEMPLATES);
    assert.equal(store.save(A, definition("market_researcher", { description: "A's" }), false), 1);
    assert.equal(store.save(A, definition("market_researcher", { description: "A's v2" }), true), 2);
    // B's first save of the type is new (no conflict with A's), without replace
    assert.equal(store.save(B, definition("market_researcher", { description: "B's" }), false), 1);
    assert.deepEqual(store.find(A, "market_researcher"), { version: 2, builtin: false });
    assert.deepEqual(store.find(B, "market_researcher"), { version: 1, builtin: false });
    assert.equal(store.save(B, definition("market_researcher", { description: "B's v2" }), true), 2);
    assert.equal(store.save(B, definition("market_researcher", { description: "B's v3" }), true), 3);
    assert.deepEqual(store.find(A, "market_researcher"), { version: 2, builtin: false }, "B's replacements leave A's template alone");
    assert.equal(get(store, "market_researcher", A).description, "A's v2");
    assert.equal(get(store, "market_researcher", B).description, "B's v3");
    assert.equal(store.all(A).filter((t) => t.agent_type === "market_researcher").length, 1);
    assert.equal(store.all(B).filter((t) => t.agent_type === "market_researcher").length, 1);
    assert.throws(() => store.save(B, definition("market_researcher"), false), "B's own template exists now");
  });

  test("outcomes and creations count on the template the principal sees; history is the principal's own", () => {
    const { store, agents } = stores();
    store.ensureBuiltins(BUILTIN_TEMPLATES);
    store.save(A, definition("market_researcher"), false);
    store.save(B, definition("market_researcher"), false);
    // B's agent of a built-in type: counts on the built-in, which every principal sees
    assert.equal(store.recordOutcome(outcome({ agent_type: "research_specialist", principal: B, agent_id: "b-agent", success: false })), true);
    create(agents, B, "research_specialist");
    for (const principal of [A, B]) {
      const t = get(store, "research_specialist", principal);
      assert.deepEqual([t.runs, t.success_rate, t.creation_count], [1, 0, 1], principal);
    }
    assert.deepEqual(store.history(B, "research_specialist").map((r) => r.agent_id), ["b-agent"]);
    assert.deepEqual(store.history(A, "research_specialist"), []);
    // B's agent of B's registered type: counts on B's template, not A's of the same type
    store.recordOutcome(outcome({ principal: B, agent_id: "b-market", success: false, quality: 0.2 }));
    store.recordOutcome(outcome({ principal: B, agent_id: "b-market", attempt: 2, success: true, quality: 0.4 }));
    create(agents, B, "market_researcher");
    const bs = get(store, "market_researcher", B);
    const as = get(store, "market_researcher", A);
    assert.deepEqual([bs.runs, bs.successes, bs.mean_quality, bs.creation_count], [2, 1, 0.3, 1]);
    assert.deepEqual([as.runs, as.successes, as.mean_quality, as.creation_count, as.success_rate], [0, 0, null, 0, 1]);
    assert.deepEqual(store.history(B, "market_researcher").map((r) => r.attempt), [2, 1]);
    assert.deepEqual(store.history(A, "market_researcher"), []);
    // and A's outcome counts on A's
    store.recordOutcome(outcome({ principal: A, agent_id: "a-market" }));
    assert.equal(get(store, "market_researcher", A).runs, 1);
    assert.equal(get(store, "market_researcher", B).runs, 2);
    assert.deepEqual(store.history(A, "market_researcher").map((r) => r.agent_id), ["a-market"]);
  });

  test("an outcome of a type the principal does not see counts nowhere", () => {
    const { store, agents } = stores();
    store.save(A, definition("market_researcher"), false);
    assert.equal(store.recordOutcome(outcome({ principal: B, agent_id: "b-agent" })), true);
    assert.equal(get(store, "market_researcher", A).runs, 0);
    create(agents, B, "market_researcher");
    assert.equal(get(store, "market_researcher", A).creation_count, 0);
  });
});

describe("TemplateStore migration 7", () => {
  test("a registered template of a migration-6 database becomes local's, the built-ins ''; counters and outcomes survive", () => {
    const db = new Database(":memory:");
    // The table migrate() keeps, with version 7 marked applied: migrate() then builds the schema as of migration 6.
    db.exec("CREATE TABLE conductor_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)");
    db.prepare("INSERT INTO conductor_migrations VALUES (7, 'held back', '')").run();
    migrate(db);
    const columns = (table: string) => (db.prepare(`SELECT name FROM pragma_table_info('${table}')`).all() as Array<{ name: string }>).map((c) => c.name);
    assert.ok(!columns("conductor_agent_templates").includes("owner"), "the templates are as of migration 6");
    assert.ok(columns("conductor_runs").includes("principal"), "migration 6 ran");

    const insert = db.prepare(`INSERT INTO conductor_agent_templates
      (agent_type, version, definition_json, builtin, creation_count, created_at, updated_at, runs, successes, quality_sum, seconds_sum)
      VALUES (?, ?, ?, ?, ?, 't', 't', ?, ?, ?, ?)`);
    for (const d of BUILTIN_TEMPLATES) insert.run(d.agent_type, 1, JSON.stringify(d), 1, 0, 0, 0, 0, 0);
    insert.run("market_researcher", 3, JSON.stringify(definition("market_researcher")), 0, 4, 2, 1, 1.5, 30);
    db.prepare(`INSERT INTO conductor_agent_outcomes (agent_type, agent_id, run_id, branch_id, attempt, success, quality, seconds, at)
      VALUES ('market_researcher', 'agent-1', 'run-1', 'b1', 1, 1, 0.75, 15, 't')`).run();

    db.prepare("DELETE FROM conductor_migrations WHERE version = 7").run();
    assert.equal(migrate(db), 8, "migrates to the latest version");
    const rows = db.prepare("SELECT owner, agent_type, builtin, version, creation_count, runs FROM conductor_agent_templates ORDER BY builtin, agent_type").all();
    assert.deepEqual(rows, [
      { owner: "local", agent_type: "market_researcher", builtin: 0, version: 3, creation_count: 4, runs: 2 },
      ...BUILTIN_TEMPLATES.map((d) => d.agent_type).sort().map((agent_type) => ({ owner: "", agent_type, builtin: 1, version: 1, creation_count: 0, runs: 0 })),
    ]);
    assert.deepEqual(db.prepare("SELECT principal FROM conductor_agent_outcomes").all(), [{ principal: "local" }]);

    // and the store works on it: local keeps its template and history, another principal does not see them
    const store = new TemplateStore(db);
    store.ensureBuiltins(BUILTIN_TEMPLATES);
    assert.equal((db.prepare("SELECT COUNT(*) AS n FROM conductor_agent_templates").get() as { n: number }).n, 6);
    assert.deepEqual(store.find(L, "market_researcher"), { version: 3, builtin: false });
    assert.equal(store.find("other", "market_researcher"), undefined);
    assert.deepEqual(store.find("other", "research_specialist"), { version: 1, builtin: true });
    assert.deepEqual(store.history(L, "market_researcher").map((r) => r.agent_id), ["agent-1"]);
    assert.deepEqual(store.history("other", "market_researcher"), []);
    assert.equal(store.save(L, definition("market_researcher"), true), 4);
    assert.equal(store.save("other", definition("market_researcher"), false), 1);
  });
});
