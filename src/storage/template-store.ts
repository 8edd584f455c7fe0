/**
 * Agent templates and what they learned (built-ins, owner '', seen by every principal; registered ones by their owner): definitions (versioned; built-ins upserted at start), and one
 * outcome row per agent run (keyed by run, branch and attempt, so a replayed branch is counted once).
 */
import type { AgentTemplate } from "../domain/agent-specification.js";
import type { Db } from "./database.js";
import type { TemplateStorage } from "./storage.js";
import { toHistoryEntry, toTemplate, type RawTemplate } from "./rows.js";
import type { Outcome, StoredDefinition } from "../domain/agent-record.js";


/** Outcomes kept per template and principal as performance history (the counters cover all of them). */
export const HISTORY_KEPT = 1000;
/** A template's outcomes between two deletions of its history beyond HISTORY_KEPT. */
const PRUNE_EVERY = 64;


export class TemplateStore implements TemplateStorage {
  private readonly stmts;
  /** Outcomes recorded per template and principal since its history was last pruned, in this process. */
  private readonly sincePrune = new Map<string, number>();

  constructor(private readonly db: Db) {
    this.stmts = {
      all: db.prepare(`SELECT agent_type, version, definition_json, builtin, creation_count, runs, successes,
          CASE WHEN runs > 0 THEN quality_sum / runs END AS mean_quality, CASE WHEN runs > 0 THEN seconds_sum / runs END AS mean_seconds
        FROM conductor_agent_templates WHERE owner IN ('', ?) ORDER BY builtin DESC, agent_type`),
      // The built-in first, should both exist (as on PostgreSQL; not left to the query plan).
      get: db.prepare("SELECT agent_type, version, builtin FROM conductor_agent_templates WHERE owner IN ('', ?) AND agent_type = ? ORDER BY owner LIMIT 1"),
      insert: db.prepare(`INSERT INTO conductor_agent_templates (owner, agent_type, version, definition_json, builtin, creation_count, created_at, updated_at)
        VALUES (@owner, @agent_type, 1, @definition_json, @builtin, 0, @now, @now)`),
      replace: db.prepare(`UPDATE conductor_agent_templates SET version = version + 1, definition_json = @definition_json, updated_at = @now
        WHERE owner = @owner AND agent_type = @agent_type`),
      upsertBuiltin: db.prepare(`INSERT INTO conductor_agent_templates (owner, agent_type, version, definition_json, builtin, creation_count, created_at, updated_at)
        VALUES ('', @agent_type, 1, @definition_json, 1, 0, @now, @now)
        ON CONFLICT (owner, agent_type) DO UPDATE SET definition_json = excluded.definition_json, builtin = 1
        WHERE definition_json <> excluded.definition_json`),
      outcome: db.prepare(`INSERT OR IGNORE INTO conductor_agent_outcomes (agent_type, principal, agent_id, run_id, branch_id, attempt, success, quality, seconds, at)
        VALUES (@agent_type, @principal, @agent_id, @run_id, @branch_id, @attempt, @success, @quality, @seconds, @at)`),
      count: db.prepare(`UPDATE conductor_agent_templates SET runs = runs + 1, successes = successes + @success,
        quality_sum = quality_sum + @quality, seconds_sum = seconds_sum + @seconds WHERE owner IN ('', @principal) AND agent_type = @agent_type`),
      prune: db.prepare(`DELETE FROM conductor_agent_outcomes WHERE agent_type = @agent_type AND principal = @principal AND id <= (
        SELECT id FROM conductor_agent_outcomes WHERE agent_type = @agent_type AND principal = @principal ORDER BY id DESC LIMIT 1 OFFSET @kept)`),
      history: db.prepare(`SELECT agent_id, run_id, branch_id, attempt, success, quality, seconds, at FROM conductor_agent_outcomes
        WHERE agent_type = ? AND principal = ? ORDER BY id DESC LIMIT ?`),
    };
  }

  /** Makes the built-in definitions present and current (a changed built-in keeps its statistics). */
  ensureBuiltins(definitions: readonly StoredDefinition[]): void {
    const now = new Date().toISOString();
    this.db.transaction(() => {
      for (const d of definitions) this.stmts.upsertBuiltin.run({ agent_type: d.agent_type, definition_json: JSON.stringify(d), now });
    }).immediate();
  }

  /** The built-in templates and the principal's own. */
  all(principal: string): AgentTemplate[] {
    return (this.stmts.all.all(principal) as RawTemplate[]).map(toTemplate);
  }

  /** A built-in or one of the principal's templates. */
  find(principal: string, agentType: string): { version: number; builtin: boolean } | undefined {
    const row = this.stmts.get.get(principal, agentType) as { version: number; builtin: number } | undefined;
    return row && { version: row.version, builtin: row.builtin === 1 };
  }

  /** Inserts a new template, or with `replace` a new version of an existing one. Returns its version. */
  save(principal: string, definition: StoredDefinition, replace: boolean): number {
    const now = new Date().toISOString();
    const params = { owner: principal, agent_type: definition.agent_type, definition_json: JSON.stringify(definition), builtin: 0, now };
    return this.db.transaction(() => {
      if (replace && this.stmts.replace.run(params).changes === 1) return this.find(principal, definition.agent_type)!.version;
      this.stmts.insert.run(params);
      return 1;
    }).immediate();
  }

  /**
   * Records an agent run once (a repeated key is ignored) and adds it to its template's counters, in one
   * transaction. Only the last HISTORY_KEPT outcomes per template are kept as history: older ones are deleted at
   * a template's first outcome in this process and every PRUNE_EVERY-th after it (finding them walks HISTORY_KEPT
   * index entries), and are never read in between. Returns whether it was new.
   */
  recordOutcome(o: Outcome): boolean {
    // '' for a missing run or branch: SQLite treats NULLs as distinct, which would defeat the unique key.
    const row = { ...o, run_id: o.run_id ?? "", branch_id: o.branch_id ?? "", success: o.success ? 1 : 0, at: new Date().toISOString() };
    return this.db.transaction(() => {
      if (this.stmts.outcome.run(row).changes !== 1) return false;
      this.stmts.count.run(row);
      if (this.pruneDue(o.agent_type, o.principal)) this.stmts.prune.run({ agent_type: o.agent_type, principal: o.principal, kept: HISTORY_KEPT });
      return true;
    }).immediate();
  }

  /** Whether this outcome of the principal's template prunes its history (see recordOutcome). */
  private pruneDue(agentType: string, principal: string): boolean {
    const key = `${agentType}\u0000${principal}`;
    const since = this.sincePrune.get(key);
    const due = since === undefined || since + 1 >= PRUNE_EVERY;
    this.sincePrune.set(key, due ? 0 : since + 1);
    return due;
  }

  /** The principal's latest runs of a template's agents. */
  history(principal: string, agentType: string, limit = 20): Array<Record<string, unknown>> {
    return (this.stmts.history.all(agentType, principal, Math.min(limit, HISTORY_KEPT)) as Array<Record<string, unknown>>).map(toHistoryEntry);
  }
}
