/**
 * Generated agents: their specification, the run they work for (if any), and whether they are active.
 * An agent id is deterministic for run agents, so re-generating after a replay finds the same row.
 */
import type { Db } from "./database.js";
import type { AgentStorage, NewAgent } from "./storage.js";
import { toAgentRecord, type RawAgent } from "./rows.js";
import type { AgentRecord } from "../domain/agent-record.js";


export class AgentStore implements AgentStorage {
  private readonly stmts;

  constructor(private readonly db: Db) {
    this.stmts = {
      insert: db.prepare(`INSERT OR IGNORE INTO conductor_agents (agent_id, principal, agent_type, run_id, task_id, standalone, specification_json, status, created_at, last_used_at)
        VALUES (@agent_id, @principal, @agent_type, @run_id, @task_id, @standalone, @specification_json, 'active', @now, @now)`),
      counted: db.prepare("UPDATE conductor_agent_templates SET creation_count = creation_count + 1 WHERE owner IN ('', ?) AND agent_type = ?"),
      get: db.prepare("SELECT * FROM conductor_agents WHERE agent_id = ?"),
      active: db.prepare("SELECT * FROM conductor_agents WHERE status = 'active' ORDER BY created_at, agent_id"),
      activeOf: db.prepare("SELECT * FROM conductor_agents WHERE status = 'active' AND principal = ? ORDER BY created_at, agent_id"),
      retireRun: db.prepare("UPDATE conductor_agents SET status = 'retired', retired_at = ? WHERE run_id = ? AND status = 'active' RETURNING agent_id, created_at"),
      retire: db.prepare("UPDATE conductor_agents SET status = 'retired', retired_at = ? WHERE agent_id = ? AND status = 'active'"),
      touch: db.prepare("UPDATE conductor_agents SET last_used_at = ? WHERE agent_id = ?"),
      idle: db.prepare(`SELECT agent_id FROM conductor_agents WHERE status = 'active' AND standalone = 1 AND last_used_at < ?
        ORDER BY last_used_at, agent_id`),
    };
  }

  /** Inserts the agents whose ids are new and counts each creation on its template, in one transaction; returns
   *  the stored records in order (an id recorded before keeps its first specification). */
  record(agents: NewAgent[]): AgentRecord[] {
    const now = new Date().toISOString();
    return this.db.transaction(() => agents.map((a) => {
      const inserted = this.stmts.insert.run({
        agent_id: a.agent_id, principal: a.principal, agent_type: a.agent_type, run_id: a.run_id, task_id: a.task_id, standalone: a.standalone ? 1 : 0,
        specification_json: JSON.stringify(a.specification), now,
      }).changes === 1;
      if (inserted) this.stmts.counted.run(a.principal, a.agent_type);
      return this.get(a.agent_id)!;
    })).immediate();
  }

  get(agentId: string): AgentRecord | undefined {
    const raw = this.stmts.get.get(agentId) as RawAgent | undefined;
    return raw && toAgentRecord(raw);
  }

  /** Every active agent, or those of one principal, oldest first (ties by agent_id). */
  active(principal?: string): AgentRecord[] {
    const rows = principal === undefined ? this.stmts.active.all() : this.stmts.activeOf.all(principal);
    return (rows as RawAgent[]).map(toAgentRecord);
  }

  /** Marks all of a run's active agents retired, in one statement; returns their ids, oldest first (ties by agent_id). */
  retireRun(runId: string): string[] {
    // RETURNING's order is unspecified (SQLite gives rowid order): ordered here, bytewise as ORDER BY compares.
    const rows = this.stmts.retireRun.all(new Date().toISOString(), runId) as Array<{ agent_id: string; created_at: string }>;
    return rows.sort((x, y) => bytewise(x.created_at, y.created_at) || bytewise(x.agent_id, y.agent_id)).map((r) => r.agent_id);
  }

  /** Marks an agent retired; false when it was not active. */
  retire(agentId: string): boolean {
    return this.stmts.retire.run(new Date().toISOString(), agentId).changes === 1;
  }

  touch(agentId: string): void {
    this.stmts.touch.run(new Date().toISOString(), agentId);
  }

  /** Standalone agents unused since `before`, least recently used first (ties by agent_id). */
  idleSince(before: Date): string[] {
    return (this.stmts.idle.all(before.toISOString()) as Array<{ agent_id: string }>).map((r) => r.agent_id);
  }
}

/** Compares as SQLite's BINARY collation does (UTF-8 bytes, i.e. code points; not JavaScript's UTF-16 units). */
function bytewise(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
