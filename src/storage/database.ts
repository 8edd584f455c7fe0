/**
 * Opens the one SQLite file the server keeps everything in, and applies the server's own migrations.
 * LangGraph's SqliteSaver owns the tables `checkpoints` and `writes` in the same file; ours are prefixed.
 */
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";

export type Db = Database.Database;

/** Versioned migrations, applied in order, each once, each in its own transaction. Append only. */
const MIGRATIONS: ReadonlyArray<{ version: number; name: string; sql: string }> = [
  {
    version: 1,
    name: "runs, inputs, timeline",
    sql: `
      CREATE TABLE conductor_runs (
        run_id TEXT PRIMARY KEY,
        status TEXT NOT NULL,
        objective TEXT NOT NULL,
        options_json TEXT NOT NULL,
        workflow_mode TEXT,
        executor TEXT NOT NULL,
        result_json TEXT,
        error TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX conductor_runs_by_created ON conductor_runs (created_at DESC, run_id DESC);
      CREATE INDEX conductor_runs_by_status ON conductor_runs (status);
      CREATE TABLE conductor_inputs (
        run_id TEXT NOT NULL,
        task_id TEXT NOT NULL,
        idx INTEGER NOT NULL,
        name TEXT NOT NULL,
        text TEXT NOT NULL,
        PRIMARY KEY (run_id, task_id, idx)
      ) WITHOUT ROWID;
      CREATE TABLE conductor_events (
        run_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        key TEXT NOT NULL,
        timestamp TEXT NOT NULL,
        event TEXT NOT NULL,
        node TEXT,
        branch_id TEXT,
        data TEXT,
        PRIMARY KEY (run_id, seq),
        UNIQUE (run_id, key)
      ) WITHOUT ROWID;
      CREATE INDEX conductor_events_by_event ON conductor_events (run_id, event, seq);
    `,
  },
  {
    version: 2,
    name: "agent templates, outcomes, generated agents",
    sql: `
      CREATE TABLE conductor_agent_templates (
        agent_type TEXT PRIMARY KEY,
        version INTEGER NOT NULL,
        definition_json TEXT NOT NULL,
        builtin INTEGER NOT NULL,
        creation_count INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE conductor_agent_outcomes (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        agent_type TEXT NOT NULL,
        agent_id TEXT NOT NULL,
        run_id TEXT,
        branch_id TEXT,
        attempt INTEGER NOT NULL,
        success INTEGER NOT NULL,
        quality REAL NOT NULL,
        seconds REAL NOT NULL,
        at TEXT NOT NULL,
        UNIQUE (agent_id, run_id, branch_id, attempt)
      );
      CREATE INDEX conductor_agent_outcomes_by_type ON conductor_agent_outcomes (agent_type, id);
      CREATE TABLE conductor_agents (
        agent_id TEXT PRIMARY KEY,
        agent_type TEXT NOT NULL,
        run_id TEXT,
        task_id TEXT,
        standalone INTEGER NOT NULL,
        specification_json TEXT NOT NULL,
        status TEXT NOT NULL,
        created_at TEXT NOT NULL,
        last_used_at TEXT NOT NULL,
        retired_at TEXT
      );
      CREATE INDEX conductor_agents_by_status ON conductor_agents (status, standalone, last_used_at);
      CREATE INDEX conductor_agents_by_run ON conductor_agents (run_id, status);
    `,
  },
  {
    version: 3,
    name: "run leases: one process drives a run",
    sql: `
      ALTER TABLE conductor_runs ADD COLUMN owner TEXT;
      ALTER TABLE conductor_runs ADD COLUMN lease_expires_at INTEGER;
    `,
  },
  {
    version: 4,
    name: "template statistics as counters (selection must not scan every outcome)",
    sql: `
      ALTER TABLE conductor_agent_templates ADD COLUMN runs INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE conductor_agent_templates ADD COLUMN successes INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE conductor_agent_templates ADD COLUMN quality_sum REAL NOT NULL DEFAULT 0;
      ALTER TABLE conductor_agent_templates ADD COLUMN seconds_sum REAL NOT NULL DEFAULT 0;
      UPDATE conductor_agent_templates SET
        runs = (SELECT COUNT(*) FROM conductor_agent_outcomes o WHERE o.agent_type = conductor_agent_templates.agent_type),
        successes = (SELECT COALESCE(SUM(success), 0) FROM conductor_agent_outcomes o WHERE o.agent_type = conductor_agent_templates.agent_type),
        quality_sum = (SELECT COALESCE(SUM(quality), 0) FROM conductor_agent_outcomes o WHERE o.agent_type = conductor_agent_templates.agent_type),
        seconds_sum = (SELECT COALESCE(SUM(seconds), 0) FROM conductor_agent_outcomes o WHERE o.agent_type = conductor_agent_templates.agent_type);
    `,
  },
  {
    version: 5,
    name: "branch findings out of the checkpoints",
    sql: `
      CREATE TABLE conductor_branch_results (
        run_id TEXT NOT NULL,
        branch_id TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        findings_json TEXT NOT NULL,
        PRIMARY KEY (run_id, branch_id, attempt)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 6,
    name: "principals: runs and generated agents belong to whoever made them",
    sql: `
      ALTER TABLE conductor_runs ADD COLUMN principal TEXT NOT NULL DEFAULT 'local';
      CREATE INDEX conductor_runs_by_principal ON conductor_runs (principal, created_at DESC, run_id DESC);
      ALTER TABLE conductor_agents ADD COLUMN principal TEXT NOT NULL DEFAULT 'local';
    `,
  },
  {
    version: 7,
    name: "principals: registered templates and agent outcomes belong to whoever made them (built-ins to '')",
    sql: `
      CREATE TABLE conductor_agent_templates_v7 (
        owner TEXT NOT NULL,
        agent_type TEXT NOT NULL,
        version INTEGER NOT NULL,
        definition_json TEXT NOT NULL,
        builtin INTEGER NOT NULL,
        creation_count INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        runs INTEGER NOT NULL DEFAULT 0,
        successes INTEGER NOT NULL DEFAULT 0,
        quality_sum REAL NOT NULL DEFAULT 0,
        seconds_sum REAL NOT NULL DEFAULT 0,
        PRIMARY KEY (owner, agent_type)
      );
      INSERT INTO conductor_agent_templates_v7
        SELECT CASE WHEN builtin = 1 THEN '' ELSE 'local' END, agent_type, version, definition_json, builtin, creation_count,
               created_at, updated_at, runs, successes, quality_sum, seconds_sum
        FROM conductor_agent_templates;
      DROP TABLE conductor_agent_templates;
      ALTER TABLE conductor_agent_templates_v7 RENAME TO conductor_agent_templates;
      ALTER TABLE conductor_agent_outcomes ADD COLUMN principal TEXT NOT NULL DEFAULT 'local';
      DROP INDEX conductor_agent_outcomes_by_type;
      CREATE INDEX conductor_agent_outcomes_by_type ON conductor_agent_outcomes (agent_type, principal, id);
    `,
  },
  {
    version: 8,
    name: "model usage: each call's reservation and its billed tokens and cost, per run",
    sql: `
      CREATE TABLE conductor_model_usage (
        run_id TEXT NOT NULL,
        call_key TEXT NOT NULL,
        model TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('reserved', 'billed')),
        reserved_tokens INTEGER NOT NULL,
        reserved_cost_usd REAL NOT NULL,
        input_tokens INTEGER NOT NULL DEFAULT 0,
        output_tokens INTEGER NOT NULL DEFAULT 0,
        cached_input_tokens INTEGER NOT NULL DEFAULT 0,
        cost_usd REAL NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (run_id, call_key)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 9,
    name: "deleted runs: the id and its principal only, so the id is never another principal's",
    sql: `
      CREATE TABLE conductor_deleted_runs (
        run_id TEXT PRIMARY KEY,
        principal TEXT NOT NULL,
        deleted_at TEXT NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX conductor_runs_finished ON conductor_runs (status, updated_at, run_id);
    `,
  },
];

