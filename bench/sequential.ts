/**
 * Measurement 5: many five-branch runs one after another on one database (sequential-worker.ts, in a fresh
 * process with --expose-gc so that heap figures are what is retained): RSS at the start and the end, the
 * database size at the end, and whether a run gets slower as the database fills. The count is
 * BENCH_SEQUENTIAL_RUNS (default 10,000) within BENCH_SEQUENTIAL_SECONDS (default 100, so that the whole
 * benchmark stays under five minutes); when time runs out first, the table says so and projects the wall
 * time of all the runs asked for from a linear fit of latency against run number.
 */
import { runWorker } from "./lib/child.js";
import { mb, num, row, summarize, type Row } from "./lib/stats.js";
import type { SequentialResult } from "./sequential-worker.js";

export const DEFAULT_SEQUENTIAL_RUNS = 10_000;
export const DEFAULT_SEQUENTIAL_SECONDS = 100;

/** Least-squares line through (i, ms[i]). */
function fit(ms: number[]): { a: number; b: number } {
  const n = ms.length;
  const mx = (n - 1) / 2;
  const my = ms.reduce((s, y) => s + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  ms.forEach((y, x) => {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
  });
  const b = sxx === 0 ? 0 : sxy / sxx;
  return { a: my - b * mx, b };
}

const signed = (x: number, digits: number) => `${x < 0 ? "−" : "+"}${num(Math.abs(x), digits)}`;

export async function measureSequential(asked: number, seconds: number): Promise<Row[]> {
  const r = await runWorker<SequentialResult>("sequential-worker.ts", [String(asked), String(seconds)], { nodeFlags: ["--expose-gc"], timeoutSeconds: seconds + 120 });
  const k = Math.min(100, Math.floor(r.runs / 2) || 1);
  const first = summarize(r.ms.slice(0, k));
  const last = summarize(r.ms.slice(-k));
  const { a, b } = fit(r.ms);
  const count = r.stoppedByTime
    ? `${num(r.runs, 0)} of ${num(asked, 0)} runs: stopped at the ${seconds} s budget (BENCH_SEQUENTIAL_SECONDS)`
    : `${num(r.runs, 0)} runs (BENCH_SEQUENTIAL_RUNS)`;
  const rows = [
    row("5", "sequential five-branch runs: wall time", r.wallMs / 1000, "s", count),
    row("5", "sequential: throughput over all runs", r.runs / (r.wallMs / 1000), "runs/s", ""),
    row("5", `sequential: latency of the first ${k} runs`, first, "ms", ""),
    row("5", `sequential: latency of the last ${k} runs`, last, "ms", `${num(last.median / first.median, 2)}x the first; linear fit: ${signed(b * 1000, 1)} ms per 1,000 runs`),
  ];
  if (r.stoppedByTime) {
    const projected = (asked * a + (b * asked * (asked - 1)) / 2) / 1000;
    rows.push(row("5", `sequential: projected wall time of ${num(asked, 0)} runs`, projected, "s", "from the linear fit of latency against run number", 0));
  }
  return [
    ...rows,
    row("5", "sequential: RSS at the start (after a warm-up run)", mb(r.rssStart), "MiB", `heap after GC ${num(mb(r.heapStart), 1)} MiB`, 0),
    row("5", "sequential: RSS at the end", mb(r.rssEnd), "MiB", `heap after GC ${num(mb(r.heapEnd), 1)} MiB (${signed((r.heapEnd - r.heapStart) / r.runs / 1024, 1)} KiB per run); peak RSS ${num(mb(r.peakRss), 0)} MiB`, 0),
    row("5", "sequential: database size at the end", mb(r.dbBytes + r.walBytes), "MiB",
      `conductor.db ${num(mb(r.dbBytes), 1)} MiB + -wal ${num(mb(r.walBytes), 1)} MiB; ${num((r.dbBytes + r.walBytes) / (r.runs + 1) / 1024, 0)} KiB per run`, 1),
  ];
}
