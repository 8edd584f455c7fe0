/**
 * A counting semaphore, first come first served: at most `size` run invocations execute at once; the
 * rest queue (the run stays `running` and its timeline says `run_queued`).
 */
export class RunSlots {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly size: number) {}

  /** How many would wait ahead of a new request. */
  queueLength(): number {
    return this.active < this.size ? 0 : this.waiting.length + 1;
  }

  /** How many invocations wait for a slot now. */
  waitingCount(): number {
    return this.waiting.length;
  }

  async acquire(): Promise<() => void> {
    if (this.active < this.size) this.active++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next(); // the slot passes straight to the next in line
      else this.active--;
    };
  }
}
