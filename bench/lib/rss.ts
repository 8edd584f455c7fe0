/**
 * Resident memory: the current RSS, and the process's lifetime peak (getrusage maxrss: exact, unlike sampling
 * with a timer, which misses synchronous spikes; it is why each scale size runs in a fresh child process).
 */

/** Current resident set size, bytes. */
export function rss(): number {
  return process.memoryUsage.rss();
}

/** Peak resident set size of this process since it started, bytes (getrusage ru_maxrss). */
export function peakRss(): number {
  return process.resourceUsage().maxRSS * 1024;
}
