/**
 * CPU-heavy branch work off the event loop: a piscina pool of worker threads, sized by --worker-threads and
 * started on first use (a run without big inputs never loads piscina). A job small enough to take about a
 * millisecond runs inline instead, after yielding to I/O, since a thread round trip would cost more than it saves.
 * An aborted job (the branch timed out, the run was cancelled) stops its thread: the work ends, it is not
 * left to finish in the background.
 */
import { availableParallelism } from "node:os";
import type { Piscina } from "piscina";
import { jobChars, OFFLINE_JOBS, type OfflineJobInput, type OfflineJobName, type OfflineJobOutput } from "./offline-work.js";

/** Jobs over fewer characters run inline (about 1-3 ms of work at 10-30 MB/s). */
export const INLINE_MAX_CHARS = 32 * 1024;
/** An idle thread exits after this long; the next big job starts one again (about 50 ms). */
const IDLE_TIMEOUT_MS = 30_000;

export interface OfflinePool {
  run<N extends OfflineJobName>(name: N, input: OfflineJobInput<N>, signal: AbortSignal): Promise<OfflineJobOutput<N>>;
  /** Threads started so far (0 until the first big job). */
  threads(): number;
  close(): Promise<void>;
}

export function createOfflinePool(options: { maxThreads?: number; inlineMaxChars?: number } = {}): OfflinePool {
  const maxThreads = Math.max(1, options.maxThreads ?? availableParallelism());
  const inlineMaxChars = options.inlineMaxChars ?? INLINE_MAX_CHARS;
  let pool: Promise<Piscina> | undefined;
  let started: Piscina | undefined;
  const piscina = () => {
    pool ??= import("piscina").then(({ Piscina }) => started = new Piscina({
      // The built module: Node 20's worker threads do not inherit tsx's loader hooks, so tests use dist/ for threads.
      filename: new URL("./worker-entry.js", import.meta.url).href,
      minThreads: 0,
      maxThreads,
      idleTimeout: IDLE_TIMEOUT_MS,
      // Inputs are copied to the worker; the jobs are bounded by the branch timeout, not by a queue length.
      maxQueue: Infinity,
    }));
    return pool;
  };
  return {
    async run(name, input, signal) {
      if (signal.aborted) throw signal.reason ?? new Error("aborted");
      if (jobChars(input) < inlineMaxChars) {
        await new Promise<void>((resolve) => setImmediate(resolve)); // let I/O in between many small jobs
        if (signal.aborted) throw signal.reason ?? new Error("aborted");
        return (OFFLINE_JOBS[name] as (i: typeof input) => OfflineJobOutput<typeof name>)(input);
      }
      const threads = await piscina();
      try {
        return (await threads.run(input, { name, signal })) as OfflineJobOutput<typeof name>;
      } catch (error) {
        throw signal.aborted ? (signal.reason ?? error) : error;
      }
    },
    threads: () => started?.threads.length ?? 0,
    async close() {
      if (pool) await (await pool).destroy();
    },
  };
}
