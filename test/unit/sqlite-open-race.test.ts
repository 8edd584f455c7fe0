/**
 * Several server processes started together on one new SQLite file (a cluster on one host, a supervisor starting
 * workers): each must open it, none may fail on another's WAL switch (SQLITE_BUSY) or apply a migration twice
 * ("duplicate column name"). Before the fix about 4 in 100 such opens failed, and this test failed about 1 run in 3.
 */
import assert from "node:assert/strict";
import { fork } from "node:child_process";
import path from "node:path";
import { test } from "node:test";
import Database from "better-sqlite3";
import { FIXTURES, tempDir } from "../helpers/server.js";
import { migrate } from "../../src/storage/database.js";

const opener = path.join(FIXTURES, "open-database.ts");

function openInChild(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = fork(opener, [file], { execArgv: ["--import", "tsx"] });
    child.once("message", (m) => resolve(String(m)));
    child.once("error", reject);
    child.once("exit", (code) => resolve(`exited ${code} without a word`));
  });
}

test("five processes opening one new SQLite file at once all open it, and each migration is applied once", async () => {
  for (let round = 0; round < 6; round++) {
    const file = path.join(tempDir(), "conductor.db");
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => openInChild(file)));
    assert.deepEqual(outcomes, Array(5).fill("ok"), `round ${round}`);
    const db = new Database(file, { readonly: true });
    try {
      const versions = db.prepare("SELECT version FROM conductor_migrations ORDER BY version").pluck().all() as number[];
      assert.deepEqual(versions, [...new Set(versions)], "no migration recorded twice");
      assert.equal(versions.at(-1), migrate(new Database(":memory:")), "every migration applied");
      assert.equal(db.pragma("journal_mode", { simple: true }), "wal");
    } finally {
      db.close();
    }
  }
});
