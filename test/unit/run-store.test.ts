import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { openDatabase } from "../../src/storage/database.js";
import { RunStore } from "../../src/storage/run-store.js";
import { type NewRun } from "../../src/domain/run-record.js";

const newRun = (run_id: string, principal: string, overrides: Partial<NewRun<unknown>> = {}): NewRun<unknown> => ({
  run_id, principal, objective: `objective of ${run_id}`, options: { approvals: [] }, executor: "builtin", inputs: [], ...overrides,
});

function setup() {
  const db = openDatabase(":memory:");
  const runs = new RunStore(db);
  // created_at has millisecond resolution: give each run its own time so "newest first" is deterministic
  const at = db.prepare("UPDATE conductor_runs SET created_at = ? WHERE run_id = ?");
  let clock = Date.parse("2025-01-01T00:00:00.000Z");
  const create = (run_id: string, principal: string) => {
    assert.equal(runs.create(newRun(run_id, principal)), true);
    at.run(new Date((clock += 1000)).toISOString(), run_id);
  };
  return { db, runs, create };
}

describe("RunStore principals", () => {
  test("a run keeps its principal", () => {
    const { runs, create } = setup();
    create("run-a1", "a");
    assert.equal(runs.get("run-a1")!.principal, "a");
  });

  test("list is per principal, newest first", () => {
    const { runs, create } = setup();
    create("run-a1", "a");
    create("run-b1", "b");
    create("run-a2", "a");
    assert.deepEqual(runs.list("a").map((r) => r.run_id), ["run-a2", "run-a1"]);
    assert.deepEqual(runs.list("b").map((r) => r.run_id), ["run-b1"]);
    assert.deepEqual(runs.list("nobody"), []);
    assert.deepEqual(runs.list("a", 1).map((r) => r.run_id), ["run-a2"]);
    assert.deepEqual(Object.keys(runs.list("b")[0]!).sort(), ["created_at", "objective", "run_id", "status", "updated_at"], "a summary, no principal or options");
  });

  test("idsStartingWith completes only the principal's run ids", () => {
    const { runs, create } = setup();
    create("run-1", "a");
    create("run-2", "b");
    create("run-10", "a");
    create("other", "a");
    assert.deepEqual(runs.idsStartingWith("a", "run-"), ["run-10", "run-1"]);
    assert.deepEqual(runs.idsStartingWith("b", "run-"), ["run-2"]);
    assert.deepEqual(runs.idsStartingWith("b", "run-1"), []);
    assert.deepEqual(runs.idsStartingWith("a", ""), ["other", "run-10", "run-1"]);
    assert.deepEqual(runs.idsStartingWith("a", "run-", 1), ["run-10"]);
    assert.deepEqual(runs.idsStartingWith("nobody", ""), []);
  });

  test("idsStartingWith treats % and _ in the prefix literally", () => {
    const { runs, create } = setup();
    create("a_b", "a");
    create("axb", "a");
    create("50%", "a");
    create("500", "a");
    assert.deepEqual(runs.idsStartingWith("a", "a_"), ["a_b"]);
    assert.deepEqual(runs.idsStartingWith("a", "50%"), ["50%"]);
  });

  test("principalOf names the run's principal, undefined for an unknown run, and survives a new store", () => {
    const { db, runs, create } = setup();
    create("run-a", "a");
    create("run-b", "b");
    assert.equal(runs.principalOf("run-a"), "a");
    assert.equal(runs.principalOf("run-b"), "b");
    assert.equal(runs.principalOf("run-a"), "a", "cached");
    assert.equal(runs.principalOf("missing"), undefined);
    create("missing", "c");
    assert.equal(runs.principalOf("missing"), "c", "an unknown run is not cached as unknown");
    assert.equal(new RunStore(db).principalOf("run-b"), "b");
  });

  test("a run id is taken across principals: another principal's create of it is refused and changes nothing", () => {
    const { runs, create } = setup();
    create("run-x", "a");
    assert.equal(runs.create(newRun("run-x", "b", { objective: "b's" })), false);
    assert.equal(runs.get("run-x")!.principal, "a");
    assert.equal(runs.get("run-x")!.objective, "objective of run-x");
    assert.equal(runs.principalOf("run-x"), "a");
    assert.deepEqual(runs.list("b"), []);
  });

  test("a run row written without a principal (one from before migration 6) is local's", () => {
    const { db, runs } = setup();
    db.prepare(`INSERT INTO conductor_runs (run_id, status, objective, options_json, executor, created_at, updated_at)
      VALUES ('old-run', 'completed', 'old', '{}', 'builtin', 't', 't')`).run();
    assert.equal(runs.principalOf("old-run"), "local");
    assert.deepEqual(runs.list("local").map((r) => r.run_id), ["old-run"]);
  });
});
