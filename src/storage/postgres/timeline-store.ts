/**
 * The timeline on PostgreSQL: an append-only event log per run. Appending a key twice is a no-op and `seq` stays
 * dense (1, 2, 3, ...) per run even when processes append to one run at once: an append holds a transaction
 * advisory lock on the run, so the next seq is read and written by one transaction at a time.
 * The run manager tells the other processes about new events (ChangeFeed).
 */
import type { TimelineStorage } from "../storage.js";
import type { NewTimelineEvent, TimelineEvent } from "../../domain/timeline-event.js";
import type { PgDatabase } from "./pg-database.js";
import { toEvent, type RawEvent } from "../rows.js";

/** The first key of the two-key advisory locks on a run's timeline (a namespace apart from other locks). */
const TIMELINE_LOCK = 0x74696d65; // "time"

const COLUMNS = "seq, timestamp, event, node, branch_id, data";

export class PgTimelineStore implements TimelineStorage {
  constructor(private readonly db: PgDatabase) {}

  /** Appends the events that are new (by key), in order, in one transaction. Returns how many were new. */
  async append(runId: string, events: NewTimelineEvent[]): Promise<number> {
    if (events.length === 0) return 0;
    const timestamp = new Date().toISOString();
    return this.db.transaction(async () => {
      await this.db.query("SELECT pg_advisory_xact_lock($1, hashtext($2))", [TIMELINE_LOCK, runId]);
      let added = 0;
      for (const e of events) {
        const inserted = await this.db.query(`INSERT INTO conductor_events (run_id, seq, key, timestamp, event, node, branch_id, data)
          SELECT $1, COALESCE(MAX(seq), 0) + 1, $2, $3, $4, $5, $6, $7 FROM conductor_events WHERE run_id = $1
          ON CONFLICT (run_id, key) DO NOTHING`, [
          runId, e.key, timestamp, e.event, e.node ?? null, e.branch_id ?? null, e.data === undefined ? null : JSON.stringify(e.data),
        ]);
        added += inserted.rowCount ?? 0;
      }
      return added;
    });
  }

  /** Events after `since` (exclusive), at most `limit`, optionally only those named `event`. O(limit). */
  async page(runId: string, since: number, limit: number, event?: string): Promise<TimelineEvent[]> {
    const rows = event === undefined
      ? await this.db.rows<RawEvent>(`SELECT ${COLUMNS} FROM conductor_events WHERE run_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
        [runId, since, limit])
      : await this.db.rows<RawEvent>(`SELECT ${COLUMNS} FROM conductor_events WHERE run_id = $1 AND event = $2 AND seq > $3
        ORDER BY seq LIMIT $4`, [runId, event, since, limit]);
    return rows.map(toEvent);
  }

  /** Node names the run has entered so far, in the order it first entered them. */
  async nodesEntered(runId: string): Promise<string[]> {
    const rows = await this.db.rows<{ node: string }>(`SELECT node FROM conductor_events WHERE run_id = $1 AND event = 'node_started'
      GROUP BY node ORDER BY MIN(seq)`, [runId]);
    return rows.map((r) => r.node);
  }

  /** How many events the run has (all, or those named `event`). */
  async total(runId: string, event?: string): Promise<number> {
    const [row] = event === undefined
      ? await this.db.rows<{ n: number }>("SELECT COALESCE(MAX(seq), 0)::int AS n FROM conductor_events WHERE run_id = $1", [runId])
      : await this.db.rows<{ n: number }>("SELECT COUNT(*)::int AS n FROM conductor_events WHERE run_id = $1 AND event = $2", [runId, event]);
    return row?.n ?? 0;
  }
}
