/**
 * At most `limit` model calls in flight in this process, the waiting ones served round-robin across runs: each
 * run's calls wait in their own queue, and a freed slot goes to the next run in turn, so a run of 500 branches
 * cannot starve a run of 3 that starts after it. A waiter whose signal aborts leaves the queue.
 */

interface Waiter {
  grant(release: () => void): void;
  reject(reason: unknown): void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

export class FairLimiter {
  private running = 0;
  /** Waiting calls per run, and the runs with waiters in their turn order. */
  private readonly queues = new Map<string, Waiter[]>();
  private readonly turns: string[] = [];

  constructor(readonly limit: number) {
    if (!(Number.isInteger(limit) && limit >= 1)) throw new RangeError("the limit must be an integer >= 1");
  }

  get inFlight(): number {
    return this.running;
  }

  get waiting(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.length;
    return n;
  }

  /** Resolves with the slot's release (call it once) when a slot is free and it is this run's turn. */
  acquire(runId: string, signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.running < this.limit && this.turns.length === 0) return Promise.resolve(this.take());
    return new Promise<() => void>((resolve, reject) => {
      const waiter: Waiter = {
        grant: resolve, reject, signal,
        onAbort: () => {
          this.remove(runId, waiter);
          reject(signal?.reason);
        },
      };
      signal?.addEventListener("abort", waiter.onAbort, { once: true });
      let queue = this.queues.get(runId);
      if (!queue) {
        queue = [];
        this.queues.set(runId, queue);
        this.turns.push(runId);
      }
      queue.push(waiter);
    });
  }

  private take(): () => void {
    this.running++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running--;
      this.next();
    };
  }

  private next(): void {
    while (this.running < this.limit && this.turns.length > 0) {
      const runId = this.turns.shift()!;
      const queue = this.queues.get(runId)!;
      const waiter = queue.shift()!;
      if (queue.length > 0) this.turns.push(runId); // its next call waits for the other runs' turns
      else this.queues.delete(runId);
      waiter.signal?.removeEventListener("abort", waiter.onAbort);
      waiter.grant(this.take());
    }
  }

  private remove(runId: string, waiter: Waiter): void {
    const queue = this.queues.get(runId);
    if (!queue) return;
    const at = queue.indexOf(waiter);
    if (at >= 0) queue.splice(at, 1);
    if (queue.length === 0) {
      this.queues.delete(runId);
      const turn = this.turns.indexOf(runId);
      if (turn >= 0) this.turns.splice(turn, 1);
    }
  }
}
