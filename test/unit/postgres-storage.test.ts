/**
 * What only the PostgreSQL storage (src/storage/postgres/) has, against a real server: the change feed between
 * processes, checkpoint pruning, and opening (migrations) from several processes at once. What every backend's
 * stores must do is defined once in test/helpers/store-behaviour/ and run on PostgreSQL by
 * postgres-store-behaviour.test.ts. CONDUCTOR_TEST_POSTGRES_URL names the server (any database on it; this file
 * creates fresh databases for its run and drops them after). Without it every test is reported as skipped. Two
 * Storage instances with their own lease owners stand for two server processes.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import pg from "pg";
import type { Checkpoint } from "@langchain/langgraph-checkpoint";
import { BUILTIN_TEMPLATES } from "../../src/agents/builtin-templates.js";
import { newOwner } from "../../src/storage/lease-owner.js";
import type { RunChange, Storage } from "../../src/storage/storage.js";
import { PgChangeFeed } from "../../src/storage/postgres/change-feed.js";
import { openPostgresStorage } from "../../src/storage/postgres/open.js";
import { MIGRATIONS } from "../../src/storage/postgres/pg-schema.js";
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

async function eventually(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  for (const end = Date.now() + ms; !check();) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

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
    const saver = await A.checkpointer();
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
    const tuple = (await (await B.checkpointer()).getTuple({ configurable: { thread_id: "prune-1" } }))!;
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
