/**
 * What one run writes to SQLite: the rows (and their bytes) per table and the transactions it committed,
 * recorded while it ran (see recordWrites).
 */
import type Database from "better-sqlite3";

/** Per table: each row's size in bytes (all columns), grouped by the transaction that wrote it where that is known. */
export interface Footprint {
  checkpoints: number[];
  /** One inner array per putWrites call (a transaction per task's writes). */
  writeGroups: number[][];
  /** Every other table written, by name (conductor_events, _runs, _checkpoint_blobs, ...). */
  own: Record<string, number[]>;
  /** Every transaction the run committed (checkpoints + write groups + the server's own). */
  transactions: number;
  checkpointBytes: number;
}

/**
 * Records what a run writes while it runs (a finished run's checkpoints are pruned afterwards, so reading
 * them back would miss most of it): every transaction committed on `db`, and for every INSERT its table
 * and the bytes of its arguments. better-sqlite3 runs a transaction's BEGIN as a statement, so a statement
 * run while the connection is outside a transaction starts one (an explicit BEGIN, or an autocommit write).
 */
export function recordWrites(db: Database.Database): { stop(): Footprint } {
  let transactions = 0;
  const rows: Array<{ tx: number; table: string; bytes: number }> = [];
  const probe = db.prepare("SELECT 1") as unknown as { database: Database.Database };
  const statementProto = Object.getPrototypeOf(probe) as { run: (...args: unknown[]) => unknown };
  // The connection itself: the saver's handle may be a wrapper (src/storage/statement-cache.ts).
  const connection = probe.database;
  const originalRun = statementProto.run;
  statementProto.run = function (this: { database: Database.Database; source: string }, ...args: unknown[]) {
    if (this.database === connection) {
      if (!connection.inTransaction) transactions++;
      const table = /^\s*INSERT\s+(?:OR\s+\w+\s+)?INTO\s+(\w+)/i.exec(this.source)?.[1];
      if (table) rows.push({ tx: transactions, table, bytes: argBytes(args) });
    }
    return originalRun.apply(this, args);
  };
  return {
    stop() {
      statementProto.run = originalRun;
      const groups = new Map<number, number[]>();
      const own: Record<string, number[]> = {};
      const checkpoints: number[] = [];
      for (const r of rows) {
        if (r.table === "checkpoints") checkpoints.push(r.bytes);
        else if (r.table === "writes") groups.set(r.tx, [...(groups.get(r.tx) ?? []), r.bytes]);
        else (own[r.table] ??= []).push(r.bytes);
      }
      const blobBytes = [...(own.conductor_checkpoint_blobs ?? []), ...(own.conductor_checkpoint_entries ?? [])].reduce((a, b) => a + b, 0);
      const checkpointBytes = [...checkpoints, ...[...groups.values()].flat()].reduce((a, b) => a + b, 0) + blobBytes;
      return { checkpoints, writeGroups: [...groups.values()], own, transactions, checkpointBytes };
    },
  };
}

function argBytes(args: unknown[]): number {
  const values = args.length === 1 && args[0] !== null && typeof args[0] === "object" && !(args[0] instanceof Uint8Array)
    ? Object.values(args[0] as Record<string, unknown>) : args;
  return values.reduce<number>((sum, v) => sum + (typeof v === "string" ? Buffer.byteLength(v) : v instanceof Uint8Array ? v.length : 8), 0);
}

/** Checkpoint, channel-value and pending-write bytes a finished run keeps (after pruning). */
export function checkpointBytes(db: Database.Database, runId: string): number {
  return (db.prepare(`SELECT
      (SELECT COALESCE(SUM(length(checkpoint) + length(metadata)), 0) FROM checkpoints WHERE thread_id = @id) +
      (SELECT COALESCE(SUM(length(value)), 0) FROM writes WHERE thread_id = @id) +
      (SELECT COALESCE(SUM(length(value)), 0) FROM conductor_checkpoint_blobs WHERE thread_id = @id) +
      (SELECT COALESCE(SUM(length(value)), 0) FROM conductor_checkpoint_entries WHERE thread_id = @id) AS b`).get({ id: runId }) as { b: number }).b;
}

export function describeFootprint(f: Footprint): { rows: number; bytes: number; transactions: number } {
  const all = [...f.checkpoints, ...f.writeGroups.flat(), ...Object.values(f.own).flat()];
  return { rows: all.length, bytes: all.reduce((a, b) => a + b, 0), transactions: f.transactions };
}
