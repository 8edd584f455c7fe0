/**
 * Opens the PostgreSQL storage: one pool (CONDUCTOR_PG_POOL_MAX connections, 10 by default) for every store and
 * the checkpointer, the server's migrations and the saver's setup applied under one advisory lock (processes
 * starting at once on an empty database take turns), and the change feed on its own connection.
 */
import type { LeaseOwner } from "../lease-owner.js";
import type { Storage } from "../storage.js";
import { PgAgentStore } from "./agent-store.js";
import { PgBranchResultStore } from "./branch-result-store.js";
import { PgChangeFeed } from "./change-feed.js";
import { createPostgresCheckpointPruner } from "./checkpoint-pruner.js";
import { createPostgresCheckpointer } from "./checkpointer.js";
import { createPostgresRunDeleter } from "./run-deletion.js";
import { createPool, migrate, PgDatabase, poolSize } from "./pg-database.js";
import { PgRunLeases } from "./run-leases.js";
import { PgRunStore } from "./run-store.js";
import { PgTemplateStore } from "./template-store.js";
import { PgTimelineStore } from "./timeline-store.js";
import { PgUsageLedger } from "./usage-ledger.js";

/** How long `healthy()` waits for the database to answer. */
const HEALTH_TIMEOUT_MS = 2000;

export async function openPostgresStorage(url: string, options: { owner: LeaseOwner; leaseMs: number; env?: NodeJS.ProcessEnv }): Promise<Storage> {
  const env = options.env ?? process.env;
  const pool = createPool(url, poolSize(env));
  try {
    const checkpointer = createPostgresCheckpointer(pool, env);
    await migrate(url, () => checkpointer.setup());
    const db = new PgDatabase(pool);
    const changes = new PgChangeFeed(db, url, options.owner.id);
    const prune = createPostgresCheckpointPruner(db);
    const runs = new PgRunStore(db);
    let closed = false;
    return {
      backend: "postgres",
      runs,
      timeline: new PgTimelineStore(db),
      leases: new PgRunLeases(db, options.owner, options.leaseMs),
      agents: new PgAgentStore(db),
      templates: new PgTemplateStore(db),
      results: new PgBranchResultStore(db),
      usage: new PgUsageLedger(db),
      checkpointer: async () => checkpointer,
      pruneCheckpoints: prune,
      deleteRuns: createPostgresRunDeleter(db, (runId) => runs.forget(runId)),
      changes,
      healthy: () => answers(db),
      async close() {
        if (closed) return;
        closed = true;
        await changes.stop();
        await pool.end();
      },
    };
  } catch (error) {
    await pool.end().catch(() => {});
    throw error;
  }
}

/** Whether `SELECT 1` succeeds within HEALTH_TIMEOUT_MS. */
async function answers(db: PgDatabase): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), HEALTH_TIMEOUT_MS);
    timer.unref();
  });
  try {
    return await Promise.race([db.query("SELECT 1").then(() => true, () => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
