/**
 * The channel versions a checkpoint saver knows are stored, per thread, in memory: a later checkpoint that
 * refers to the same version of a channel needs no query to know its value is there. Bounded: the threads
 * used least recently are forgotten first (forgetting only costs a query the next time).
 */
const MAX_THREADS = 128;

export interface ThreadVersions {
  has(channel: string, version: string): boolean;
  add(channel: string, version: string): void;
}

export class StoredVersions {
  private readonly threads = new Map<string, Set<string>>();

  constructor(private readonly maxThreads = MAX_THREADS) {}

  /** The versions known for a thread's namespace; using them makes the thread the most recently used. */
  of(thread: string, ns: string): ThreadVersions {
    const key = `${thread}\u0000${ns}`;
    let set = this.threads.get(key);
    if (set) this.threads.delete(key);
    else set = new Set();
    this.threads.set(key, set);
    if (this.threads.size > this.maxThreads) this.threads.delete(this.threads.keys().next().value!);
    const known = set;
    return {
      has: (channel, version) => known.has(`${channel}\u0000${version}`),
      add: (channel, version) => void known.add(`${channel}\u0000${version}`),
    };
  }

  /** Forgets every namespace of a thread (its checkpoints were deleted). */
  forget(thread: string): void {
    for (const key of this.threads.keys()) if (key.startsWith(`${thread}\u0000`)) this.threads.delete(key);
  }
}