/** Pages of write-ahead log between automatic checkpoints (SQLite's default is 1,000). */
const WAL_AUTOCHECKPOINT_PAGES = 10_000;

export function openDatabase(file: string): Db {
  if (file !== ":memory:") fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma("busy_timeout = 5000");
  // Switching a new file to WAL takes an exclusive lock, and SQLite answers SQLITE_BUSY at once (no busy handler)
  // when another process is opening the same new file: retried, as two servers started together do.
  retryWhileBusy(() => db.pragma("journal_mode = WAL"));
  db.pragma("synchronous = NORMAL");
  // A WAL checkpoint (copying the log back into the file) syncs the disk. SQLite's default runs one every 1,000
  // pages (4 MB) of log, which a server writing ~60 small transactions per run reached every few runs: those
  // syncs were 7% of a five-branch run (bench/, docs/benchmarks.md). Every 10,000 pages (40 MB) they are rare, and
  // a page rewritten many times between them is copied once.
  db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
  db.pragma("foreign_keys = ON");
  // What a deletion frees is overwritten with zeros (delete_run, retention, pruned checkpoints): deleted text must
  // be gone from the file, not only unlinked. run-deletion.ts then truncates the write-ahead log.
  db.pragma("secure_delete = ON");
  migrate(db);
  return db;
}

export function migrate(db: Db): number {
  db.exec(`CREATE TABLE IF NOT EXISTS conductor_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const applied = new Set(
    (db.prepare("SELECT version FROM conductor_migrations").all() as Array<{ version: number }>).map((r) => r.version),
  );
  const record = db.prepare("INSERT INTO conductor_migrations (version, name, applied_at) VALUES (?, ?, ?)");
  const isApplied = db.prepare("SELECT 1 FROM conductor_migrations WHERE version = ?").pluck();
  for (const m of MIGRATIONS) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      // Another process opening the same file may have applied it since the read above (it holds the write lock
      // first; this transaction waits for it).
      if (isApplied.get(m.version) !== undefined) return;
      db.exec(m.sql);
      record.run(m.version, m.name, new Date().toISOString());
    }).immediate();
  }
  return MIGRATIONS.at(-1)?.version ?? 0;
}

/** Runs `step`, again while SQLite says the database is busy, for up to `ms` milliseconds (start-up only: it blocks). */
function retryWhileBusy<T>(step: () => T, ms = 5000): T {
  const deadline = Date.now() + ms;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      return step();
    } catch (error) {
      if ((error as { code?: string }).code !== "SQLITE_BUSY" || Date.now() > deadline) throw error;
      Atomics.wait(pause, 0, 0, 5 + Math.random() * 20);
    }
  }
}
