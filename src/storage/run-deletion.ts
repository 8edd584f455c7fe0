/**
 * Deleting a finished run on SQLite (delete_run, retention): one write transaction removes its row, inputs,
 * timeline, branch results, usage ledger, its agents, and its thread's checkpoints, pending writes, channel values
 * and map entries; only the id and principal stay (conductor_deleted_runs). The connection runs with
 * `secure_delete` (database.ts), so the freed pages are zeros; the write-ahead log, which still holds the pages as
 * they were, is then checkpointed into the file and truncated (once per call, which may delete many runs). A reader in another process can hold the log back
 * until it finishes: the truncation is retried with the next deletion, and the log is reset by SQLite once it has
 * no readers.
 */
import type { Statement } from "better-sqlite3";
import type { Db } from "./database.js";
import type { DeleteOutcome } from "./storage.js";

const FINISHED = new Set(["completed", "failed", "cancelled"]);

/** The run's rows, table by table (the checkpoint tables are LangGraph's, created on the first checkpoint). */
const RUN_TABLES = ["conductor_inputs", "conductor_events", "conductor_branch_results", "conductor_model_usage"] as const;
const THREAD_TABLES = ["writes", "checkpoints", "conductor_checkpoint_blobs", "conductor_checkpoint_entries"] as const;

export function createRunDeleter(db: Db, forget: (runId: string) => void): (runIds: readonly string[]) => DeleteOutcome[] {
  const status = db.prepare("SELECT status, principal FROM conductor_runs WHERE run_id = ?");
  const runRows = RUN_TABLES.map((t) => db.prepare(`DELETE FROM ${t} WHERE run_id = ?`));
  const agents = db.prepare("DELETE FROM conductor_agents WHERE run_id = ? AND standalone = 0");
  const row = db.prepare("DELETE FROM conductor_runs WHERE run_id = ?");
  const tombstone = db.prepare("INSERT OR REPLACE INTO conductor_deleted_runs (run_id, principal, deleted_at) VALUES (?, ?, ?)");
  const tableExists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").pluck();
  let threadRows: Statement[] | undefined;
  const threadStatements = () => THREAD_TABLES.filter((t) => tableExists.get(t) !== undefined)
    .map((t) => db.prepare(`DELETE FROM ${t} WHERE thread_id = ?`));

  const remove = db.transaction((runId: string): DeleteOutcome => {
    const found = status.get(runId) as { status: string; principal: string } | undefined;
    if (!found) return "unknown";
    if (!FINISHED.has(found.status)) return found.status as DeleteOutcome;
    for (const statement of runRows) statement.run(runId);
    agents.run(runId);
    // Prepared once every checkpoint table exists (until then, again on each deletion).
    const thread = threadRows ?? threadStatements();
    if (thread.length === THREAD_TABLES.length) threadRows = thread;
    for (const statement of thread) statement.run(runId);
    row.run(runId);
    tombstone.run(runId, found.principal, new Date().toISOString());
    return "deleted";
  });

  return (runIds) => {
    const outcomes = runIds.map((runId) => remove.immediate(runId));
    const deleted = runIds.filter((_, i) => outcomes[i] === "deleted");
    deleted.forEach(forget);
    // Once per call: a checkpoint syncs the disk, and a retention batch deletes many runs.
    if (deleted.length > 0) db.pragma("wal_checkpoint(TRUNCATE)");
    return outcomes;
  };
}
