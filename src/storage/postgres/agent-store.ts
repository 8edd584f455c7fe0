/**
 * Generated agents on PostgreSQL (see ../agent-store.ts): their specification, the run they work for (if any),
 * and whether they are active. Recording agents inserts the new ids and counts each creation on its template in
 * one transaction, so a replayed generation neither duplicates an agent nor counts it twice.
 */
import type { AgentRecord } from "../../domain/agent-record.js";
import type { AgentStorage, NewAgent } from "../storage.js";
import type { PgDatabase } from "./pg-database.js";
import { toAgentRecord, type RawAgent } from "../rows.js";

const COLUMNS = "agent_id, principal, agent_type, run_id, task_id, standalone, specification_json, status, created_at, last_used_at";

export class PgAgentStore implements AgentStorage {
  constructor(private readonly db: PgDatabase) {}

  /** Inserts the agents whose ids are new and counts each creation on its template (the principal's or the
   *  built-in), atomically. Returns the stored records of all the given ids, in order. */
  async record(agents: NewAgent[]): Promise<AgentRecord[]> {
    if (agents.length === 0) return [];
    return this.db.transaction(async () => {
      const now = new Date().toISOString();
      // An id given twice is recorded as it is first given (as on SQLite, which inserts in the given order); then in
      // (type, id) order: concurrent recordings lock agent ids and templates in one global order, never a cycle.
      const firsts = new Map<string, NewAgent>();
      for (const a of agents) if (!firsts.has(a.agent_id)) firsts.set(a.agent_id, a);
      const ordered = [...firsts.values()].sort((x, y) => compare(x.agent_type, y.agent_type) || compare(x.agent_id, y.agent_id));
      for (const a of ordered) {
        const inserted = await this.db.query(`INSERT INTO conductor_agents
          (agent_id, principal, agent_type, run_id, task_id, standalone, specification_json, status, created_at, last_used_at)
          VALUES ($1, $2, $3, $4, $5, $6, $7, 'active', $8, $8) ON CONFLICT (agent_id) DO NOTHING`,
          [a.agent_id, a.principal, a.agent_type, a.run_id, a.task_id, a.standalone, JSON.stringify(a.specification), now]);
        if (inserted.rowCount !== 1) continue;
        await this.db.query(`UPDATE conductor_agent_templates SET creation_count = creation_count + 1
          WHERE owner IN ('', $1) AND agent_type = $2`, [a.principal, a.agent_type]);
      }
      const ids = agents.map((a) => a.agent_id);
      const rows = await this.db.rows<RawAgent>(`SELECT ${COLUMNS} FROM conductor_agents WHERE agent_id = ANY($1::text[])`, [ids]);
      const byId = new Map(rows.map((r) => [r.agent_id, toAgentRecord(r)]));
      return ids.map((id) => byId.get(id)!);
    });
  }

  async get(agentId: string): Promise<AgentRecord | undefined> {
    const [raw] = await this.db.rows<RawAgent>(`SELECT ${COLUMNS} FROM conductor_agents WHERE agent_id = $1`, [agentId]);
    return raw && toAgentRecord(raw);
  }

  /** Every active agent, or those of one principal, oldest first (ties by agent_id). */
  async active(principal?: string): Promise<AgentRecord[]> {
    const rows = principal === undefined
      ? await this.db.rows<RawAgent>(`SELECT ${COLUMNS} FROM conductor_agents WHERE status = 'active' ORDER BY created_at, agent_id`)
      : await this.db.rows<RawAgent>(`SELECT ${COLUMNS} FROM conductor_agents WHERE status = 'active' AND principal = $1
        ORDER BY created_at, agent_id`, [principal]);
    return rows.map(toAgentRecord);
  }

  /** Marks all of a run's active agents retired, in one statement; returns their ids, oldest first (ties by agent_id). */
  async retireRun(runId: string): Promise<string[]> {
    const rows = await this.db.rows<{ agent_id: string }>(`WITH retired AS (
        UPDATE conductor_agents SET status = 'retired', retired_at = $1 WHERE run_id = $2 AND status = 'active' RETURNING agent_id, created_at
      ) SELECT agent_id FROM retired ORDER BY created_at, agent_id`, [new Date().toISOString(), runId]);
    return rows.map((r) => r.agent_id);
  }

  /** Marks an agent retired; false when it was not active. */
  async retire(agentId: string): Promise<boolean> {
    const retired = await this.db.query("UPDATE conductor_agents SET status = 'retired', retired_at = $1 WHERE agent_id = $2 AND status = 'active'",
      [new Date().toISOString(), agentId]);
    return retired.rowCount === 1;
  }

  async touch(agentId: string): Promise<void> {
    await this.db.query("UPDATE conductor_agents SET last_used_at = $1 WHERE agent_id = $2", [new Date().toISOString(), agentId]);
  }

  /** Standalone agents unused since `before`, least recently used first (ties by agent_id). */
  async idleSince(before: Date): Promise<string[]> {
    const rows = await this.db.rows<{ agent_id: string }>(`SELECT agent_id FROM conductor_agents
      WHERE status = 'active' AND standalone AND last_used_at < $1 ORDER BY last_used_at, agent_id`, [before.toISOString()]);
    return rows.map((r) => r.agent_id);
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
