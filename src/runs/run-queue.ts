/**
 * Per-run serialization: the work for one run (its graph invocations, the steps of a resume) runs one piece
 * at a time, in order. Two invocations of one graph thread at once would lose input. A run is busy while
 * anything is queued or running for it.
 */
export interface RunQueueHooks {
  /** A piece of enqueued work threw (nobody awaits it). */
  failed(runId: string, error: unknown): void;
  /** The run's enqueued work is all done: nothing queued or running for it any more. */
  drained(runId: string): void;
}

export class RunQueue {
  private readonly chains = new Map<string, Promise<void>>();

  constructor(private readonly hooks: RunQueueHooks) {}

  isBusy(runId: string): boolean {
    return this.chains.has(runId);
  }

  /** How many runs have work queued or running. */
  size(): number {
    return this.chains.size;
  }

  /** The runs with work queued or running. */
  runIds(): string[] {
    return [...this.chains.keys()];
  }

  /** Runs `work` after everything queued for the run, in the background; its error goes to `hooks.failed`. */
  enqueue(runId: string, work: () => Promise<void>): void {
    const next = this.after(runId).then(work).catch((error: unknown) => this.hooks.failed(runId, error));
    this.chains.set(runId, next);
    void next.then(() => {
      if (this.chains.get(runId) !== next) return;
      this.chains.delete(runId);
      this.hooks.drained(runId);
    });
  }

  /** Runs `work` after everything queued for the run and returns its result (or its error) to the caller. */
  exclusive<T>(runId: string, work: () => Promise<T>): Promise<T> {
    const result = this.after(runId).then(work);
    const next = result.then(() => undefined, () => undefined);
    this.chains.set(runId, next);
    void next.then(() => {
      if (this.chains.get(runId) === next) this.chains.delete(runId);
    });
    return result;
  }

  private after(runId: string): Promise<void> {
    return this.chains.get(runId) ?? Promise.resolve();
  }
}
