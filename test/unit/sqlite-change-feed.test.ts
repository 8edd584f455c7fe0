import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDatabase } from "../../src/storage/database.js";
import { RunStore } from "../../src/storage/run-store.js";
import { TimelineStore } from "../../src/storage/timeline-store.js";
import { SqlitePollingFeed } from "../../src/storage/sqlite-change-feed.js";
import type { RunChange } from "../../src/storage/storage.js";

const until = async (cond: () => boolean, what: string) => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(cond(), `timed out waiting for ${what}`);
};

test("two processes on one file: each hears the other's new runs and subscribed runs' changes, not its own new runs", async () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "feed-")), "c.db");
  const [dbA, dbB] = [openDatabase(file), openDatabase(file)];
  const feedA = new SqlitePollingFeed(dbA, 20);
  const feedB = new SqlitePollingFeed(dbB, 20);
  const heardA: RunChange[] = [];
  const heardB: RunChange[] = [];
  feedA.start((c) => heardA.push(c), () => []);
  feedB.start((c) => heardB.push(c), () => ["r1"]);
  try {
    const run = (id: string) => ({ run_id: id, principal: "local", objective: "o", options: {}, executor: "builtin", inputs: [] });
    assert.equal(new RunStore(dbA).create(run("r1")), true);
    feedA.publish({ run_id: "r1", kind: "created" });
    await until(() => heardB.some((c) => c.kind === "created"), "B to hear r1 created");
    new TimelineStore(dbA).append("r1", [{ key: "k1", event: "run_started" }]);
    await until(() => heardB.filter((c) => c.kind === "changed").length >= 2, "B to hear r1 change after its first poll");
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(heardB.filter((c) => c.kind === "created"), [{ run_id: "r1", kind: "created" }], "once");
    assert.deepEqual(heardA, [], "A created r1 itself and subscribed to nothing");
  } finally {
    await feedA.stop();
    await feedB.stop();
    dbA.close();
    dbB.close();
  }
});
