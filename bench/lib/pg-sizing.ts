/**
 * What runs leave in a PostgreSQL database, read from outside the server: rows and bytes per table (the server's
 * conductor_* tables and PostgresSaver's checkpoints, checkpoint_blobs, checkpoint_writes), the database's size,
 * and the database's transaction and tuple counters (pg_stat_database) and the cluster's next transaction id.
 * Two snapshots around K runs, differenced and divided by K, are the per-run figures.
 */
import fs from "node:fs";
import path from "node:path";
import type pg from "pg";

export interface TableFigures {
  rows: number;
  /** pg_total_relation_size: heap + TOAST + indexes (free and dead space included). */
  bytes: number;
  /** Sum of pg_column_size of the live rows: the data itself. */
  dataBytes: number;
}

export interface PgSnapshot {
  tables: Record<string, TableFigures>;
  databaseBytes: number;
  xactCommit: number;
  xactRollback: number;
  tupInserted: number;
  tupUpdated: number;
  tupDeleted: number;
  /** The next transaction id to be assigned (write transactions take one; read-only ones do not). */
  nextXid: number;
}

const CHECKPOINT_TABLES = ["checkpoints", "checkpoint_blobs", "checkpoint_writes"];

/** One snapshot, read in one transaction on `client` (a connection of the benchmark's own). */
export async function pgSnapshot(client: pg.Client): Promise<PgSnapshot> {
  await client.query("BEGIN");
  try {
    const names = (await client.query<{ relname: string }>(
      `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind = 'r' AND (c.relname LIKE 'conductor\\_%' OR c.relname = ANY($1))
          AND c.relname <> 'conductor_migrations' ORDER BY c.relname`, [CHECKPOINT_TABLES])).rows.map((r) => r.relname);
    const tables: Record<string, TableFigures> = {};
    for (const name of names) {
      const q = `"${name.replace(/"/g, '""')}"`;
      const r = (await client.query<{ rows: string; bytes: string; data: string }>(
        `SELECT count(*) AS rows, pg_total_relation_size('public.${q}') AS bytes, COALESCE(sum(pg_column_size(t.*)), 0) AS data FROM public.${q} t`)).rows[0]!;
      tables[name] = { rows: Number(r.rows), bytes: Number(r.bytes), dataBytes: Number(r.data) };
    }
    const s = (await client.query<Record<string, string>>(
      `SELECT xact_commit, xact_rollback, tup_inserted, tup_updated, tup_deleted, pg_database_size(current_database()) AS size,
              pg_snapshot_xmax(pg_current_snapshot())::text AS xid
         FROM pg_stat_database WHERE datname = current_database()`)).rows[0]!;
    return {
      tables, databaseBytes: Number(s.size), xactCommit: Number(s.xact_commit), xactRollback: Number(s.xact_rollback),
      tupInserted: Number(s.tup_inserted), tupUpdated: Number(s.tup_updated), tupDeleted: Number(s.tup_deleted), nextXid: Number(s.xid),
    };
  } finally {
    await client.query("COMMIT");
  }
}

export interface PerRun {
  runs: number;
  tables: Array<{ table: string } & TableFigures & { rowsAfter: number; bytesAfter: number }>;
  databaseBytes: number;
  /** Transaction ids taken: the transactions that wrote (cluster-wide, so nothing else may write meanwhile). */
  writeTransactions: number;
}

/** Sizes and transaction ids, (after − before) / runs: both are current at once, unlike pg_stat_database. */
export function perRun(before: PgSnapshot, after: PgSnapshot, runs: number): PerRun {
  const names = [...new Set([...Object.keys(before.tables), ...Object.keys(after.tables)])].sort();
  const zero: TableFigures = { rows: 0, bytes: 0, dataBytes: 0 };
  return {
    runs,
    tables: names.map((table) => {
      const b = before.tables[table] ?? zero;
      const a = after.tables[table] ?? zero;
      return { table, rows: (a.rows - b.rows) / runs, bytes: (a.bytes - b.bytes) / runs, dataBytes: (a.dataBytes - b.dataBytes) / runs, rowsAfter: a.rows, bytesAfter: a.bytes };
    }),
    databaseBytes: (after.databaseBytes - before.databaseBytes) / runs,
    writeTransactions: (after.nextXid - before.nextXid) / runs,
  };
}

export interface Counters {
  runs: number;
  transactions: number;
  rollbacks: number;
  inserted: number;
  updated: number;
  deleted: number;
}

/**
 * pg_stat_database's counters, (after − before) / runs. A backend reports them when it has been idle a while (up
 * to 10 s on PostgreSQL 15) or when it exits, so `before` should be taken before the server connects and `after`
 * once its connections are gone: the figures then include its start-up and shutdown (and the benchmark's own
 * one snapshot transaction).
 */
export function counters(before: PgSnapshot, after: PgSnapshot, runs: number): Counters {
  return {
    runs,
    transactions: (after.xactCommit - before.xactCommit) / runs,
    rollbacks: (after.xactRollback - before.xactRollback) / runs,
    inserted: (after.tupInserted - before.tupInserted) / runs,
    updated: (after.tupUpdated - before.tupUpdated) / runs,
    deleted: (after.tupDeleted - before.tupDeleted) / runs,
  };
}

/**
 * Waits until nothing is connected to database `name` but `except` (a stopped server's backends have exited),
 * asking through `server`, a connection to another database of the cluster, so that the polling does not count
 * in `name`'s own statistics.
 */
export async function untilGone(server: pg.Client, name: string, except: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const n = Number((await server.query<{ n: string }>("SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> $2", [name, except])).rows[0]!.n);
    if (n === 0 || Date.now() > deadline) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The postmaster's pid, for the cluster's CPU time: from postmaster.pid in its data directory, when this
 * process may read it (a cluster on this machine); otherwise undefined.
 */
export async function postmasterPid(client: pg.Client): Promise<number | undefined> {
  try {
    const dir = (await client.query<{ data_directory: string }>("SHOW data_directory")).rows[0]!.data_directory;
    const pid = Number(fs.readFileSync(path.join(dir, "postmaster.pid"), "utf8").split("\n")[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
