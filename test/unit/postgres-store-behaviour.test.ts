/**
 * The shared store behaviours (test/helpers/store-behaviour/) against PostgreSQL: CONDUCTOR_TEST_POSTGRES_URL
 * names the server (scripts/with-postgres.sh starts one); without it the suite is reported as skipped. One fresh
 * database for the file, emptied before each test, which opens two storages on it as two server processes would
 * (test/unit/store-behaviour.test.ts runs the same on SQLite).
 */
import { after, before, describe } from "node:test";
import pg from "pg";
import { newOwner } from "../../src/storage/lease-owner.js";
import { openPostgresStorage } from "../../src/storage/postgres/open.js";
import type { Storage } from "../../src/storage/storage.js";
import { defineStoreBehaviour } from "../helpers/store-behaviour/index.js";
import { LEASE_MS, type Lease, type StoreHarness } from "../helpers/store-behaviour/harness.js";
import { freshDatabase, SKIP_POSTGRES, type FreshDatabase } from "../helpers/postgres.js";

/** Every table of the server's own (not the checkpointer's): what a test may have written. */
const TABLES = ["conductor_runs", "conductor_inputs", "conductor_events", "conductor_agent_templates", "conductor_agent_outcomes",
  "conductor_agents", "conductor_branch_results", "conductor_model_usage", "conductor_deleted_runs", "checkpoints", "checkpoint_writes", "checkpoint_blobs"];

let database: FreshDatabase | undefined;
let sql: pg.Pool | undefined;

async function openPostgres(): Promise<StoreHarness> {
  const { url } = database!;
  const opened: Storage[] = [];
  const open = async () => {
    const s = await openPostgresStorage(url, { owner: newOwner(), leaseMs: LEASE_MS });
    opened.push(s);
    return s;
  };
  // New storages for every test (no cache survives from one to the next); the first ones create the schema.
  const a = await open();
  const b = await open();
  await sql!.query(`TRUNCATE ${TABLES.join(", ")} RESTART IDENTITY`);
  const changed = (what: string, result: pg.QueryResult) => {
    if (result.rowCount !== 1) throw new Error(`backdoor: no ${what}`);
  };
  return {
    backend: "postgres",
    a,
    b,
    another: open,
    backdoor: {
      async setRunCreatedAt(runId, iso) {
        changed(`run ${runId}`, await sql!.query("UPDATE conductor_runs SET created_at = $1 WHERE run_id = $2", [iso, runId]));
      },
      async setRunUpdatedAt(runId, iso) {
        changed(`run ${runId}`, await sql!.query("UPDATE conductor_runs SET updated_at = $1 WHERE run_id = $2", [iso, runId]));
      },
      async rowsOf(runId) {
        const count = async (table: string, column = "run_id") => {
          const { rows } = await sql!.query<{ n: string }>(`SELECT COUNT(*) AS n FROM ${table} WHERE ${column} = $1`, [runId]);
          return Number(rows[0]!.n);
        };
        return {
          runs: await count("conductor_runs"), inputs: await count("conductor_inputs"), events: await count("conductor_events"),
          results: await count("conductor_branch_results"), usage: await count("conductor_model_usage"), agents: await count("conductor_agents"),
          checkpoints: await count("checkpoints", "thread_id"), writes: await count("checkpoint_writes", "thread_id"),
          blobs: await count("checkpoint_blobs", "thread_id"), entries: 0,
        };
      },
      async setAgentTimes(agentId, times) {
        changed(`agent ${agentId}`, await sql!.query(`UPDATE conductor_agents SET created_at = COALESCE($1, created_at),
          last_used_at = COALESCE($2, last_used_at) WHERE agent_id = $3`, [times.created_at ?? null, times.last_used_at ?? null, agentId]));
      },
      async setLease(runId, lease) {
        changed(`run ${runId}`, await sql!.query("UPDATE conductor_runs SET owner = $1, lease_expires_at = $2 WHERE run_id = $3",
          [lease.owner, lease.lease_expires_at, runId]));
      },
      async leaseOf(runId) {
        const [row] = (await sql!.query<{ owner: string | null; lease_expires_at: string | null }>(
          "SELECT owner, lease_expires_at FROM conductor_runs WHERE run_id = $1", [runId])).rows;
        // BIGINT comes back as a string.
        return row && ({ owner: row.owner, lease_expires_at: row.lease_expires_at === null ? null : Number(row.lease_expires_at) } satisfies Lease);
      },
    },
    async close() {
      for (const s of opened) await s.close();
    },
  };
}

describe("PostgreSQL", { skip: SKIP_POSTGRES }, () => {
  before(async () => {
    database = await freshDatabase("conductor_behaviour");
    sql = new pg.Pool({ connectionString: database.url, max: 2 });
    // pool.end() resolves before its connections have closed: DROP DATABASE ... WITH (FORCE) may then end them.
    sql.on("error", () => {});
  });

  after(async () => {
    await sql?.end();
    await database?.drop();
  });

  defineStoreBehaviour(openPostgres);
});
