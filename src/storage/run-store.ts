/**
 * The runs table: one row per run with its status, options and final result; and the inline input texts,
 * kept here so that checkpoints stay small (the graph state only holds references to them).
 */
import type { Db } from "./database.js";
import type { RunStorage } from "./storage.js";
import { toRunRow, type RawRunRow } from "./rows.js";
import type { NewRun, RunRow, RunStatusName, RunSummary } from "../domain/run-record.js";



/** Runs whose principal is cached (it never changes); past this the cache starts over. */
const PRINCIPAL_CACHE = 10_000;

export class RunStore implements RunStorage {
  private readonly stmts;
  private readonly principals = new Map<string, string>();

  constructor(private readonly db: Db) {
    this.stmts = {
      insert: db.prepare(`INSERT INTO conductor_runs
        (run_id, principal, status, objective, options_json, executor, created_at, updated_at, owner, lease_expires_at)
        VALUES (@run_id, @principal, 'running', @objective, @options_json, @executor, @now, @now, @owner, @expires)`),
      insertInput: db.prepare("INSERT INTO conductor_inputs (run_id, task_id, idx, name, text) VALUES (?, ?, ?, ?, ?)"),
      get: db.prepare("SELECT * FROM conductor_runs WHERE run_id = ?"),
      deletedOfOther: db.prepare("SELECT 1 FROM conductor_deleted_runs WHERE run_id = ? AND principal <> ?").pluck(),
      finishedBefore: db.prepare(`SELECT run_id FROM conductor_runs WHERE status IN ('completed', 'failed', 'cancelled')
        AND updated_at < ? ORDER BY updated_at, run_id LIMIT ?`).pluck(),
      list: db.prepare(`SELECT run_id, status, objective, created_at, updated_at FROM conductor_runs WHERE principal = ?
        ORDER BY created_at DESC, run_id DESC LIMIT ?`),
      ids: db.prepare(`SELECT run_id FROM conductor_runs WHERE principal = ? AND run_id LIKE ? ESCAPE '\\'
        ORDER BY created_at DESC, run_id DESC LIMIT ?`),
      principal: db.prepare("SELECT principal FROM conductor_runs WHERE run_id = ?"),
      byStatus: db.prepare("SELECT run_id FROM conductor_runs WHERE status = ? ORDER BY created_at, run_id"),
      amongWithStatus: db.prepare("SELECT run_id FROM conductor_runs WHERE run_id IN (SELECT value FROM json_each(?)) AND status = ?"),
      input: db.prepare("SELECT name, text FROM conductor_inputs WHERE run_id = ? AND task_id = ? AND idx = ?"),
      inputs: db.prepare("SELECT task_id, idx, name, text FROM conductor_inputs WHERE run_id = ? ORDER BY task_id, idx"),
      update: db.prepare(`UPDATE conductor_runs SET status = @status, workflow_mode = COALESCE(@workflow_mode, workflow_mode),
        result_json = COALESCE(@result_json, result_json), error = @error, updated_at = @now WHERE run_id = @run_id`),
    };
  }

  /** Inserts a run and its inline inputs atomically. Returns false when the run id exists already. */
  create<Options>(run: NewRun<Options>): boolean {
    return this.db.transaction(() => {
      // A deleted run's id stays its principal's: a cached principal (here or in another process) never goes stale.
      if (this.stmts.get.get(run.run_id) || this.stmts.deletedOfOther.get(run.run_id, run.principal) !== undefined) return false;
      this.stmts.insert.run({
        run_id: run.run_id,
        principal: run.principal,
        objective: run.objective,
        options_json: JSON.stringify(run.options),
        executor: run.executor,
        now: new Date().toISOString(),
        owner: run.lease?.owner ?? null,
        expires: run.lease?.expires_at ?? null,
      });
      for (const input of run.inputs) this.stmts.insertInput.run(run.run_id, input.task_id, input.idx, input.name, input.text);
      return true;
    }).immediate();
  }

  get<Options, Result>(runId: string): RunRow<Options, Result> | undefined {
    const raw = this.stmts.get.get(runId) as RawRunRow | undefined;
    return raw && toRunRow<Options, Result>(raw);
  }

  /** The principal's runs, newest first (ties by run_id, descending). */
  list(principal: string, limit = 1000): RunSummary[] {
    return this.stmts.list.all(principal, limit) as RunSummary[];
  }

  /** The principal's run ids starting with `prefix`, newest first as `list` (for completion). */
  idsStartingWith(principal: string, prefix: string, limit = 100): string[] {
    const escaped = prefix.replace(/[\\%_]/g, (c) => `\\${c}`);
    return (this.stmts.ids.all(principal, `${escaped}%`, limit) as Array<{ run_id: string }>).map((r) => r.run_id);
  }

  /** Who a run belongs to (cached: it never changes), or undefined for an unknown run. */
  principalOf(runId: string): string | undefined {
    const cached = this.principals.get(runId);
    if (cached !== undefined) return cached;
    const row = this.stmts.principal.get(runId) as { principal: string } | undefined;
    if (!row) return undefined;
    if (this.principals.size >= PRINCIPAL_CACHE) this.principals.clear();
    this.principals.set(runId, row.principal);
    return row.principal;
  }

  /** Finished runs (completed, failed, cancelled) last changed before `before` (ISO time), oldest first (ties by run_id). */
  finishedBefore(before: string, limit: number): string[] {
    return this.stmts.finishedBefore.all(before, limit) as string[];
  }

  /** Drops what is remembered of a deleted run. */
  forget(runId: string): void {
    this.principals.delete(runId);
  }

  /** Every principal's runs of the status, oldest first (ties by run_id). */
  idsWithStatus(status: RunStatusName): string[] {
    return (this.stmts.byStatus.all(status) as Array<{ run_id: string }>).map((r) => r.run_id);
  }

  amongWithStatus(runIds: readonly string[], status: RunStatusName): string[] {
    if (runIds.length === 0) return [];
    return (this.stmts.amongWithStatus.all(JSON.stringify(runIds), status) as Array<{ run_id: string }>).map((r) => r.run_id);
  }

  inlineInput(runId: string, taskId: string, idx: number): { name: string; text: string } | undefined {
    return this.stmts.input.get(runId, taskId, idx) as { name: string; text: string } | undefined;
  }

  inlineInputs(runId: string): Array<{ task_id: string; idx: number; name: string; text: string }> {
    return this.stmts.inputs.all(runId) as Array<{ task_id: string; idx: number; name: string; text: string }>;
  }

  update(runId: string, change: { status: RunStatusName; workflow_mode?: string | null; result?: unknown; error?: string | null }): void {
    this.stmts.update.run({
      run_id: runId,
      status: change.status,
      workflow_mode: change.workflow_mode ?? null,
      result_json: change.result === undefined ? null : JSON.stringify(change.result),
      error: change.error ?? null,
      now: new Date().toISOString(),
    });
  }
}
