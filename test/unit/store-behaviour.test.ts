/**
 * The shared store behaviours (test/helpers/store-behaviour/) against SQLite: each test gets a new database file,
 * opened twice, as two server processes would (test/unit/postgres-store-behaviour.test.ts runs the same on PostgreSQL).
 */
import { describe } from "node:test";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDatabase } from "../../src/storage/database.js";
import { newOwner } from "../../src/storage/lease-owner.js";
import { openSqliteStorage } from "../../src/storage/sqlite-storage.js";
import type { Storage } from "../../src/storage/storage.js";
import { defineStoreBehaviour } from "../helpers/store-behaviour/index.js";
import { LEASE_MS, type Lease, type StoreHarness } from "../helpers/store-behaviour/harness.js";

async function openSqlite(): Promise<StoreHarness> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "store-behaviour-"));
  const file = path.join(dir, "conductor.db");
  const opened: Storage[] = [];
  const open = () => {
    const s = openSqliteStorage(file, { owner: newOwner(), leaseMs: LEASE_MS });
    opened.push(s);
    return s;
  };
  const a = open();
  const b = open();
  const db = openDatabase(file);
  const changed = (what: string, changes: number) => {
    if (changes !== 1) throw new Error(`backdoor: no ${what}`);
  };
  return {
    backend: "sqlite",
    a,
    b,
    another: async () => open(),
    backdoor: {
      async setRunCreatedAt(runId, iso) {
        changed(`run ${runId}`, db.prepare("UPDATE conductor_runs SET created_at = ? WHERE run_id = ?").run(iso, runId).changes);
      },
      async setRunUpdatedAt(runId, iso) {
        changed(`run ${runId}`, db.prepare("UPDATE conductor_runs SET updated_at = ? WHERE run_id = ?").run(iso, runId).changes);
      },
      async rowsOf(runId) {
        const count = (table: string, column = "run_id") => {
          const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table);
          return exists ? (db.prepare(`SELECT COUNT(*) FROM ${table} WHERE ${column} = ?`).pluck().get(runId) as number) : 0;
        };
        return {
          runs: count("conductor_runs"), inputs: count("conductor_inputs"), events: count("conductor_events"),
          results: count("conductor_branch_results"), usage: count("conductor_model_usage"), agents: count("conductor_agents"),
          checkpoints: count("checkpoints", "thread_id"), writes: count("writes", "thread_id"),
          blobs: count("conductor_checkpoint_blobs", "thread_id"), entries: count("conductor_checkpoint_entries", "thread_id"),
        };
      },
      async setAgentTimes(agentId, times) {
        changed(`agent ${agentId}`, db.prepare(`UPDATE conductor_agents SET created_at = COALESCE(?, created_at), last_used_at = COALESCE(?, last_used_at)
          WHERE agent_id = ?`).run(times.created_at ?? null, times.last_used_at ?? null, agentId).changes);
      },
      async setLease(runId, lease) {
        changed(`run ${runId}`, db.prepare("UPDATE conductor_runs SET owner = ?, lease_expires_at = ? WHERE run_id = ?").run(lease.owner, lease.lease_expires_at, runId).changes);
      },
      async leaseOf(runId) {
        return db.prepare("SELECT owner, lease_expires_at FROM conductor_runs WHERE run_id = ?").get(runId) as Lease | undefined;
      },
    },
    async close() {
      for (const s of opened) await s.close();
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe("SQLite", () => defineStoreBehaviour(openSqlite));
