/**
 * The PostgreSQL storage (src/storage/postgres/) against a real server: CONDUCTOR_TEST_POSTGRES_URL names it (any
 * database on it; this file creates a fresh database for its run and drops it after). Without it every test is
 * reported as skipped. Two Storage instances with their own lease owners stand for two server processes.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import os from "node:os";
import { randomUUID } from "node:crypto";
import pg from "pg";
import type { Checkpoint } from "@langchain/langgraph-checkpoint";
import type { AgentSpecification } from "../../src/domain/agent-specification.js";
import { BUILTIN_TEMPLATES } from "../../src/agents/builtin-templates.js";
import { newOwner } from "../../src/storage/lease-owner.js";
import type { NewRun } from "../../src/domain/run-record.js";
import type { NewAgent, RunChange, Storage } from "../../src/storage/storage.js";
import { HISTORY_KEPT } from "../../src/storage/template-store.js";
import { type Outcome, type StoredDefinition } from "../../src/domain/agent-record.js";
import type { NewTimelineEvent } from "../../src/domain/timeline-event.js";
import { PgChangeFeed } from "../../src/storage/postgres/change-feed.js";
import { openPostgresStorage } from "../../src/storage/postgres/open.js";
import { MIGRATIONS } from "../../src/storage/postgres/pg-schema.js";
import { checkUsageLedger } from "../helpers/usage-ledger-behaviour.js";
import { freshDatabase as newDatabase, POSTGRES_URL, SKIP_POSTGRES, type FreshDatabase } from "../helpers/postgres.js";

const SERVER_URL = POSTGRES_URL;
const skip = SKIP_POSTGRES;
const LEASE_MS = 30_000;

const created: FreshDatabase[] = [];
async function freshDatabase(): Promise<string> {
  const db = await newDatabase("conductor_unit");
  created.push(db);
  return db.url;
}

let url = "";
let A: Storage;
let B: Storage;
let sql: pg.Pool;
const opened: Storage[] = [];
const open = async (target = url) => {
  const s = await openPostgresStorage(target, { owner: newOwner(), leaseMs: LEASE_MS });
  opened.push(s);
  return s;
};

before(async () => {
  if (!SERVER_URL) return;
  url = await freshDatabase();
  A = await open();
  B = await open();
  sql = new pg.Pool({ connectionString: url, max: 2 });
  // pool.end() resolves before its connections have closed: DROP DATABASE ... WITH (FORCE) may then end them
  sql.on("error", () => {});
});

after(async () => {
  if (!SERVER_URL) return;
  for (const s of opened) await s.close();
  await sql?.end();
  for (const db of created) await db.drop();
});

const newRun = (run_id: string, principal = "a", overrides: Partial<NewRun<unknown>> = {}): NewRun<unknown> => ({
  run_id, principal, objective: `objective of ${run_id}`, options: { approvals: [] }, executor: "builtin", inputs: [], ...overrides,
});
let clock = Date.parse("2025-01-01T00:00:00.000Z");
/** Creates a run with its own created_at, so "newest first" is deterministic. */
async function createRun(s: Storage, run_id: string, principal = "a"): Promise<void> {
  assert.equal(await s.runs.create(newRun(run_id, principal)), true);
  await sql.query("UPDATE conductor_runs SET created_at = $1 WHERE run_id = $2", [new Date((clock += 1000)).toISOString(), run_id]);
}
const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;
const ev = (key: string, extra: Partial<NewTimelineEvent> = {}): NewTimelineEvent => ({ key, event: "node_started", node: key, ...extra });
async function eventually(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  for (const end = Date.now() + ms; !check();) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("PostgreSQL runs", () => {
  test("create, get, inline inputs, duplicate id", { skip }, async () => {
    const run = newRun("run-get", "a", { inputs: [{ task_id: "t1", idx: 0, name: "notes.txt", text: "hello" }] });
    assert.equal(await A.runs.create(run), true);
    assert.equal(await B.runs.create(run), false, "a duplicate run id");
    const row = (await B.runs.get("run-get"))!;
    assert.deepEqual({ ...row, created_at: "", updated_at: "" }, {
      run_id: "run-get", principal: "a", status: "running", objective: "objective of run-get", options: { approvals: [] },
      workflow_mode: null, executor: "builtin", result: null, error: null, created_at: "", updated_at: "",
    });
    assert.equal(await A.runs.get("nope"), undefined);
    assert.deepEqual(await A.runs.inlineInput("run-get", "t1", 0), { name: "notes.txt", text: "hello" });
    assert.equal(await A.runs.inlineInput("run-get", "t1", 1), undefined);
    assert.equal(await A.runs.principalOf("run-get"), "a");
    assert.equal(await A.runs.principalOf("nope"), undefined);
  });

  test("list and idsStartingWith are per principal, newest first", { skip }, async () => {
    for (const [id, p] of [["lst-1", "p1"], ["lst-2", "p2"], ["lst-10", "p1"], ["other", "p1"], ["lst_%x", "p1"]] as const) await createRun(A, id, p);
    assert.deepEqual((await A.runs.list("p1")).map((r) => r.run_id), ["lst_%x", "other", "lst-10", "lst-1"]);
    assert.deepEqual((await A.runs.list("p1", 1)).map((r) => r.run_id), ["lst_%x"]);
    assert.deepEqual(Object.keys((await A.runs.list("p2"))[0]!).sort(), ["created_at", "objective", "run_id", "status", "updated_at"]);
    assert.deepEqual(await A.runs.list("nobody"), []);
    assert.deepEqual(await A.runs.idsStartingWith("p1", "lst-"), ["lst-10", "lst-1"]);
    assert.deepEqual(await A.runs.idsStartingWith("p1", "LST-1"), ["lst-10", "lst-1"], "ASCII case-insensitive, as SQLite's LIKE");
    assert.deepEqual(await A.runs.idsStartingWith("p1", "lst_%"), ["lst_%x"], "% and _ are literal");
    assert.deepEqual(await A.runs.idsStartingWith("p2", "lst-1"), []);
    assert.deepEqual(await A.runs.idsStartingWith("p1", "lst", 1), ["lst_%x"]);
  });

  test("update keeps mode and result when not given; idsWithStatus", { skip }, async () => {
    await createRun(A, "upd-1");
    await A.runs.update("upd-1", { status: "interrupted", workflow_mode: "parallel" });
    await A.runs.update("upd-1", { status: "completed", result: { answer: 42 } });
    let row = (await A.runs.get("upd-1"))!;
    assert.equal(row.status, "completed");
    assert.equal(row.workflow_mode, "parallel");
    assert.deepEqual(row.result, { answer: 42 });
    await A.runs.update("upd-1", { status: "failed", error: "boom" });
    row = (await A.runs.get("upd-1"))!;
    assert.deepEqual([row.status, row.error, row.result], ["failed", "boom", { answer: 42 }]);
    assert.ok((await A.runs.idsWithStatus("failed")).includes("upd-1"));
    assert.ok(!(await A.runs.idsWithStatus("running")).includes("upd-1"));
  });
});

describe("PostgreSQL timeline", () => {
  test("append is idempotent by key; seq is dense; page, total, nodesEntered", { skip }, async () => {
    const run = unique("tl");
    assert.equal(await A.timeline.append(run, [ev("n1"), ev("b1", { event: "branch_dispatched", node: undefined, branch_id: "b1", data: { x: 1 } })]), 2);
    assert.equal(await A.timeline.append(run, [ev("n1"), ev("n2"), ev("n1-again", { node: "n1" })]), 2);
    assert.equal(await B.timeline.append(run, [ev("n2")]), 0);
    assert.equal(await A.timeline.append(run, []), 0);
    const all = await B.timeline.page(run, 0, 100);
    assert.deepEqual(all.map((e) => e.seq), [1, 2, 3, 4]);
    assert.deepEqual(all[1], { seq: 2, timestamp: all[1]!.timestamp, event: "branch_dispatched", branch_id: "b1", data: { x: 1 } });
    assert.deepEqual(Object.keys(all[0]!).sort(), ["event", "node", "seq", "timestamp"]);
    assert.deepEqual((await B.timeline.page(run, 1, 2)).map((e) => e.seq), [2, 3]);
    assert.deepEqual((await B.timeline.page(run, 0, 10, "node_started")).map((e) => e.seq), [1, 3, 4]);
    assert.deepEqual((await B.timeline.page(run, 3, 10, "node_started")).map((e) => e.seq), [4]);
    assert.equal(await B.timeline.total(run), 4);
    assert.equal(await B.timeline.total(run, "node_started"), 3);
    assert.equal(await B.timeline.total(run, "run_failed"), 0);
    assert.equal(await B.timeline.total("no-such-run"), 0);
    assert.deepEqual(await B.timeline.nodesEntered(run), ["n1", "n2"], "in the order first entered");
  });

  test("two processes appending to one run at once: seq 1..n, no gaps, no duplicates", { skip }, async () => {
    const run = unique("race");
    const appends: Array<Promise<number>> = [];
    const append = async (s: Storage, events: NewTimelineEvent[]) => s.timeline.append(run, events);
    for (let i = 0; i < 25; i++) {
      appends.push(append(A, [ev(`a-${i}`), ev(`shared-${i}`)]));
      appends.push(append(B, [ev(`b-${i}`), ev(`shared-${i}`)]));
    }
    const added = (await Promise.all(appends)).reduce((x, y) => x + y, 0);
    assert.equal(added, 75);
    const events = await A.timeline.page(run, 0, 1000);
    assert.deepEqual(events.map((e) => e.seq), Array.from({ length: 75 }, (_, i) => i + 1));
    assert.equal(new Set(events.map((e) => e.node)).size, 75);
    assert.equal(await B.timeline.total(run), 75);
  });
});

describe("PostgreSQL leases", () => {
  test("claim, a held lease, renew, release, expiry, releaseAll", { skip }, async () => {
    await createRun(A, "lease-1");
    await createRun(A, "lease-2");
    const now = Date.now();
    assert.equal(await A.leases.claim("lease-1", now), true);
    assert.equal(await B.leases.claim("lease-1", now), false, "held by A");
    assert.equal(await A.leases.claim("lease-1", now), true, "ours");
    assert.equal(await A.leases.claim("no-such-run", now), false);
    await A.leases.renew(["lease-1"], now + LEASE_MS - 1);
    assert.equal(await B.leases.claim("lease-1", now + LEASE_MS + 1), false, "renewed");
    assert.equal(await B.leases.claim("lease-1", now + 2 * LEASE_MS), true, "expired");
    await A.leases.release("lease-1");
    assert.equal(await A.leases.claim("lease-1", now + 2 * LEASE_MS), false, "releasing someone else's lease is a no-op");
    await B.leases.release("lease-1");
    assert.equal(await A.leases.claim("lease-1", now), true, "free");
    assert.equal(await A.leases.claim("lease-2", now), true);
    await A.leases.releaseAll();
    assert.deepEqual((await sql.query("SELECT owner, lease_expires_at FROM conductor_runs WHERE run_id IN ('lease-1', 'lease-2')")).rows,
      [{ owner: null, lease_expires_at: null }, { owner: null, lease_expires_at: null }]);
  });

  test("a lease held by a dead process of this host is taken at once", { skip }, async () => {
    const exited = spawnSync(process.execPath, ["-e", "0"]).pid!;
    await createRun(A, "lease-dead");
    await sql.query("UPDATE conductor_runs SET owner = $1, lease_expires_at = $2 WHERE run_id = 'lease-dead'",
      [`${os.hostname()}:${exited}:deadbeef`, Date.now() + 10 * LEASE_MS]);
    assert.equal(await B.leases.claim("lease-dead"), true);
    await B.leases.release("lease-dead");
  });

  test("claimOrphans: two processes at once never claim the same run; never our own; held leases stay", { skip }, async () => {
    await sql.query("UPDATE conductor_runs SET status = 'completed' WHERE status = 'running'");
    const now = Date.now();
    const exited = spawnSync(process.execPath, ["-e", "0"]).pid!;
    const orphans: string[] = [];
    for (let i = 0; i < 30; i++) {
      const id = `orphan-${String(i).padStart(2, "0")}`;
      await createRun(A, id);
      orphans.push(id);
    }
    await sql.query("UPDATE conductor_runs SET owner = 'elsewhere:1:x', lease_expires_at = $1 WHERE run_id IN ('orphan-00', 'orphan-01')", [now - 1]);
    await sql.query("UPDATE conductor_runs SET owner = $1, lease_expires_at = $2 WHERE run_id = 'orphan-02'", [`${os.hostname()}:${exited}:x`, now + LEASE_MS]);
    await createRun(A, "held");
    await sql.query("UPDATE conductor_runs SET owner = 'elsewhere:1:y', lease_expires_at = $1 WHERE run_id = 'held'", [now + LEASE_MS]);
    await createRun(A, "finished");
    await A.runs.update("finished", { status: "completed" });
    const C = await open();
    const [a, b, c] = await Promise.all([A.leases.claimOrphans(now), B.leases.claimOrphans(now), C.leases.claimOrphans(now)]);
    const all = [...a, ...b, ...c];
    assert.equal(new Set(all).size, all.length, "no run claimed twice");
    assert.deepEqual([...all].sort(), orphans);
    for (const ids of [a, b, c]) assert.deepEqual(ids, [...ids].sort(), "oldest first");
    const owners = (await sql.query("SELECT run_id, owner FROM conductor_runs WHERE run_id LIKE 'orphan-%'")).rows as Array<{ run_id: string; owner: string }>;
    for (const r of owners) assert.equal(r.owner, (a.includes(r.run_id) ? A : b.includes(r.run_id) ? B : C).leases.owner.id, r.run_id);
    assert.deepEqual(await A.leases.claimOrphans(now), [], "A's own runs are not orphans to A, nor B's or C's live leases");
    assert.deepEqual(await A.leases.claimOrphans(now + 2 * LEASE_MS), [...[...b, ...c].sort(), "held"], "expired: others' and 'held', not A's own");
  });
});

const spec = (agent_type: string, note = ""): AgentSpecification => ({ agent_type, instructions: note } as unknown as AgentSpecification);
const agent = (agent_id: string, agent_type: string, overrides: Partial<NewAgent> = {}): NewAgent => ({
  agent_id, principal: "ag", agent_type, run_id: "run-ag", task_id: "t1", standalone: false, specification: spec(agent_type, "first"), ...overrides,
});
const definition = (agent_type: string, overrides: Partial<StoredDefinition> = {}): StoredDefinition => ({
  agent_type, description: "Finds market facts", capabilities: ["research"], instructions: "Read the sources.", executor: "builtin",
  resource_requirements: { cpu: 0.25, memory_mb: 128 }, default_parameters: {}, max_concurrent_tasks: 3, timeout_seconds: 300, retry_attempts: 2, ...overrides,
});
const template = async (s: Storage, principal: string, type: string) => (await s.templates.all(principal)).find((t) => t.agent_type === type)!;

describe("PostgreSQL templates", () => {
  test("ensureBuiltins is idempotent; a changed built-in keeps its statistics", { skip }, async () => {
    await Promise.all([A.templates.ensureBuiltins(BUILTIN_TEMPLATES), B.templates.ensureBuiltins(BUILTIN_TEMPLATES)]);
    await A.templates.ensureBuiltins(BUILTIN_TEMPLATES);
    const all = await B.templates.all("t");
    assert.deepEqual(all.map((t) => t.agent_type), BUILTIN_TEMPLATES.map((t) => t.agent_type).sort());
    for (const t of all) assert.deepEqual([t.version, t.builtin, t.success_rate, t.runs, t.mean_quality], [1, true, 1, 0, null]);
    assert.deepEqual(await A.templates.find("t", "research_specialist"), { version: 1, builtin: true });
    assert.equal(await A.templates.recordOutcome(outcome({ principal: "t", agent_type: "research_specialist", success: false, quality: 0.5 })), true);
    await A.templates.ensureBuiltins(BUILTIN_TEMPLATES.map((d) => d.agent_type === "research_specialist" ? { ...d, description: "changed" } : d));
    const t = await template(B, "t", "research_specialist");
    assert.deepEqual([t.description, t.version, t.runs, t.success_rate, t.mean_quality], ["changed", 1, 1, 0, 0.5]);
    await A.templates.ensureBuiltins(BUILTIN_TEMPLATES);
  });

  test("save (new and replace), find, all: built-ins first, then the principal's own", { skip }, async () => {
    assert.equal(await A.templates.find("t", "market_researcher"), undefined);
    assert.equal(await A.templates.save("t", definition("market_researcher"), false), 1);
    await assert.rejects(async () => A.templates.save("t", definition("market_researcher"), false), "no replace: the key exists");
    assert.deepEqual(await B.templates.find("t", "market_researcher"), { version: 1, builtin: false });
    assert.equal(await B.templates.find("other", "market_researcher"), undefined, "another principal's");
    assert.equal(await B.templates.save("t", definition("market_researcher", { description: "v2", max_concurrent_tasks: 5 }), true), 2);
    assert.equal(await B.templates.save("t", definition("a_new_one"), true), 1, "replace of a missing type creates version 1");
    const mine = await template(A, "t", "market_researcher");
    assert.deepEqual([mine.version, mine.builtin, mine.description, mine.max_concurrent_tasks], [2, false, "v2", 5]);
    const types = (await A.templates.all("t")).map((x) => x.agent_type);
    assert.deepEqual(types, [...BUILTIN_TEMPLATES.map((x) => x.agent_type).sort(), "a_new_one", "market_researcher"]);
    assert.deepEqual((await A.templates.all("other")).length, BUILTIN_TEMPLATES.length);
  });

  test("recordOutcome once per key (null run and branch too); counters; history newest first, pruned", { skip }, async () => {
    await A.templates.save("h", definition("tracked"), false);
    const first = outcome({ principal: "h", agent_type: "tracked", run_id: null, branch_id: null, quality: 0.9, seconds: 4 });
    assert.deepEqual(await Promise.all([A.templates.recordOutcome(first), B.templates.recordOutcome(first)]).then((r) => r.sort()), [false, true]);
    assert.equal(await A.templates.recordOutcome(first), false);
    assert.equal(await A.templates.recordOutcome(outcome({ principal: "h", agent_type: "tracked", attempt: 2, success: false, quality: 0.4, seconds: 6 })), true);
    const t = await template(A, "h", "tracked");
    assert.deepEqual([t.runs, t.successes, t.success_rate, t.mean_quality, t.mean_seconds], [2, 1, 0.5, 0.65, 5]);
    const history = await B.templates.history("h", "tracked");
    assert.deepEqual(history, [
      { agent_id: "agent-1", run_id: "run-1", branch_id: "b1", attempt: 2, success: false, quality: 0.4, seconds: 6, at: history[0]!.at },
      { agent_id: "agent-1", run_id: "", branch_id: "", attempt: 1, success: true, quality: 0.9, seconds: 4, at: history[1]!.at },
    ]);
    assert.deepEqual(await B.templates.history("other", "tracked"), []);
    for (let batch = 0; batch < HISTORY_KEPT / 50 + 1; batch++) {
      await Promise.all(Array.from({ length: 50 }, (_, i) =>
        (i % 2 ? A : B).templates.recordOutcome(outcome({ principal: "h", agent_type: "tracked", run_id: `r-${batch}`, attempt: i }))));
    }
    assert.equal((await A.templates.history("h", "tracked", 5000)).length, HISTORY_KEPT);
    assert.equal((await template(A, "h", "tracked")).runs, 2 + HISTORY_KEPT + 50, "the counters cover every outcome");
  });
});

/** The ids of a run's active agents, as one backend sees them. */
async function activeOfRun(storage: Storage, runId: string): Promise<string[]> {
  return (await storage.agents.active()).filter((a) => a.run_id === runId).map((a) => a.agent_id).sort();
}

function outcome(overrides: Partial<Outcome> = {}): Outcome {
  return { agent_type: "market_researcher", principal: "t", agent_id: "agent-1", run_id: "run-1", branch_id: "b1", attempt: 1, success: true, quality: 0.8, seconds: 10, ...overrides };
}

describe("PostgreSQL agents and branch results", () => {
  test("record is idempotent and counts each creation once, on the principal's template or the built-in", { skip }, async () => {
    await A.templates.ensureBuiltins(BUILTIN_TEMPLATES);
    await A.templates.save("ag", definition("own_type"), false);
    const count = async (type: string) => (await template(A, "ag", type)).creation_count;
    const before = await count("research_specialist");
    const records = await A.agents.record([agent("ag-1", "research_specialist"), agent("ag-2", "own_type"), agent("ag-3", "research_specialist", { standalone: true, run_id: null, task_id: null })]);
    assert.deepEqual(records.map((r) => [r.agent_id, r.standalone, r.status, r.run_id]), [["ag-1", false, "active", "run-ag"], ["ag-2", false, "active", "run-ag"], ["ag-3", true, "active", null]]);
    assert.deepEqual(records[0]!.specification, spec("research_specialist", "first"));
    const again = await Promise.all([
      A.agents.record([agent("ag-3", "research_specialist", { specification: spec("x", "second") }), agent("ag-4", "own_type")]),
      B.agents.record([agent("ag-4", "own_type"), agent("ag-1", "research_specialist", { specification: spec("x", "second") })]),
    ]);
    assert.deepEqual(again.map((rs) => rs.map((r) => r.agent_id)), [["ag-3", "ag-4"], ["ag-4", "ag-1"]]);
    assert.deepEqual(again[1][1]!.specification, spec("research_specialist", "first"), "an id recorded before keeps its first specification");
    assert.equal(await count("research_specialist") - before, 2);
    assert.equal(await count("own_type"), 2);
    assert.deepEqual(await A.agents.record([]), []);
  });

  test("get, active, retire, retireRun, touch, idleSince", { skip }, async () => {
    assert.equal((await B.agents.get("ag-1"))!.principal, "ag");
    assert.equal(await B.agents.get("nope"), undefined);
    assert.deepEqual((await B.agents.active("ag")).map((r) => r.agent_id).sort(), ["ag-1", "ag-2", "ag-3", "ag-4"]);
    assert.deepEqual(await B.agents.active("nobody"), []);
    assert.ok((await B.agents.active()).length >= 4);
    assert.deepEqual(await activeOfRun(B, "run-ag"), ["ag-1", "ag-2", "ag-4"]);
    assert.deepEqual(await B.agents.idleSince(new Date(Date.now() + 60_000)), ["ag-3"]);
    await A.agents.touch("ag-3");
    assert.deepEqual(await B.agents.idleSince(new Date(Date.now() - 60_000)), []);
    assert.equal(await A.agents.retire("ag-1"), true);
    assert.equal(await B.agents.retire("ag-1"), false);
    assert.equal((await B.agents.get("ag-1"))!.status, "retired");
    assert.deepEqual(await activeOfRun(B, "run-ag"), ["ag-2", "ag-4"]);
    assert.deepEqual((await A.agents.retireRun("run-ag")).sort(), ["ag-2", "ag-4"], "retireRun retires the run's active agents at once");
    assert.deepEqual(await B.agents.retireRun("run-ag"), [], "and finds none a second time");
    assert.equal((await B.agents.get("ag-3"))!.status, "active", "an agent of no run is left alone");
  });

  test("branch results: put, overwrite, get; nothing found is empty", { skip }, async () => {
    assert.deepEqual(await A.results.get("br", "b1", 1), { findings: [] });
    await A.results.put("br", "b1", 1, { findings: [], notes: ["first"] });
    await B.results.put("br", "b1", 1, { findings: [], notes: ["second"] });
    await B.results.put("br", "b1", 2, { findings: [], notes: ["attempt 2"] });
    assert.deepEqual(await A.results.get("br", "b1", 1), { findings: [], notes: ["second"] });
    assert.deepEqual(await A.results.get("br", "b1", 2), { findings: [], notes: ["attempt 2"] });
  });
});

describe("PostgreSQL usage ledger", () => {
  test("atomic reservations against a budget from two processes, idempotent keys, bills", { skip }, async () => {
    await createRun(A, "run-ledger");
    await checkUsageLedger(A, B, "run-ledger");
  });
});

describe("PostgreSQL change feed, checkpoints, opening", () => {
  test("a change published by A reaches B, not A; reconnects when its connection drops", { skip }, async () => {
    const heardA: RunChange[] = [];
    const heardB: RunChange[] = [];
    A.changes.start((c) => heardA.push(c), () => []);
    B.changes.start((c) => heardB.push(c), () => []);
    await (A.changes as PgChangeFeed).whenListening();
    await (B.changes as PgChangeFeed).whenListening();
    await A.changes.publish({ run_id: "feed-1", kind: "created" });
    await A.changes.publish({ run_id: "feed-1", kind: "changed" });
    await eventually(() => heardB.length >= 2, "B to hear A's changes");
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(heardB, [{ run_id: "feed-1", kind: "created" }, { run_id: "feed-1", kind: "changed" }]);
    assert.equal(heardA.length, 0, "A does not hear itself");
    // A burst: repeated changes of a run go out once; more than one notification's payload is split, none lost.
    heardB.length = 0;
    for (let i = 0; i < 3; i++) A.changes.publish({ run_id: "feed-burst", kind: "changed" });
    const many = Array.from({ length: 400 }, (_, i) => `run-${"x".repeat(40)}-${i}`);
    for (const id of many) A.changes.publish({ run_id: id, kind: "created" });
    await eventually(() => heardB.length >= 401, "B to hear the burst");
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(heardB.filter((c) => c.run_id === "feed-burst").length, 1, "coalesced");
    assert.deepEqual(new Set(heardB.filter((c) => c.kind === "created").map((c) => c.run_id)), new Set(many));
    await sql.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'");
    await eventually(() => {
      Promise.resolve().then(() => B.changes.publish({ run_id: "feed-2", kind: "changed" })).catch(() => {});
      return heardA.some((c) => c.run_id === "feed-2");
    }, "A to listen again");
    await A.changes.stop();
    await B.changes.stop();
  });

  test("pruning a finished thread leaves its last checkpoint and the values it refers to", { skip }, async () => {
    const saver = A.checkpointer;
    let config = { configurable: { thread_id: "prune-1", checkpoint_ns: "" } };
    for (let i = 1; i <= 4; i++) {
      const checkpoint: Checkpoint = {
        v: 4, id: `1f000000-0000-6000-8000-00000000000${i}`, ts: new Date().toISOString(),
        channel_values: { changing: `value ${i}`, constant: "same" }, channel_versions: { changing: i, constant: 1 }, versions_seen: {},
      };
      config = await saver.put(config, checkpoint, { source: "loop", step: i, parents: {} }, i === 1 ? { changing: 1, constant: 1 } : { changing: i }) as typeof config;
      await saver.putWrites(config, [["changing", `write ${i}`]], "task-1");
    }
    const count = async (table: string) => Number((await sql.query(`SELECT COUNT(*) AS n FROM ${table} WHERE thread_id = 'prune-1'`)).rows[0].n);
    assert.deepEqual([await count("checkpoints"), await count("checkpoint_blobs"), await count("checkpoint_writes")], [4, 5, 4]);
    assert.equal(await B.pruneCheckpoints("prune-1"), 3);
    assert.deepEqual([await count("checkpoints"), await count("checkpoint_blobs"), await count("checkpoint_writes")], [1, 2, 1]);
    const tuple = (await B.checkpointer.getTuple({ configurable: { thread_id: "prune-1" } }))!;
    assert.deepEqual(tuple.checkpoint.channel_values, { changing: "value 4", constant: "same" });
    assert.equal(tuple.pendingWrites?.length, 1);
    assert.equal(await B.pruneCheckpoints("prune-1"), 0);
  });

  test("healthy; three processes opening an empty database at once all succeed", { skip }, async () => {
    assert.equal(await A.healthy(), true);
    const empty = await freshDatabase();
    const three = await Promise.all([open(empty), open(empty), open(empty)]);
    for (const s of three) assert.equal(s.backend, "postgres");
    await three[0]!.templates.ensureBuiltins(BUILTIN_TEMPLATES);
    assert.equal((await three[2]!.templates.all("x")).length, BUILTIN_TEMPLATES.length);
    const client = new pg.Client({ connectionString: empty });
    await client.connect();
    assert.deepEqual((await client.query("SELECT version FROM conductor_migrations ORDER BY version")).rows, MIGRATIONS.map((m) => ({ version: m.version })), "each migration once");
    assert.equal((await client.query("SELECT COUNT(*)::int AS n FROM checkpoint_migrations")).rows[0].n, 5);
    await client.end();
    await three[1]!.close();
    assert.equal(await three[1]!.healthy(), false, "closed");
  });
});
