/**
 * Timeline appends gathered per run and written together: the events recorded for a run within one turn of the
 * event loop (the five branches of a wave start, and often finish, in the same turn) go to the store in one
 * append, one transaction, instead of one each. A caller's promise resolves once its events are stored, so
 * "recorded" still means durable. A run's appends are written in the order they were asked for; once one fails,
 * the run's appends queued behind it fail with it (the run fails: no later event is stored without the earlier).
 *
 * `stored(runId)` is the barrier the graph's checkpointer waits at (ordered-checkpointer.ts): a node records its
 * events without waiting, and its writes are checkpointed only after every event recorded so far for the run is.
 */
import type { TimelineStorage } from "../storage/storage.js";
import type { NewTimelineEvent } from "../domain/timeline-event.js";

interface Batch {
  events: NewTimelineEvent[];
  waiters: Array<{ resolve: () => void; reject: (error: unknown) => void }>;
}

interface Writing {
  batch: Batch;
  /** Settles when the batch is stored; rejects when it (or one queued before it) failed. */
  done: Promise<void>;
}

export class TimelineBatcher {
  private readonly open = new Map<string, Batch>();
  /** The run's last write in flight: the next one waits for it (order, and dense seq on PostgreSQL). */
  private readonly writing = new Map<string, Writing>();

  constructor(private readonly timeline: TimelineStorage, private readonly onAppended: (runId: string) => void) {}

  record(runId: string, events: NewTimelineEvent[]): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    let batch = this.open.get(runId);
    if (!batch) {
      batch = { events: [], waiters: [] };
      this.open.set(runId, batch);
      setImmediate(() => this.write(runId));
    }
    batch.events.push(...events);
    return this.waitFor(batch);
  }

  /** Settles once every event recorded for the run so far is stored (rejects if storing one failed); undefined when none is pending. */
  stored(runId: string): Promise<void> | undefined {
    const batch = this.open.get(runId) ?? this.writing.get(runId)?.batch;
    return batch && this.waitFor(batch);
  }

  private waitFor(batch: Batch): Promise<void> {
    return new Promise<void>((resolve, reject) => batch.waiters.push({ resolve, reject }));
  }

  private write(runId: string): void {
    const batch = this.open.get(runId)!;
    this.open.delete(runId);
    const previous = this.writing.get(runId)?.done ?? Promise.resolve();
    const entry: Writing = { batch, done: Promise.resolve() };
    const leave = () => {
      if (this.writing.get(runId) === entry) this.writing.delete(runId); // before the waiters run: none is added to a settled batch
    };
    entry.done = previous.then(() => this.timeline.append(runId, batch.events)).then(
      (added) => {
        leave();
        if (added > 0) this.onAppended(runId);
        for (const w of batch.waiters) w.resolve();
      },
      (error: unknown) => {
        leave();
        for (const w of batch.waiters) w.reject(error);
        throw error;
      },
    );
    entry.done.catch(() => undefined); // reported to the batch's waiters; the rejection only orders the run's later batches
    this.writing.set(runId, entry);
  }
}
