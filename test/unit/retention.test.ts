/**
 * Retention (--retain-days) with an injected clock, on a real SQLite database opened as two processes: a sweep
 * deletes the finished runs last changed before now - N days, in batches, and never a running or paused run, a
 * run still stopping in this process, or a newer one; runs being written meanwhile (another process) are untouched.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { test } from "node:test";
import { newOwner } from "../../src/storage/lease-owner.js";
import { openSqliteStorage } from "../../src/storage/sqlite-storage.js";
import { RunDeletion } from "../../src/runs/run-deletion.js";
import { openDatabase } from "../../src/storage/database.js";
import type { RunStatusName } from "../../src/domain/run-record.js";
import { tempDir } from "../helpers/server.js";

const DAY = 86_400_000;
const NOW = Date.parse("2026-06-01T00:00:00Z");
const quiet = { debug() {}, info() {}, warning() {}, error() {} };

test("a retention sweep deletes only finished runs older than N days, in batches, while other runs go on", async () => {
  const file = path.join(tempDir(), "conductor.db");
  const mine = openSqliteStorage(file, { owner: newOwner(), leaseMs: 30_000 });
  const other = openSqliteStorage(file, { owner: newOwner(), leaseMs: 30_000 });
  const raw = openDatabase(file);
  try {
    const setUpdated = raw.prepare("UPDATE conductor_runs SET updated_at = ? WHERE run_id = ?");
    const make = async (id: string, status: RunStatusName, daysAgo: number) => {
      assert.ok(await mine.runs.create({ run_id: id, principal: "p", objective: id, options: {}, executor: "builtin", inputs: [{ task_id: "t1", idx: 0, name: "doc", text: `text of ${id}` }] }));
      if (status !== "running") await mine.runs.update(id, { status });
      setUpdated.run(new Date(NOW - daysAgo * DAY).toISOString(), id);
    };
    // 45 old finished runs (more than two batches), one of each unfinished status, one stopping here, newer ones.
    for (let i = 0; i < 45; i++) await make(`old-${String(i).padStart(2, "0")}`, (["completed", "failed", "cancelled"] as const)[i % 3]!, 10 + i / 10);
    await make("old-running", "running", 30);
    await make("old-paused", "interrupted", 30);
    await make("old-stopping", "cancelled", 30);
    await make("recent", "completed", 6.9);

    const deletion = new RunDeletion({
      runs: mine.runs, deleteRuns: (ids) => mine.deleteRuns(ids), isBusy: (id) => id === "old-stopping", forget: () => {}, log: quiet,
      retainDays: 7, now: () => NOW,
    });
    // Another process keeps starting and writing runs while the sweep runs.
    let writes = 0;
    const busy = (async () => {
      for (let i = 0; i < 30; i++) {
        await other.runs.create({ run_id: `live-${i}`, principal: "p", objective: "live", options: {}, executor: "builtin", inputs: [] });
        await other.timeline.append(`live-${i}`, [{ key: "start", event: "run_started" }]);
        writes++;
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const [deleted] = await Promise.all([deletion.sweep(), busy]);
    assert.equal(deleted, 45);
    assert.equal(writes, 30);
    const left = (raw.prepare("SELECT run_id FROM conductor_runs ORDER BY run_id").pluck().all() as string[]).filter((id) => !id.startsWith("live-"));
    assert.deepEqual(left, ["old-paused", "old-running", "old-stopping", "recent"]);
    assert.equal(raw.prepare("SELECT COUNT(*) FROM conductor_runs WHERE run_id LIKE 'live-%'").pluck().get(), 30);
    assert.equal(raw.prepare("SELECT COUNT(*) FROM conductor_inputs WHERE run_id LIKE 'old-%'").pluck().get(), 3, "the kept old runs keep their inputs");
    assert.equal(await deletion.sweep(), 0, "a second sweep finds nothing more");
    assert.equal(await new RunDeletion({ runs: mine.runs, deleteRuns: (ids) => mine.deleteRuns(ids), isBusy: () => false, forget: () => {}, log: quiet }).sweep(), 0, "no --retain-days: nothing is ever swept");
  } finally {
    raw.close();
    await mine.close();
    await other.close();
  }
});
