/**
 * Changes made by other processes on the same SQLite file, found by polling (SQLite has no notifications): every
 * `pollMs`, the event count of each run some client here is interested in, and the newest run ids. A run whose
 * count moved (or that is polled for the first time) is "changed"; a run newer than the newest seen is "created".
 * Polling only reads: the counts only for runs a client subscribed to, the new runs by an index range.
 */
import type { Db } from "./database.js";
import type { ChangeFeed, RunChange } from "./storage.js";

export class SqlitePollingFeed implements ChangeFeed {
  private timer: NodeJS.Timeout | undefined;
  private readonly seen = new Map<string, number>();
  /** The newest run's created_at seen so far ("" for none: every timestamp sorts after it). */
  private newest = "";
  /** Runs this process created: polling finds them too, and must not announce them twice. */
  private readonly ours = new Set<string>();
  private readonly stmts;

  constructor(db: Db, private readonly pollMs = 500) {
    this.stmts = {
      total: db.prepare("SELECT COALESCE(MAX(seq), 0) AS n FROM conductor_events WHERE run_id = ?").pluck(),
      latest: db.prepare("SELECT created_at FROM conductor_runs ORDER BY created_at DESC LIMIT 1").pluck(),
      since: db.prepare("SELECT run_id, created_at FROM conductor_runs WHERE created_at > ? ORDER BY created_at"),
    };
  }

  /** Other processes poll: nothing to send. A local change is remembered so that polling does not repeat it. */
  publish(change: RunChange): void {
    if (!this.timer) return;
    if (change.kind === "created") this.ours.add(change.run_id);
    else if (this.seen.has(change.run_id)) this.seen.set(change.run_id, this.stmts.total.get(change.run_id) as number);
  }

  start(onChange: (change: RunChange) => void, interest: () => Iterable<string>): void {
    this.newest = (this.stmts.latest.get() as string | undefined) ?? "";
    const poll = () => {
      try {
        for (const run of this.stmts.since.all(this.newest) as Array<{ run_id: string; created_at: string }>) {
          if (!this.ours.delete(run.run_id)) onChange({ run_id: run.run_id, kind: "created" });
          this.newest = run.created_at;
        }
        const wanted = new Set(interest());
        for (const id of this.seen.keys()) if (!wanted.has(id)) this.seen.delete(id);
        for (const runId of wanted) {
          const total = this.stmts.total.get(runId) as number;
          const before = this.seen.get(runId);
          this.seen.set(runId, total);
          // A run polled for the first time may have changed between the subscription and this poll: say so.
          if (total !== before) onChange({ run_id: runId, kind: "changed" });
        }
      } catch {
        // The database closed under us (shutdown): the next start polls again.
      }
    };
    this.timer = setInterval(poll, this.pollMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
