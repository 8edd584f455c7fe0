/**
 * The agent resource pool: cpu units and memory with a fixed capacity. Allocations are explicit and
 * always released; `acquire` waits (bounded, abortable) for capacity instead of failing at once.
 */
import os from "node:os";
import { EventEmitter, once } from "node:events";

export interface Resources {
  cpu: number;
  memory_mb: number;
}

export class ResourceUnavailableError extends Error {
  override name = "ResourceUnavailableError";
}

export function defaultCapacity(): Resources {
  return { cpu: os.availableParallelism(), memory_mb: Math.floor(os.totalmem() / 2 / 1024 / 1024) };
}

export class ResourcePool {
  private used: Resources = { cpu: 0, memory_mb: 0 };
  private readonly released = new EventEmitter();

  constructor(readonly capacity: Resources = defaultCapacity()) {
    this.released.setMaxListeners(0);
  }

  free(): Resources {
    return { cpu: round(this.capacity.cpu - this.used.cpu), memory_mb: this.capacity.memory_mb - this.used.memory_mb };
  }

  usage(): Resources {
    return { cpu: round(this.used.cpu), memory_mb: this.used.memory_mb };
  }

  /**
   * Free share of cpu (0..1), and how many of `needs` (a run's branches, in the order they would start) fit in
   * what is free now, all at once: the task analyzer's view, measured against what the run's own agents take.
   */
  availability(needs: readonly Resources[]): { cpu: number; max_concurrent: number } {
    const free = this.free();
    return { cpu: this.capacity.cpu > 0 ? free.cpu / this.capacity.cpu : 0, max_concurrent: fitTogether(needs, free) };
  }

  fits(need: Resources): boolean {
    return need.cpu <= this.capacity.cpu && need.memory_mb <= this.capacity.memory_mb;
  }

  canAllocate(need: Resources): boolean {
    const free = this.free();
    return need.cpu <= free.cpu + 1e-9 && need.memory_mb <= free.memory_mb;
  }

  /** Takes `need` now or throws ResourceUnavailableError naming the free capacity. Returns a release function. */
  allocate(need: Resources): () => void {
    if (!this.canAllocate(need)) {
      const free = this.free();
      throw new ResourceUnavailableError(
        `needs cpu ${need.cpu} and ${need.memory_mb} MB; the pool has cpu ${free.cpu} of ${this.capacity.cpu} and ${free.memory_mb} of ${this.capacity.memory_mb} MB free`,
      );
    }
    this.used = { cpu: this.used.cpu + need.cpu, memory_mb: this.used.memory_mb + need.memory_mb };
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.used = { cpu: Math.max(0, this.used.cpu - need.cpu), memory_mb: Math.max(0, this.used.memory_mb - need.memory_mb) };
      this.released.emit("released");
    };
  }

  /** Waits until `need` fits, then allocates it. Rejects when `signal` aborts or `need` exceeds the capacity. */
  async acquire(need: Resources, signal: AbortSignal): Promise<() => void> {
    if (!this.fits(need)) return this.allocate(need);
    while (!this.canAllocate(need)) {
      signal.throwIfAborted();
      await once(this.released, "released", { signal });
    }
    return this.allocate(need);
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** How many of `needs`, taken in order, fit together in `free` (the first that does not fit ends the count). */
export function fitTogether(needs: readonly Resources[], free: Resources): number {
  let cpu = 0;
  let memory = 0;
  for (const [i, need] of needs.entries()) {
    cpu += need.cpu;
    memory += need.memory_mb;
    if (cpu > free.cpu + 1e-9 || memory > free.memory_mb) return i;
  }
  return needs.length;
}
