/**
 * The server's PostgreSQL schema as versioned migrations (applied by pg-database.ts). Migration 1 is the final
 * shape of SQLite migrations 1-7 (database.ts). JSON stays TEXT, as on SQLite, so parsing is identical. Keys and
 * the columns results are ordered or compared by use the "C" collation: byte order, as SQLite's BINARY, whatever
 * the database's locale. Append only.
 */
export const MIGRATIONS: ReadonlyArray<{ version: number; name: string; sql: string }> = [
  {
    version: 1,
    name: "runs, inputs, timeline, agent templates, outcomes, generated agents, branch findings (SQLite 1-7)",
    sql: `
      CREATE TABLE conductor_runs (
        run_id TEXT COLLATE "C" PRIMARY KEY,
        status TEXT NOT NULL,
        objective TEXT NOT NULL,
        options_json TEXT NOT NULL,
        workflow_mode TEXT,
        executor TEXT NOT NULL,
        result_json TEXT,
        error TEXT,
        created_at TEXT COLLATE "C" NOT NULL,
        updated_at TEXT COLLATE "C" NOT NULL,
        owner TEXT COLLATE "C",
        lease_expires_at BIGINT,
        principal TEXT COLLATE "C" NOT NULL DEFAULT 'local'
      );
      CREATE INDEX conductor_runs_by_created ON conductor_runs (created_at DESC, run_id DESC);
      CREATE INDEX conductor_runs_by_status ON conductor_runs (status);
      CREATE INDEX conductor_runs_by_principal ON conductor_runs (principal, created_at DESC, run_id DESC);
      CREATE TABLE conductor_inputs (
        run_id TEXT COLLATE "C" NOT NULL,
        task_id TEXT COLLATE "C" NOT NULL,
        idx INTEGER NOT NULL,
        name TEXT NOT NULL,
        text TEXT NOT NULL,
        PRIMARY KEY (run_id, task_id, idx)
      );
      CREATE TABLE conductor_events (
        run_id TEXT COLLATE "C" NOT NULL,
        seq INTEGER NOT NULL,
        key TEXT COLLATE "C" NOT NULL,
        timestamp TEXT NOT NULL,
        event TEXT COLLATE "C" NOT NULL,
        node TEXT COLLATE "C",
        branch_id TEXT,
        data TEXT,
        PRIMARY KEY (run_id, seq),
        UNIQUE (run_id, key)
      );
      CREATE INDEX conductor_events_by_event ON conductor_events (run_id, event, seq);
      CREATE TABLE conductor_agent_templates (
        owner TEXT COLLATE "C" NOT NULL,
        agent_type TEXT COLLATE "C" NOT NULL,
        version INTEGER NOT NULL,
        definition_json TEXT NOT NULL,
        builtin BOOLEAN NOT NULL,
        creation_count INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        runs INTEGER NOT NULL DEFAULT 0,
        successes INTEGER NOT NULL DEFAULT 0,
        quality_sum DOUBLE PRECISION NOT NULL DEFAULT 0,
        seconds_sum DOUBLE PRECISION NOT NULL DEFAULT 0,
        PRIMARY KEY (owner, agent_type)
      );
      CREATE TABLE conductor_agent_outcomes (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        agent_type TEXT COLLATE "C" NOT NULL,
        agent_id TEXT COLLATE "C" NOT NULL,
        run_id TEXT COLLATE "C",
        branch_id TEXT COLLATE "C",
        attempt INTEGER NOT NULL,
        success BOOLEAN NOT NULL,
        quality DOUBLE PRECISION NOT NULL,
        seconds DOUBLE PRECISION NOT NULL,
        at TEXT NOT NULL,
        principal TEXT COLLATE "C" NOT NULL DEFAULT 'local',
        UNIQUE (agent_id, run_id, branch_id, attempt)
      );
      CREATE INDEX conductor_agent_outcomes_by_type ON conductor_agent_outcomes (agent_type, principal, id);
      CREATE TABLE conductor_agents (
        agent_id TEXT COLLATE "C" PRIMARY KEY,
        agent_type TEXT COLLATE "C" NOT NULL,
        run_id TEXT COLLATE "C",
        task_id TEXT COLLATE "C",
        standalone BOOLEAN NOT NULL,
        specification_json TEXT NOT NULL,
        status TEXT NOT NULL,
        created_at TEXT COLLATE "C" NOT NULL,
        last_used_at TEXT COLLATE "C" NOT NULL,
        retired_at TEXT,
        principal TEXT COLLATE "C" NOT NULL DEFAULT 'local'
      );
      CREATE INDEX conductor_agents_by_status ON conductor_agents (status, standalone, last_used_at);
      CREATE INDEX conductor_agents_by_run ON conductor_agents (run_id, status);
      CREATE TABLE conductor_branch_results (
        run_id TEXT COLLATE "C" NOT NULL,
        branch_id TEXT COLLATE "C" NOT NULL,
        attempt INTEGER NOT NULL,
        findings_json TEXT NOT NULL,
        PRIMARY KEY (run_id, branch_id, attempt)
      );
    `,
  },
  {
    version: 2,
    name: "model usage: each call's reservation and its billed tokens and cost, per run",
    sql: `
      CREATE TABLE conductor_model_usage (
        run_id TEXT COLLATE "C" NOT NULL,
        call_key TEXT COLLATE "C" NOT NULL,
        model TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('reserved', 'billed')),
        reserved_tokens BIGINT NOT NULL,
        reserved_cost_usd DOUBLE PRECISION NOT NULL,
        input_tokens BIGINT NOT NULL DEFAULT 0,
        output_tokens BIGINT NOT NULL DEFAULT 0,
        cached_input_tokens BIGINT NOT NULL DEFAULT 0,
        cost_usd DOUBLE PRECISION NOT NULL DEFAULT 0,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (run_id, call_key)
      );
    `,
  },
  {
    version: 3,
    name: "deleted runs: the id and its principal only, so the id is never another principal's",
    sql: `
      CREATE TABLE conductor_deleted_runs (
        run_id TEXT COLLATE "C" PRIMARY KEY,
        principal TEXT NOT NULL,
        deleted_at TEXT NOT NULL
      );
      CREATE INDEX conductor_runs_finished ON conductor_runs (status, updated_at, run_id);
    `,
  },
];
