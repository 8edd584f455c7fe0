/**
 * The storage limit: the same rows, of the same sizes, in the same number of transactions as one of our
 * runs writes (lib/footprint.ts), inserted with raw better-sqlite3 prepared statements into a fresh WAL
 * database with the server's pragmas (journal_mode WAL, synchronous NORMAL). A checkpoint is one
 * transaction, as SqliteSaver.put commits it; a task's pending writes are one, as putWrites commits them;
 * the server's own rows (timeline, run, inputs, agents, outcomes) are spread evenly over the rest of the
 * transactions the run committed. No run can persist what it persists faster than this.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import type { Footprint } from "./lib/footprint.js";

type Table = "checkpoints" | "writes" | "own";
type Plan = Array<Array<{ table: Table; bytes: number }>>;

/** The run's writes as transactions of rows. */
export function planFromFootprint(f: Footprint): Plan {
  const plan: Plan = [
    ...f.checkpoints.map((bytes) => [{ table: "checkpoints" as const, bytes }]),
    ...f.writeGroups.map((group) => group.map((bytes) => ({ table: "writes" as const, bytes }))),
  ];
  const ownRows = Object.values(f.own).flat();
  const ownTx = Math.max(1, f.transactions - plan.length);
  const own: Plan = Array.from({ length: ownTx }, () => []);
  ownRows.forEach((bytes, i) => own[i % ownTx]!.push({ table: "own", bytes }));
  return [...plan, ...own];
}

export interface RawStore {
  /** Writes one run's worth of the plan under a new key prefix; returns milliseconds. */
  writeRun(): number;
  close(): void;
}

const KEY_BYTES = 48; // a run-uuid thread id plus an integer key, taken off each row's payload

export function openRawStore(dir: string, plan: Plan): RawStore {
  fs.mkdirSync(dir, { recursive: true });
  const db = new Database(path.join(dir, "raw.db"));
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  const tables: Table[] = ["checkpoints", "writes", "own"];
  for (const t of tables) db.exec(`CREATE TABLE raw_${t} (thread TEXT NOT NULL, k INTEGER NOT NULL, v BLOB, PRIMARY KEY (thread, k))`);
  const insert = Object.fromEntries(tables.map((t) => [t, db.prepare(`INSERT INTO raw_${t} (thread, k, v) VALUES (?, ?, ?)`)])) as Record<Table, Database.Statement>;
  const largest = Math.max(1, ...plan.flat().map((r) => r.bytes));
  const payload = randomBytes(largest);
  let runs = 0;
  return {
    writeRun() {
      const thread = `run-${String(++runs).padStart(8, "0")}-0000-0000-0000-000000000000`;
      let k = 0;
      const t0 = performance.now();
      for (const tx of plan) {
        db.transaction(() => {
          for (const r of tx) insert[r.table].run(thread, k++, payload.subarray(0, Math.max(0, r.bytes - KEY_BYTES)));
        })();
      }
      return performance.now() - t0;
    },
    close: () => db.close(),
  };
}
