/**
 * What one run writes to SQLite: the rows (and their bytes) per table, read back from the server's database
 * after the run, and how many transactions it committed, counted while it ran (see countTransactions).
 */
import type Database from "better-sqlite3";

/** Per table: each row's size in bytes (all columns), grouped by the transaction that wrote it where that is known. */
export interface Footprint {
  checkpoints: number[];
  /** One inner array per putWrites call (a transaction per task's writes). */
  writeGroups: number[][];
  /** The server's own tables: conductor_events, _runs, _inputs, _agents, _agent_outcomes. */
  own: Record<string, number[]>;
  /** Every transaction the run committed (checkpoints + write groups + the server's own). */
  transactions: number;
  checkpointBytes: number;
}

/**
 * Counts the transactions committed on `db` until `stop()` (which restores the original and returns the count).
 * better-sqlite3 runs a transaction's BEGIN as a statement, so every statement run while the connection is
 * outside a transaction starts one: a BEGIN (an explicit transaction) or any other write (an autocommit).
 */
export function countTransactions(db: Database.Database): { stop(): number } {
  let count = 0;
  const statementProto = Object.getPrototypeOf(db.prepare("SELECT 1")) as { run: (...args: unknown[]) => unknown };
  const originalRun = statementProto.run;
  statementProto.run = function (this: { database: Database.Database }, ...args: unknown[]) {
    if (this.database === db && !db.inTransaction) count++;
    return originalRun.apply(this, args);
  };
  return {
    stop() {
      statementProto.run = originalRun;
      return count;
    },
  };
}

const OWN_TABLES = ["conductor_runs", "conductor_inputs", "conductor_events", "conductor_agents", "conductor_agent_outcomes"] as const;

/** Sum of the byte lengths of every column of a row, as SQL. */
function rowBytes(db: Database.Database, table: string): string {
  const cols = (db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).map((c) => `COALESCE(length(CAST("${c.name}" AS BLOB)), 8)`);
  return cols.join(" + ");
}

export function readFootprint(db: Database.Database, runId: string, transactions: number): Footprint {
  const sizes = (sql: string, ...args: unknown[]) => (db.prepare(sql).all(...args) as Array<{ b: number }>).map((r) => r.b);
  const checkpoints = sizes(`SELECT ${rowBytes(db, "checkpoints")} AS b FROM checkpoints WHERE thread_id = ?`, runId);
  const writes = db.prepare(`SELECT checkpoint_id || '|' || task_id AS g, ${rowBytes(db, "writes")} AS b FROM writes WHERE thread_id = ?`).all(runId) as Array<{ g: string; b: number }>;
  const groups = new Map<string, number[]>();
  for (const w of writes) groups.set(w.g, [...(groups.get(w.g) ?? []), w.b]);
  const own = Object.fromEntries(OWN_TABLES.map((t) => [t, sizes(`SELECT ${rowBytes(db, t)} AS b FROM ${t} WHERE run_id = ?`, runId)]));
  return { checkpoints, writeGroups: [...groups.values()], own, transactions, checkpointBytes: checkpointBytes(db, runId) };
}

/** Checkpoint and pending-write blob bytes of one thread (what the scale table reports). */
export function checkpointBytes(db: Database.Database, runId: string): number {
  return (db.prepare(`SELECT
      (SELECT COALESCE(SUM(length(checkpoint) + length(metadata)), 0) FROM checkpoints WHERE thread_id = @id) +
      (SELECT COALESCE(SUM(length(value)), 0) FROM writes WHERE thread_id = @id) AS b`).get({ id: runId }) as { b: number }).b;
}

export function describeFootprint(f: Footprint): { rows: number; bytes: number; transactions: number } {
  const all = [...f.checkpoints, ...f.writeGroups.flat(), ...Object.values(f.own).flat()];
  return { rows: all.length, bytes: all.reduce((a, b) => a + b, 0), transactions: f.transactions };
}
