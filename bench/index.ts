/**
 * The benchmark: orchestration overhead against a bare LangGraph graph and the SQLite limit, and how cost
 * grows with branches, timeline length, runs and input size. Prints the machine and one table (Markdown) to stdout;
 * progress goes to stderr. Run after a build: `npm run build && node --import tsx bench/index.ts`.
 *
 * Environment: BENCH_ROUNDS (5) and BENCH_BATCH (20) for the five-branch comparisons, BENCH_SCALE_SIZES
 * ("5,50,500,2000"), BENCH_SEQUENTIAL_RUNS (10000) within BENCH_SEQUENTIAL_SECONDS (100), BENCH_TIMELINE_EVENTS
 * (10000), BENCH_INPUT_SIZES ("0.1,0.4,1,2.5,5,10" MB; bench/input-size.ts), BENCH_MODEL_SIZES ("5,50,500";
 * bench/model-latency.ts); then the event loop with three 5 MB inputs (bench/event-loop.ts). See docs/benchmarks.md.
 */
import fs from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { describeMachine } from "./lib/machine.js";
import { renderTable, type Row } from "./lib/stats.js";

const dist = fileURLToPath(new URL("../dist/create-server.js", import.meta.url));
if (!fs.existsSync(dist)) {
  process.stderr.write("dist/ is missing: run `npm run build` first (or `npm run bench`)\n");
  process.exit(1);
}
// After the check: these load dist/.
const { measureFiveBranch } = await import("./five-branch.js");
const { measureScale } = await import("./scale.js");
const { measureTimeline } = await import("./timeline.js");
const { DEFAULT_SEQUENTIAL_RUNS, DEFAULT_SEQUENTIAL_SECONDS, measureSequential } = await import("./sequential.js");
const { measureInputSize, optionsFromEnv: inputSizeOptions } = await import("./input-size.js");
const { measureEventLoop } = await import("./event-loop.js");
const { measureModelLatency } = await import("./model-latency.js");

const int = (name: string, fallback: number) => {
  const v = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} must be a positive integer`);
  return v;
};
const rounds = int("BENCH_ROUNDS", 5);
const batch = int("BENCH_BATCH", 20);
const sequentialRuns = int("BENCH_SEQUENTIAL_RUNS", DEFAULT_SEQUENTIAL_RUNS);
const sequentialSeconds = int("BENCH_SEQUENTIAL_SECONDS", DEFAULT_SEQUENTIAL_SECONDS);
const timelineEvents = int("BENCH_TIMELINE_EVENTS", 10_000);
const sizes = (process.env.BENCH_SCALE_SIZES ?? "5,50,500,2000").split(",").map(Number);
if (sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error("BENCH_SCALE_SIZES must be positive integers separated by commas");
const inputSizes = inputSizeOptions(); // BENCH_INPUT_SIZES, checked before anything runs

const started = performance.now();
const progress = (line: string) => process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(0)} s] ${line}\n`);
const header = describeMachine();
const loadBefore = os.loadavg()[0]!;

const rows: Row[] = [];
progress(`five branches: in-process, auto mode, MCP, bare LangGraph, raw SQLite (${rounds} rounds x ${batch})`);
rows.push(...(await measureFiveBranch({ rounds, batch, warmup: 3 })));
rows.push(...(await measureScale(sizes, progress)));
progress(`timeline: ${timelineEvents} events, pages of 200 through MCP`);
rows.push(...(await measureTimeline({ events: timelineEvents, page: 200, repeats: 40 })));
progress(`sequential: ${sequentialRuns} five-branch runs, at most ${sequentialSeconds} s`);
rows.push(...(await measureSequential(sequentialRuns, sequentialSeconds)));
rows.push(...(await measureInputSize(progress, inputSizes)));
progress("event loop: a run with three 5 MB inputs");
rows.push(...(await measureEventLoop(5, progress)));
progress("model latency: 5, 50 and 500 model branches against the ideal schedule and a bare graph (BENCH_MODEL_SIZES)");
rows.push(...(await measureModelLatency(progress)));

const loadAfter = os.loadavg()[0]!;
process.stdout.write(`${header}\nload average (1 min) ${loadBefore.toFixed(2)} at the start, ${loadAfter.toFixed(2)} at the end\n\n`);
process.stdout.write(`${renderTable(rows)}\n\n`);
process.stdout.write(`benchmark wall time ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
