/**
 * Agent templates and what they learned, on PostgreSQL (see ../template-store.ts): built-ins (owner '', seen by
 * every principal) and registered ones (by their owner), versioned; and one outcome row per agent run, keyed by
 * agent, run, branch and attempt so a replayed branch is counted once, with the template's counters bumped in the
 * same transaction.
 */
import type { AgentTemplate } from "../../domain/agent-specification.js";
import { HISTORY_KEPT } from "../template-store.js";
import { type Outcome, type StoredDefinition } from "../../domain/agent-record.js";
import type { TemplateStorage } from "../storage.js";
import type { PgDatabase } from "./pg-database.js";
import { toHistoryEntry, toTemplate, type RawTemplate } from "../rows.js";

export class PgTemplateStore implements TemplateStorage {
  constructor(private readonly db: PgDatabase) {}

  /** Makes the built-in definitions present and current (a changed built-in keeps its statistics). */
  async ensureBuiltins(definitions: readonly StoredDefinition[]): Promise<void> {
    const now = new Date().toISOString();
    await this.db.transaction(async () => {
      for (const d of definitions) {
        await this.db.query(`INSERT INTO conductor_agent_templates
          (owner, agent_type, version, definition_json, builtin, creation_count, created_at, updated_at)
          VALUES ('', $1, 1, $2, TRUE, 0, $3, $3)
          ON CONFLICT (owner, agent_type) DO UPDATE SET definition_json = excluded.definition_json, builtin = TRUE
          WHERE conductor_agent_templates.definition_json <> excluded.definition_json`, [d.agent_type, JSON.stringify(d), now]);
      }
    });
  }

  /** The built-in templates and the principal's own. */
  async all(principal: string): Promise<AgentTemplate[]> {
    const rows = await this.db.rows<RawTemplate>(`SELECT version, definition_json, builtin, creation_count, runs, successes,
        CASE WHEN runs > 0 THEN quality_sum / runs END AS mean_quality, CASE WHEN runs > 0 THEN seconds_sum / runs END AS mean_seconds
      FROM conductor_agent_templates WHERE owner IN ('', $1) ORDER BY builtin DESC, agent_type`, [principal]);
    return rows.map(toTemplate);
  }

  /** A built-in or one of the principal's templates. */
  async find(principal: string, agentType: string): Promise<{ version: number; builtin: boolean } | undefined> {
    // The built-in first, should both exist (as on SQLite).
    const [row] = await this.db.rows<{ version: number; builtin: boolean }>(`SELECT version, builtin FROM conductor_agent_templates
      WHERE owner IN ('', $1) AND agent_type = $2 ORDER BY owner LIMIT 1`, [principal, agentType]);
    return row && { version: row.version, builtin: row.builtin };
  }

  /** Inserts a new template, or with `replace` a new version of an existing one. Returns its version. */
  async save(principal: string, definition: StoredDefinition, replace: boolean): Promise<number> {
    const now = new Date().toISOString();
    const json = JSON.stringify(definition);
    return this.db.transaction(async () => {
      if (replace) {
        const replaced = await this.db.query(`UPDATE conductor_agent_templates SET version = version + 1, definition_json = $3, updated_at = $4
          WHERE owner = $1 AND agent_type = $2`, [principal, definition.agent_type, json, now]);
        if (replaced.rowCount === 1) return (await this.find(principal, definition.agent_type))!.version;
      }
      await this.db.query(`INSERT INTO conductor_agent_templates
        (owner, agent_type, version, definition_json, builtin, creation_count, created_at, updated_at)
        VALUES ($1, $2, 1, $3, FALSE, 0, $4, $4)`, [principal, definition.agent_type, json, now]);
      return 1;
    });
  }

  /**
   * Records an agent run once (a repeated key is ignored) and adds it to its template's counters, in one
   * transaction. Only the last HISTORY_KEPT outcomes per template and principal are kept as history.
   */
  async recordOutcome(o: Outcome): Promise<boolean> {
    // '' for a missing run or branch, as on SQLite: NULLs are distinct in a unique key, which would defeat it.
    const runId = o.run_id ?? "";
    const branchId = o.branch_id ?? "";
    return this.db.transaction(async () => {
      const inserted = await this.db.query(`INSERT INTO conductor_agent_outcomes
        (agent_type, principal, agent_id, run_id, branch_id, attempt, success, quality, seconds, at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (agent_id, run_id, branch_id, attempt) DO NOTHING`,
        [o.agent_type, o.principal, o.agent_id, runId, branchId, o.attempt, o.success, o.quality, o.seconds, new Date().toISOString()]);
      if (inserted.rowCount !== 1) return false;
      await this.db.query(`UPDATE conductor_agent_templates SET runs = runs + 1, successes = successes + $3,
        quality_sum = quality_sum + $4, seconds_sum = seconds_sum + $5 WHERE owner IN ('', $1) AND agent_type = $2`,
        [o.principal, o.agent_type, o.success ? 1 : 0, o.quality, o.seconds]);
      await this.db.query(`DELETE FROM conductor_agent_outcomes WHERE agent_type = $1 AND principal = $2 AND id <= (
        SELECT id FROM conductor_agent_outcomes WHERE agent_type = $1 AND principal = $2 ORDER BY id DESC LIMIT 1 OFFSET $3)`,
        [o.agent_type, o.principal, HISTORY_KEPT]);
      return true;
    });
  }

  /** The principal's latest runs of a template's agents. */
  async history(principal: string, agentType: string, limit = 20): Promise<Array<Record<string, unknown>>> {
    const rows = await this.db.rows<Record<string, unknown>>(`SELECT agent_id, run_id, branch_id, attempt, success, quality, seconds, at
      FROM conductor_agent_outcomes WHERE agent_type = $1 AND principal = $2 ORDER BY id DESC LIMIT $3`, [agentType, principal, limit]);
    return rows.map(toHistoryEntry);
  }
}
