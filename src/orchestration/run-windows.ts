/**
 * A run's window of branches in flight: the seed's `max_branches` (the wave size) bounds how many of a run's
 * branches work at once, without making them wait for each other. All ready branches of a sync point go out in one
 * superstep, and each enters its run's window before it starts; the moment one finishes the next one enters (list
 * scheduling), where waves of `wave_size` would each wait for their slowest branch. In-process and per run.
 */
import { listenForAbort } from "./abort-listener.js";

interface Waiting {
  position: number;
  admit(): void;
}

interface Window {
  active: number;
  /** Waiting branches, lowest position first. */
  waiting: Waiting[];
  limit: number;
  scheduled: boolean;
}

export class RunWindows {
  private readonly windows = new Map<string, Window>();

  /**
   * Resolves with the slot's release once fewer than `size` of the run's branches are inside and no waiting branch
   * has a lower `position` (its place in the dispatch order: high priority first). A superstep's branches arrive in
   * LangGraph's task order, so places are handed out after the arrivals of the current event-loop turn.
   */
  async enter(runId: string, size: number, signal?: AbortSignal, position = 0): Promise<() => void> {
    let w = this.windows.get(runId);
    if (!w) this.windows.set(runId, (w = { active: 0, waiting: [], limit: 1, scheduled: false }));
    const window = w;
    window.limit = Math.max(1, size);
    await new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => {
        const at = window.waiting.indexOf(entry);
        if (at >= 0) window.waiting.splice(at, 1);
        this.drop(runId, window);
        reject(signal?.reason);
      };
      const stopListening = signal ? listenForAbort(signal, onAbort) : () => undefined;
      const entry: Waiting = {
        position,
        admit: () => {
          stopListening();
          resolve();
        },
      };
      const at = window.waiting.findIndex((e) => e.position > position);
      window.waiting.splice(at < 0 ? window.waiting.length : at, 0, entry);
      this.schedule(runId, window);
    });
    let left = false;
    return () => {
      if (left) return;
      left = true;
      window.active--;
      if (window.waiting.length > 0) this.schedule(runId, window);
      else this.drop(runId, window);
    };
  }

  /** Branches inside a run's window now (for tests). */
  inside(runId: string): number {
    return this.windows.get(runId)?.active ?? 0;
  }

  /** Hands out free places after this turn's arrivals, lowest position first. */
  private schedule(runId: string, window: Window): void {
    if (window.scheduled) return;
    window.scheduled = true;
    setImmediate(() => {
      window.scheduled = false;
      while (window.active < window.limit && window.waiting.length > 0) {
        window.active++;
        window.waiting.shift()!.admit();
      }
      this.drop(runId, window);
    });
  }

  private drop(runId: string, window: Window): void {
    if (window.active === 0 && window.waiting.length === 0 && !window.scheduled && this.windows.get(runId) === window) this.windows.delete(runId);
  }
}
