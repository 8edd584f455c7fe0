/**
 * Model latency: N branches (mode "parallel", executor "model") whose chat-model calls take a scripted, seeded
 * 100-500 ms each, against
 *  - the ideal schedule for the run's own concurrency c = min(the run's wave size, --model-concurrency): list
 *    scheduling of the branch latencies in dispatch order (t1..tN) on c slots, each branch starting the moment a
 *    slot frees, plus the report call's latency; and
 *  - a bare LangGraph graph in the same process: one node fanning out N `Send`s to a branch node that calls the same
 *    `ChatOpenAI` client with structured output, then a report node making one plain call, invoked with
 *    `{ maxConcurrency: c }`, against the same provider and the same latency draws.
 * The latency of a request is a function of its branch (the "[tK]" marker in its prompt; the report, which has none,
 * takes the last draw), so the ideal is computed exactly from the draws the provider then serves.
 *
 * Where time goes is read off the provider's own clock (arrival and finish of every request): time before the
 * first call, the branch phase split into "waves" (spans with a call in flight) and the gaps with none in flight,
 * then the time from the last branch answer to the report call, the report, and the time to settle.
 *
 *   npm run build && node --import tsx bench/model-latency.ts      (BENCH_MODEL_SIZES=5,50,500 by default)
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { MAX_MS, MIN_MS } from "./lib/latency-schedules.js";
import { describeMachine } from "./lib/machine.js";
import { MODEL_CONCURRENCY } from "./lib/model-latency-ours.js";
import { rowsOf, summaryTable } from "./lib/model-latency-rows.js";
import { measureSizes, type Progress } from "./lib/model-latency-sizes.js";
import { num, renderTable, type Row } from "./lib/stats.js";

export { idealSchedule, latencyDraws, waveSchedule } from "./lib/latency-schedules.js";
export { measureSizes, sizesFromEnv, type Progress, type SizeResult } from "./lib/model-latency-sizes.js";
export type { Breakdown } from "./lib/provider-breakdown.js";
export { rowsOf } from "./lib/model-latency-rows.js";

const SELF = fileURLToPath(import.meta.url);

/** The rows for bench/index.ts (or anyone): one measurement per size. */
export async function measureModelLatency(progress: Progress): Promise<Row[]> {
  return rowsOf(await measureSizes(progress));
}

const isMain = process.argv[1] !== undefined && path.resolve(process.argv[1]) === SELF;
if (isMain) {
  const t0 = performance.now();
  const progress: Progress = (m) => process.stderr.write(`[model-latency ${((performance.now() - t0) / 1000).toFixed(1)} s] ${m}\n`);
  const results = await measureSizes(progress);
  process.stdout.write(`${describeMachine()}\n\n`);
  process.stdout.write(`model latency: scripted ${MIN_MS}-${MAX_MS} ms per call (seeded), mode parallel, executor model, --model-concurrency ${MODEL_CONCURRENCY}\n\n`);
  process.stdout.write(`${summaryTable(results)}\n\n${renderTable(rowsOf(results))}\n\n`);
  process.stdout.write(`total ${num((performance.now() - t0) / 1000, 1)} s\n`);
}
