/**
 * Measurement 4, fan-out: latency, peak RSS and checkpoint bytes of runs of 5, 50, 500 and 2,000 branches
 * (in-process, mode parallel, one-sentence inputs), each size in a fresh process (scale-worker.ts) so that
 * its peak RSS is its own. Fan-out is linear when the time per branch stays flat.
 */
import { runWorker } from "./lib/child.js";
import { mb, num, row, summarize, type Row } from "./lib/stats.js";
import type { ScaleResult } from "./scale-worker.js";

/** Repeated runs per size: as many as the five-minute budget allows. */
export function repeatsFor(branches: number): number {
  return branches <= 5 ? 30 : branches <= 50 ? 10 : branches <= 500 ? 3 : 1;
}

export async function measureScale(sizes: number[], progress: (line: string) => void): Promise<Row[]> {
  const rows: Row[] = [];
  const medians = new Map<number, number>();
  for (const n of sizes) {
    progress(`scale: ${n} branches x ${repeatsFor(n)}`);
    const r = await runWorker<ScaleResult>("scale-worker.ts", [String(n), String(repeatsFor(n))]);
    const s = summarize(r.ms);
    medians.set(n, s.median);
    const label = `${num(n, 0)} branches`;
    rows.push(
      row("4", `${label}: latency`, s, "ms", `${num(s.median / n, 2)} ms per branch; ${num(r.checkpoints, 0)} checkpoints, ${num(r.events, 0)} timeline events`),
      row("4", `${label}: peak RSS`, mb(r.peakRss), "MiB", `process peak (getrusage); ${num(mb(r.baselineRss), 0)} MiB after warm-up`, 0),
      row("4", `${label}: checkpoint bytes per run`, mb(summarize(r.checkpointBytes).median), "MiB", "checkpoint + metadata + pending-write blobs of the run's thread", 2),
    );
  }
  const smallest = Math.min(...sizes);
  const largest = Math.max(...sizes);
  if (largest > smallest) {
    const ratio = medians.get(largest)! / medians.get(smallest)!;
    const limit = 1.125 * (largest / smallest); // the issue's 450x for 2,000 / 5 branches: linear plus 12.5%
    rows.push(row("4", `fan-out cost: ${num(largest, 0)} / ${num(smallest, 0)} branches`, ratio, "x",
      `linear = ${num(largest / smallest, 0)}x; target ≤ ${num(limit, 0)}x: ${ratio <= limit ? "MET" : `MISSED by ${num(ratio / limit, 1)}x`}`, 0));
    const below = sizes.filter((n) => n < largest).at(-1)!;
    if (below > smallest) {
      const exponent = Math.log(medians.get(largest)! / medians.get(below)!) / Math.log(largest / below);
      rows.push(row("4", `growth exponent ${num(below, 0)} → ${num(largest, 0)} branches`, exponent, "", "time ∝ branches^k: k = 1 linear, 2 quadratic", 2));
    }
  }
  return rows;
}
