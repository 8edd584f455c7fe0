/**
 * Measurement 6, input size: how fast the server's offline text work runs as one input grows from 0.1 to 10 MB,
 * per kind of input (bench/lib/text-corpus.ts: prose with and without line breaks, CSV, logs, minified JSON), and
 * how its time grows. Runs the built code (dist/), one fresh child process per kind, each measurement timed in it:
 *
 * - sentence splitting: `splitSentences(text)`;
 * - tokenizing: `tokenize(text)` over the whole text;
 * - BM25 ranking: `rankBm25(sentences, query)`, the text's sentences tokenized beforehand (not timed), against a
 *   10-term query; MB of source text per second;
 * - the builtin branch: `researchFindings(work)` (not for CSV) and `analyzeInputs(work)`, one input per branch,
 *   the whole offline work of a research or analysis branch.
 *
 * MB = 10^6 bytes (the inputs are ASCII: bytes = characters), MB/s = MB of input / seconds. After a warm-up (each
 * measure three times on 0.2 MB of the kind), each size is timed a few
 * times at small sizes (median of up to 5) and once or twice at large ones. The growth exponent k is the
 * least-squares slope of log(time) against log(size) over the sizes measured: time ∝ size^k, 1 = linear,
 * 2 = quadratic. A measurement that has not finished after BENCH_INPUT_LIMIT_SECONDS (20) is stopped (its child is
 * killed) and reported "over 20 s"; that measure is not run at the larger sizes of that kind, nor is what needs its
 * result (BM25 and the branches need the sentences: when splitting is over the limit, they are too).
 *
 * Environment: BENCH_INPUT_SIZES in MB, comma-separated (0.1,0.4,1,2.5,5,10), BENCH_INPUT_KINDS (all:
 * prose-lines,prose-flat,csv,logs,json), BENCH_INPUT_LIMIT_SECONDS (20).
 * Alone: `npm run build && node --import tsx bench/input-size.ts`; `npm run bench` includes it.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { measureKind } from "./lib/input-size-kind.js";
import { mbLabel, measuresOf } from "./lib/input-size-measures.js";
import { optionsFromEnv, type InputSizeOptions } from "./lib/input-size-options.js";
import { rowsOf } from "./lib/input-size-rows.js";
import { runChild, WORKER_DIST_FILES } from "./lib/input-size-worker.js";
import { describeMachine } from "./lib/machine.js";
import { renderTable, type Row } from "./lib/stats.js";
import { KIND_LABELS } from "./lib/text-corpus.js";

export { growthExponent } from "./lib/growth-exponent.js";
export { measuresOf, repeatsFor, type Measure } from "./lib/input-size-measures.js";
export { DEFAULT_INPUT_SIZES_MB, DEFAULT_LIMIT_SECONDS, optionsFromEnv, type InputSizeOptions } from "./lib/input-size-options.js";

const SELF = fileURLToPath(import.meta.url);
const ROOT = path.resolve(path.dirname(SELF), "..");
const DIST_FILES = Object.values(WORKER_DIST_FILES);

/** The rows of measurement 6: per kind, one child process (this file with `--child`) measuring every size. */
export async function measureInputSize(progress: (line: string) => void, opts: InputSizeOptions = {}): Promise<Row[]> {
  const defaults = optionsFromEnv();
  const sizesMb = opts.sizesMb ?? defaults.sizesMb;
  const kinds = opts.kinds ?? defaults.kinds;
  const limitSeconds = opts.limitSeconds ?? defaults.limitSeconds;
  const rows: Row[] = [];
  for (const kind of kinds) {
    progress(`input size: ${KIND_LABELS[kind]}, ${sizesMb.map(mbLabel).join(", ")}`);
    const results = await measureKind(kind, sizesMb, limitSeconds, progress, SELF);
    for (const measure of measuresOf(kind)) rows.push(...rowsOf(kind, measure, results.get(measure)!, limitSeconds));
  }
  return rows;
}

// Alone: `node --import tsx bench/input-size.ts` (after `npm run build`).

async function runAlone(): Promise<void> {
  const missing = DIST_FILES.filter((f) => !fs.existsSync(path.join(ROOT, "dist", f)));
  if (missing.length > 0) {
    process.stderr.write(`dist/ is missing ${missing.join(", ")}: run \`npm run build\` first\n`);
    process.exit(1);
  }
  const opts = optionsFromEnv();
  const started = performance.now();
  const progress = (line: string) => process.stderr.write(`[input-size ${((performance.now() - started) / 1000).toFixed(0)} s] ${line}\n`);
  const header = describeMachine();
  const loadBefore = os.loadavg()[0]!;
  const rows = await measureInputSize(progress, opts);
  const loadAfter = os.loadavg()[0]!;
  process.stdout.write(`${header}\nload average (1 min) ${loadBefore.toFixed(2)} at the start, ${loadAfter.toFixed(2)} at the end\n\n`);
  process.stdout.write(`${renderTable(rows)}\n\n`);
  process.stdout.write(`benchmark wall time ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
}

const isMain = process.argv[1] !== undefined && path.resolve(process.argv[1]) === SELF;
if (isMain) {
  if (process.argv[2] === "--child") await runChild();
  else await runAlone();
}
