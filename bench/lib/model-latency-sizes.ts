/**
 * The model-latency benchmark's measurement: after a warm-up, for each N (BENCH_MODEL_SIZES, 5,50,500 by default)
 * ours and then the bare graph at ours' concurrency c, served the same seeded draws, against the ideal schedule.
 */
import { runBare } from "./bare-model-graph.js";
import { idealSchedule, latencyDraws, waveSchedule } from "./latency-schedules.js";
import { MODEL_CONCURRENCY, runOurs, type OursResult } from "./model-latency-ours.js";
import type { Breakdown } from "./provider-breakdown.js";
import { num } from "./stats.js";

export type Progress = (message: string) => void;

export interface SizeResult {
  n: number;
  c: number;
  ideal: number;
  waves: number;
  meanLatency: number;
  reportLatency: number;
  /** The ideal on --model-concurrency slots (what the run could do if its wave did not cap it), for reference. */
  idealAtModelConcurrency: number;
  ours: OursResult;
  bare: Breakdown;
}

export function sizesFromEnv(): number[] {
  return (process.env.BENCH_MODEL_SIZES ?? "5,50,500").split(",").map((s) => Number(s.trim())).filter((n) => Number.isInteger(n) && n >= 1);
}

async function warmUp(progress: Progress): Promise<void> {
  progress("warm-up: 5 branches, ours and bare, no latency");
  const draws = [1, 1, 1, 1, 1, 1];
  await runOurs(draws);
  await runBare(draws, 5);
}

export async function measureSizes(progress: Progress, sizes = sizesFromEnv()): Promise<SizeResult[]> {
  await warmUp(progress);
  const results: SizeResult[] = [];
  for (const n of sizes) {
    const draws = latencyDraws(n);
    const branchDraws = draws.slice(0, n);
    progress(`N=${n}: ours (server in-process, executor model, --model-concurrency ${MODEL_CONCURRENCY})`);
    const ours = await runOurs(draws);
    const c = Math.min(ours.waveSize, MODEL_CONCURRENCY);
    progress(`N=${n}: ours ${num(ours.wallMs)} ms (wave size ${ours.waveSize}, c = ${c}); bare LangGraph, maxConcurrency ${c}`);
    const bare = await runBare(draws, c);
    const ideal = idealSchedule(branchDraws, c, draws[n]!);
    progress(`N=${n}: bare ${num(bare.wallMs)} ms; ideal ${num(ideal)} ms`);
    results.push({
      n, c, ideal, waves: waveSchedule(branchDraws, ours.waveSize, draws[n]!),
      meanLatency: branchDraws.reduce((a, b) => a + b, 0) / n, reportLatency: draws[n]!,
      idealAtModelConcurrency: idealSchedule(branchDraws, MODEL_CONCURRENCY, draws[n]!), ours, bare,
    });
  }
  return results;
}
