/**
 * The runs table on PostgreSQL: one row per run with its status, options and final result; and the inline input
 * texts, kept here so that checkpoints stay small. Same results and ordering as the SQLite store (../run-store.ts).
 */
import type { NewRun, RunRow, RunStatusName, RunSummary } from "../../domain/run-record.js";
import { toRunRow, type RawRunRow } from "../rows.js";
import type { RunStorage } from "../storage.js";
import type { PgDatabase } from "./pg-database.js";

/** Runs whose principal is cached (it never changes); past this the cache starts over. */
const PRINCIPAL_CACHE = 10_000;

export class PgRunStore implements RunStorage {
  private readonly principals = new Map<string, string>();

  constructor(private readonly db: PgDatabase) {}

  /** Inserts a run and its inline inputs atomically. Returns false when the run id exists already. */
  async create<Options>(run: NewRun<Options>): Promise<boolean> {
    return this.db.transaction(async () => {
      const now = new Date().toISOString();
      const inserted = await this.db.query(`INSERT INTO conductor_runs
        (run_id, principal, status, objective, options_json, executor, created_at, updated_at, owner, lease_expires_at)
        SELECT $1, $2, 'running', $3, $4, $5, $6, $6, $7, $8
        WHERE NOT EXISTS (SELECT 1 FROM conductor_deleted_runs WHERE run_id = $1 AND principal <> $2)
        ON CONFLICT (run_id) DO NOTHING`,
        [run.run_id, run.principal, run.objective, JSON.stringify(run.options), run.executor, now, run.lease?.owner ?? null, run.lease ? Math.round(run.lease.expires_at) : null]);
      if (inserted.rowCount !== 1) return false;
      for (const input of run.inputs) {
        await this.db.query("INSERT INTO conductor_inputs (run_id, task_id, idx, name, text) VALUES ($1, $2, $3, $4, $5)",
          [run.run_id, input.task_id, input.idx, input.name, input.text]);
      }
      return true;
    });
  }

  async get<Options, Result>(runId: string): Promise<RunRow<Options, Result> | undefined> {
    const [raw] = await this.db.rows<RawRunRow>(`SELECT run_id, principal, status, objective, options_json, workflow_mode,
      executor, result_json, error, created_at, updated_at FROM conductor_runs WHERE run_id = $1`, [runId]);
    return raw && toRunRow<Options, Result>(raw);
  }

  /** The principal's runs, newest first (ties by run_id, descending). */
  async list(principal: string, limit = 1000): Promise<RunSummary[]> {
    return this.db.rows<RunSummary>(`SELECT run_id, status, objective, created_at, updated_at
      FROM conductor_runs WHERE principal = $1 ORDER BY created_at DESC, run_id DESC LIMIT $2`, [principal, limit]);
  }

  /** The principal's run ids starting with `prefix`, newest first as `list` (for completion). ASCII case-insensitive, as
   *  SQLite's LIKE: ILIKE under the "C" collation folds ASCII letters only. */
  async idsStartingWith(principal: string, prefix: string, limit = 100): Promise<string[]> {
    const escaped = prefix.replace(/[\\%_]/g, (c) => `\\${c}`);
    const rows = await this.db.rows<{ run_id: string }>(`SELECT run_id FROM conductor_runs
      WHERE principal = $1 AND run_id ILIKE $2 ESCAPE '\\' ORDER BY created_at DESC, run_id DESC LIMIT $3`, [principal, `${escaped}%`, limit]);
    return rows.map((r) => r.run_id);
  }

  /** Who a run belongs to (cached: it never changes), or undefined for an unknown run. */
  async principalOf(runId: string): Promise<string | undefined> {
    const cached = this.principals.get(runId);
    if (cached !== undefined) return cached;
    const [row] = await this.db.rows<{ principal: string }>("SELECT principal FROM conductor_runs WHERE run_id = $1", [runId]);
    if (!row) return undefined;
    if (this.principals.size >= PRINCIPAL_CACHE) this.principals.clear();
    this.principals.set(runId, row.principal);
    return row.principal;
  }

  /** Finished runs (completed, failed, cancelled) last changed before `before` (ISO time), oldest first (ties by run_id). */
  async finishedBefore(before: string, limit: number): Promise<string[]> {
    const rows = await this.db.rows<{ run_id: string }>(`SELECT run_id FROM conductor_runs WHERE status IN ('completed', 'failed', 'cancelled')
      AND updated_at < $1 ORDER BY updated_at, run_id LIMIT $2`, [before, limit]);
    return rows.map((r) => r.run_id);
  }

  /** Drops what is remembered of a deleted run. */
  forget(runId: string): void {
    this.principals.delete(runId);
  }

  /** Every principal's runs of the status, oldest first (ties by run_id). */
  async idsWithStatus(status: RunStatusName): Promise<string[]> {
    const rows = await this.db.rows<{ run_id: string }>("SELECT run_id FROM conductor_runs WHERE status = $1 ORDER BY created_at, run_id", [status]);
    return rows.map((r) => r.run_id);
  }

  async amongWithStatus(runIds: readonly string[], status: RunStatusName): Promise<string[]> {
    if (runIds.length === 0) return [];
    const rows = await this.db.rows<{ run_id: string }>("SELECT run_id FROM conductor_runs WHERE run_id = ANY($1) AND status = $2", [runIds, status]);
    return rows.map((r) => r.run_id);
  }

  async inlineInput(runId: string, taskId: string, idx: number): Promise<{ name: string; text: string } | undefined> {
    const [row] = await this.db.rows<{ name: string; text: string }>(
      "SELECT name, text FROM conductor_inputs WHERE run_id = $1 AND task_id = $2 AND idx = $3", [runId, taskId, idx]);
    return row;
  }

  async inlineInputs(runId: string): Promise<Array<{ task_id: string; idx: number; name: string; text: string }>> {
    return this.db.rows<{ task_id: string; idx: number; name: string; text: string }>(
      `SELECT task_id, idx, name, text FROM conductor_inputs WHERE run_id = $1 ORDER BY task_id COLLATE "C", idx`, [runId]);
  }

  async update(runId: string, change: { status: RunStatusName; workflow_mode?: string | null; result?: unknown; error?: string | null }): Promise<void> {
    await this.db.query(`UPDATE conductor_runs SET status = $2, workflow_mode = COALESCE($3, workflow_mode),
      result_json = COALESCE($4, result_json), error = $5, updated_at = $6 WHERE run_id = $1`, [
      runId,
      change.status,
      change.workflow_mode ?? null,
      change.result === undefined ? null : JSON.stringify(change.result),
      change.error ?? null,
      new Date().toISOString(),
    ]);
  }
}
