/**
 * The timeline: an append-only event log per run, outside the checkpoints so the graph state stays lean.
 * Every event has a key; appending a key twice is a no-op, so a node re-executed after a crash or an
 * interrupt writes no duplicates, and `seq` stays dense (1, 2, 3, ...) per run.
 */
import type { Db } from "./database.js";
import type { TimelineStorage } from "./storage.js";
import { toEvent, type RawEvent } from "./rows.js";
import type { NewTimelineEvent, TimelineEvent } from "../domain/timeline-event.js";


export class TimelineStore implements TimelineStorage {
  private readonly stmts;

  constructor(private readonly db: Db) {
    this.stmts = {
      insert: db.prepare(`INSERT OR IGNORE INTO conductor_events (run_id, seq, key, timestamp, event, node, branch_id, data)
        VALUES (@run_id, @seq, @key, @timestamp, @event, @node, @branch_id, @data)`),
      page: db.prepare(`SELECT seq, timestamp, event, node, branch_id, data FROM conductor_events
        WHERE run_id = ? AND seq > ? ORDER BY seq LIMIT ?`),
      pageByEvent: db.prepare(`SELECT seq, timestamp, event, node, branch_id, data FROM conductor_events
        WHERE run_id = ? AND event = ? AND seq > ? ORDER BY seq LIMIT ?`),
      total: db.prepare("SELECT COALESCE(MAX(seq), 0) AS n FROM conductor_events WHERE run_id = ?"),
      totalByEvent: db.prepare("SELECT COUNT(*) AS n FROM conductor_events WHERE run_id = ? AND event = ?"),
      nodes: db.prepare("SELECT node FROM conductor_events WHERE run_id = ? AND event = 'node_started' GROUP BY node ORDER BY MIN(seq)"),
    };
  }

  /**
   * Appends the events that are new (by key), in order, in one transaction. Returns how many were new. The
   * transaction is IMMEDIATE (it holds the write lock from its start), so the run's last seq read at its start
   * stays the last: each new event takes the next one, and a repeated key (ignored) takes none.
   */
  append(runId: string, events: NewTimelineEvent[]): number {
    if (events.length === 0) return 0;
    const timestamp = new Date().toISOString();
    return this.db.transaction(() => {
      const last = this.total(runId);
      let added = 0;
      for (const e of events) {
        added += this.stmts.insert.run({
          run_id: runId,
          seq: last + added + 1,
          key: e.key,
          timestamp,
          event: e.event,
          node: e.node ?? null,
          branch_id: e.branch_id ?? null,
          data: e.data === undefined ? null : JSON.stringify(e.data),
        }).changes;
      }
      return added;
    }).immediate();
  }

  /** Events after `since` (exclusive), at most `limit`, optionally only those named `event`. O(limit). */
  page(runId: string, since: number, limit: number, event?: string): TimelineEvent[] {
    const rows = (event === undefined
      ? this.stmts.page.all(runId, since, limit)
      : this.stmts.pageByEvent.all(runId, event, since, limit)) as RawEvent[];
    return rows.map(toEvent);
  }

  /** Node names the run has entered so far, in the order it first entered them. */
  nodesEntered(runId: string): string[] {
    return (this.stmts.nodes.all(runId) as Array<{ node: string }>).map((r) => r.node);
  }

  /** How many events the run has (all, or those named `event`). */
  total(runId: string, event?: string): number {
    const row = (event === undefined ? this.stmts.total.get(runId) : this.stmts.totalByEvent.get(runId, event)) as { n: number };
    return row.n;
  }
}
