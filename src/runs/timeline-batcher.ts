/**
 * Timeline appends gathered per run and written together: the events recorded for a run within one turn of the
 * event loop (the five branches of a wave start, and often finish, in the same turn) go to the store in one
 * append, one transaction, instead of one each. A caller's promise resolves once its events are stored, so
 * "recorded" still means durable. A run's appends are written in the order they were asked for.
 */
import type { TimelineStorage } from "../storage/storage.js";
import type { NewTimelineEvent } from "../domain/timeline-event.js";

interface Batch {
  events: NewTimelineEvent[];
  waiters: Array<{ resolve: () => void; reject: (error: unknown) => void }>;
}

export class TimelineBatcher {
  private readonly open = new Map<string, Batch>();
  /** The run's last write in flight: the next one waits for it (order, and dense seq on PostgreSQL). */
  private readonly writing = new Map<string, Promise<void>>();

  constructor(private readonly timeline: TimelineStorage, private readonly onAppended: (runId: string) => void) {}

  record(runId: string, events: NewTimelineEvent[]): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      let batch = this.open.get(runId);
      if (!batch) {
        batch = { events: [], waiters: [] };
        this.open.set(runId, batch);
        setImmediate(() => this.write(runId));
      }
      batch.events.push(...events);
      batch.waiters.push({ resolve, reject });
    });
  }

  private write(runId: string): void {
    const batch = this.open.get(runId)!;
    this.open.delete(runId);
    const previous = this.writing.get(runId) ?? Promise.resolve();
    const done = previous.then(async () => {
      try {
        if ((await this.timeline.append(runId, batch.events)) > 0) this.onAppended(runId);
        for (const w of batch.waiters) w.resolve();
      } catch (error) {
        for (const w of batch.waiters) w.reject(error);
      }
    });
    this.writing.set(runId, done);
    void done.then(() => {
      if (this.writing.get(runId) === done) this.writing.delete(runId);
    });
  }
}
