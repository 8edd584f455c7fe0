/**
 * Deleting a finished run on PostgreSQL (see ../run-deletion.ts): one short transaction per run, locking only
 * that run's row, removes its row, inputs, timeline, branch results, usage ledger, its agents, and its thread's
 * checkpoints, pending writes and channel values; the id and principal stay (conductor_deleted_runs). Running runs
 * are not blocked: they touch other rows. The rows' space is reclaimed by (auto)vacuum; see docs/operations.md.
 */
import { CHECKPOINT_SCHEMA } from "./checkpointer.js";
import type { PgDatabase } from "./pg-database.js";
import type { DeleteOutcome } from "../storage.js";

const FINISHED = new Set(["completed", "failed", "cancelled"]);
const S = `"${CHECKPOINT_SCHEMA}"`;
const RUN_TABLES = ["conductor_inputs", "conductor_events", "conductor_branch_results", "conductor_model_usage"];
const THREAD_TABLES = [`${S}.checkpoint_writes`, `${S}.checkpoint_blobs`, `${S}.checkpoints`];

export function createPostgresRunDeleter(db: PgDatabase, forget: (runId: string) => void): (runIds: readonly string[]) => Promise<DeleteOutcome[]> {
  const deleteOne = async (runId: string): Promise<DeleteOutcome> => {
    const outcome = await db.transaction(async (): Promise<DeleteOutcome> => {
      const [found] = await db.rows<{ status: string; principal: string }>("SELECT status, principal FROM conductor_runs WHERE run_id = $1 FOR UPDATE", [runId]);
      if (!found) return "unknown";
      if (!FINISHED.has(found.status)) return found.status as DeleteOutcome;
      for (const table of RUN_TABLES) await db.query(`DELETE FROM ${table} WHERE run_id = $1`, [runId]);
      await db.query("DELETE FROM conductor_agents WHERE run_id = $1 AND standalone = false", [runId]);
      for (const table of THREAD_TABLES) await db.query(`DELETE FROM ${table} WHERE thread_id = $1`, [runId]);
      await db.query("DELETE FROM conductor_runs WHERE run_id = $1", [runId]);
      await db.query(`INSERT INTO conductor_deleted_runs (run_id, principal, deleted_at) VALUES ($1, $2, $3)
        ON CONFLICT (run_id) DO UPDATE SET principal = EXCLUDED.principal, deleted_at = EXCLUDED.deleted_at`, [runId, found.principal, new Date().toISOString()]);
      return "deleted";
    });
    if (outcome === "deleted") forget(runId);
    return outcome;
  };
  return async (runIds) => {
    const outcomes: DeleteOutcome[] = [];
    for (const runId of runIds) outcomes.push(await deleteOne(runId));
    return outcomes;
  };
}
