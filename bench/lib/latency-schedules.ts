/**
 * The model-latency benchmark's scripted latencies (seeded draws in [100, 500] ms) and the schedules a run of them
 * could at best achieve: list scheduling on c slots, and waves that each wait for their slowest.
 */
import { seededLatency } from "../../test/helpers/scripted-provider.js";

const SEED = 20_250;
export const MIN_MS = 100;
export const MAX_MS = 500;

/** Makespan of list scheduling: each latency, in order, starts on the slot that frees first. Plus `tail` (the report). */
export function idealSchedule(latencies: readonly number[], slots: number, tail = 0): number {
  if (!(Number.isInteger(slots) && slots >= 1)) throw new RangeError("slots must be an integer >= 1");
  const free = new Array<number>(Math.min(slots, Math.max(1, latencies.length))).fill(0);
  let end = 0;
  for (const d of latencies) {
    let k = 0;
    for (let i = 1; i < free.length; i++) if (free[i]! < free[k]!) k = i;
    free[k]! += d;
    end = Math.max(end, free[k]!);
  }
  return end + tail;
}

/** Makespan when latencies run in waves of `wave` that each wait for their slowest, plus `tail`. */
export function waveSchedule(latencies: readonly number[], wave: number, tail = 0): number {
  let total = 0;
  for (let i = 0; i < latencies.length; i += wave) total += Math.max(...latencies.slice(i, i + wave));
  return total + tail;
}

/** N + 1 draws in [100, 500] ms: one per branch t1..tN, the last for the report. */
export function latencyDraws(n: number, seed = SEED): number[] {
  const next = seededLatency(seed + n, MIN_MS, MAX_MS);
  return Array.from({ length: n + 1 }, () => next());
}
