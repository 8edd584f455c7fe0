/**
 * What only the SQLite template store does: its outcome rows pruned every 64 outcomes, and migration 7 (templates
 * owned by a principal). Its behaviour shared with PostgreSQL is in test/helpers/store-behaviour/template-store.ts,
 * run by test/unit/store-behaviour.test.ts.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import Database from "better-sqlite3";
import { migrate, openDatabase } from "../../src/storage/database.js";
import { HISTORY_KEPT, TemplateStore } from "../../src/storage/template-store.js";
import { BUILTIN_TEMPLATES } from "../../src/agents/builtin-templates.js";
import { LOCAL_PRINCIPAL } from "../../src/sessions/client-sessions.js";
import { definition, outcome } from "../helpers/store-behaviour/harness.js";

const L = LOCAL_PRINCIPAL;
const get = (store: TemplateStore, type: string) => store.all(L).find((t) => t.agent_type === type)!;

describe("TemplateStore history", () => {
  test("history is pruned to HISTORY_KEPT outcomes per template while the counters cover every run", () => {
    const db = openDatabase(":memory:");
    const store = new TemplateStore(db);
    store.save(L, definition("busy"), false);
    const total = HISTORY_KEPT + 100;
    for (let i = 0; i < total; i++) {
      store.recordOutcome(outcome({ agent_type: "busy", principal: L, branch_id: `b${i}`, success: i % 5 !== 0, quality: 0.5, seconds: 2 }));
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
    assert.equal(migrate(db), migrate(new Database(":memory:")), "migrates to the latest version");
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
