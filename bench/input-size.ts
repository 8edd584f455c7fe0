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
import { fork, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type * as SentencesModule from "../src/agents/text/sentences.js";
import type * as TokenizeModule from "../src/agents/text/tokenize.js";
import type * as Bm25Module from "../src/agents/text/bm25.js";
import type * as ResearchModule from "../src/agents/executors/builtin-research.js";
import type * as AnalysisModule from "../src/agents/executors/builtin-analysis.js";
import type { BranchOutcome, BranchWork, LoadedInput } from "../src/agents/executors/types.js";
import { describeMachine } from "./lib/machine.js";
import { num, renderTable, row, summarize, type Row } from "./lib/stats.js";
import { generateInput, INPUT_KINDS, KIND_FILE_NAMES, KIND_LABELS, type InputKind } from "./lib/text-corpus.js";

const SELF = fileURLToPath(import.meta.url);
const ROOT = path.resolve(path.dirname(SELF), "..");
const DIST_FILES = [
  "agents/text/sentences.js", "agents/text/tokenize.js", "agents/text/bm25.js",
  "agents/executors/builtin-research.js", "agents/executors/builtin-analysis.js",
];

export const DEFAULT_INPUT_SIZES_MB = [0.1, 0.4, 1, 2.5, 5, 10];
export const DEFAULT_LIMIT_SECONDS = 20;
const MB = 1e6;

/** The BM25 query: 10 distinct terms once tokenized (checked in the child). */
const QUERY_TEXT = "edge accelerator market revenue growth shipments power latency inference demand";
const OBJECTIVE = "Should we build an edge AI accelerator product? Assess technology, market and competition.";
const RESEARCH_DESCRIPTION = "edge AI chip market revenue, shipments, power and latency";
const ANALYSIS_DESCRIPTION = "shipment units, revenue, latency and power by region";

export type Measure = "split" | "tokenize" | "bm25" | "research" | "analysis";
const MEASURE_LABELS: Readonly<Record<Measure, string>> = {
  split: "sentence splitting",
  tokenize: "tokenizing",
  bm25: "BM25 ranking",
  research: "research branch",
  analysis: "analysis branch",
};
/**
 * Whether a measure splits the text into sentences (BM25 ranks the sentences; a branch splits a text input, not a
 * table): once splitting is over the limit, so is it, or it cannot run.
 */
function usesSplitting(kind: InputKind, measure: Measure): boolean {
  return measure === "bm25" || measure === "research" || (measure === "analysis" && kind !== "csv");
}

const runOrder = (m: Measure) => ["split", "bm25", "tokenize", "research", "analysis"].indexOf(m);

/** The measures of a kind, in table order. */
export function measuresOf(kind: InputKind): Measure[] {
  return kind === "csv" ? ["split", "tokenize", "bm25", "analysis"] : ["split", "tokenize", "bm25", "research", "analysis"];
}

/** Timed runs per size: the median of a few at small sizes, one or two at large ones. */
export function repeatsFor(mb: number): number {
  return mb <= 0.5 ? 5 : mb <= 1.5 ? 3 : 2;
}
/** No further repeat once a measure's runs at one size have taken this long together. */
const REPEAT_BUDGET_MS = 2_000;

/** time ∝ size^k: the least-squares slope of ln(ms) against ln(bytes); undefined below two sizes. */
export function growthExponent(points: ReadonlyArray<{ bytes: number; ms: number }>): number | undefined {
  if (points.length < 2) return undefined;
  const xs = points.map((p) => Math.log(p.bytes));
  const ys = points.map((p) => Math.log(Math.max(p.ms, 1e-3)));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
  }
  return sxx > 0 ? sxy / sxx : undefined;
}

const mbLabel = (mb: number) => `${Number(mb.toFixed(3))} MB`;

// ---------------------------------------------------------------------------------------------------------------
// Parent side: one child process per kind, a watchdog on every request.

type Request =
  | { op: "load"; kind: InputKind; bytes: number }
  | { op: "warmup"; kind: InputKind }
  | { op: "prepare-bm25" }
  | { op: "measure"; measure: Measure };

type Reply = { ok: true; ms: number; chars?: number; note?: string } | { ok: false; error: string };

class MeasuringChild {
  private proc: ChildProcess | undefined;
  private waiting: { resolve: (r: Reply) => void; reject: (e: Error) => void } | undefined;
  /** `${kind}:${bytes}` of the text the child holds, and its length. */
  loaded: string | undefined;
  loadedChars = 0;

  private start(): ChildProcess {
    const proc = fork(SELF, ["--child"], {
      cwd: ROOT,
      execArgv: ["--import", "tsx"],
      stdio: ["ignore", "ignore", "inherit", "ipc"],
    });
    proc.on("message", (message) => {
      const w = this.waiting;
      this.waiting = undefined;
      w?.resolve(message as Reply);
    });
    proc.on("exit", (code, signal) => {
      if (this.proc === proc) {
        this.proc = undefined;
        this.loaded = undefined;
      }
      const w = this.waiting;
      this.waiting = undefined;
      w?.reject(new Error(`the measuring process exited (${code ?? signal})`));
    });
    return proc;
  }

  /** The child's reply, or "timeout" once `timeoutMs` passed (the child is then killed, and restarted on the next request). */
  request(req: Request, timeoutMs: number): Promise<Reply | "timeout"> {
    const proc = (this.proc ??= this.start());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = undefined;
        void this.kill().then(() => resolve("timeout"));
      }, timeoutMs);
      this.waiting = {
        resolve: (r) => { clearTimeout(timer); resolve(r); },
        reject: (e) => { clearTimeout(timer); reject(e); },
      };
      proc.send(req);
    });
  }

  async kill(): Promise<void> {
    const p = this.proc;
    this.proc = undefined;
    this.loaded = undefined;
    if (p === undefined || p.exitCode !== null || p.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once("exit", () => resolve());
      p.kill("SIGKILL");
    });
  }
}

interface SizeResult {
  mb: number;
  chars: number;
  ms: number[];
  note?: string;
}

interface MeasureResult {
  sizes: SizeResult[];
  /** Where the measure stopped, and why: over the time limit, failed, or not run because splitting was either. */
  stopped?: { mb: number; over: boolean; why: string };
}

export interface InputSizeOptions {
  sizesMb?: number[];
  kinds?: InputKind[];
  limitSeconds?: number;
}

/** Options from BENCH_INPUT_SIZES, BENCH_INPUT_KINDS and BENCH_INPUT_LIMIT_SECONDS. */
export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env): Required<InputSizeOptions> {
  const sizesMb = (env.BENCH_INPUT_SIZES ?? DEFAULT_INPUT_SIZES_MB.join(",")).split(",").map((s) => Number(s.trim()));
  if (sizesMb.length === 0 || sizesMb.some((n) => !Number.isFinite(n) || n <= 0)) {
    throw new Error("BENCH_INPUT_SIZES must be positive sizes in MB separated by commas");
  }
  const kinds = (env.BENCH_INPUT_KINDS ?? INPUT_KINDS.join(",")).split(",").map((s) => s.trim()) as InputKind[];
  const unknown = kinds.filter((k) => !INPUT_KINDS.includes(k));
  if (unknown.length > 0) throw new Error(`BENCH_INPUT_KINDS: unknown ${unknown.join(", ")} (kinds: ${INPUT_KINDS.join(", ")})`);
  const limitSeconds = Number(env.BENCH_INPUT_LIMIT_SECONDS ?? DEFAULT_LIMIT_SECONDS);
  if (!(limitSeconds > 0)) throw new Error("BENCH_INPUT_LIMIT_SECONDS must be a positive number");
  return { sizesMb: [...new Set(sizesMb)].sort((a, b) => a - b), kinds, limitSeconds };
}

export async function measureInputSize(progress: (line: string) => void, opts: InputSizeOptions = {}): Promise<Row[]> {
  const defaults = optionsFromEnv();
  const sizesMb = opts.sizesMb ?? defaults.sizesMb;
  const kinds = opts.kinds ?? defaults.kinds;
  const limitSeconds = opts.limitSeconds ?? defaults.limitSeconds;
  const rows: Row[] = [];
  for (const kind of kinds) {
    progress(`input size: ${KIND_LABELS[kind]}, ${sizesMb.map(mbLabel).join(", ")}`);
    const results = await measureKind(kind, sizesMb, limitSeconds, progress);
    for (const measure of measuresOf(kind)) rows.push(...rowsOf(kind, measure, results.get(measure)!, limitSeconds));
  }
  return rows;
}

async function measureKind(kind: InputKind, sizesMb: number[], limitSeconds: number, progress: (line: string) => void): Promise<Map<Measure, MeasureResult>> {
  const measures = measuresOf(kind);
  const results = new Map<Measure, MeasureResult>(measures.map((m) => [m, { sizes: [] }]));
  const child = new MeasuringChild();
  const over = `over ${num(limitSeconds, 0)} s`;
  const setup = async (req: Request): Promise<Extract<Reply, { ok: true }>> => {
    const reply = await child.request(req, 300_000); // generating 10 MB or tokenizing its sentences: seconds at most
    if (reply === "timeout") throw new Error(`input size: ${req.op} of ${KIND_LABELS[kind]} took over 300 s`);
    if (!reply.ok) throw new Error(`input size: ${req.op} of ${KIND_LABELS[kind]} failed: ${reply.error}`);
    return reply;
  };
  try {
    await setup({ op: "warmup", kind });
    for (const mb of sizesMb) {
      if (measures.every((m) => results.get(m)!.stopped !== undefined)) break;
      const bytes = Math.round(mb * MB);
      const summary: string[] = [];
      // BM25 right after splitting: it ranks the sentences the child kept from it (no second split after a restart).
      for (const measure of [...measures].sort((a, b) => runOrder(a) - runOrder(b))) {
        const result = results.get(measure)!;
        if (result.stopped !== undefined) continue;
        const split = results.get("split")!.stopped;
        if (split !== undefined && usesSplitting(kind, measure) && (split.over || measure === "bm25")) {
          // Over the limit: what splits the same text is too. Failed: BM25 has no sentences; a branch runs and shows its own error.
          result.stopped = measure === "bm25"
            ? { mb: split.mb, over: split.over, why: `not run: sentence splitting ${split.over ? `was ${over}` : "failed"} at ${mbLabel(split.mb)}` }
            : { mb: split.mb, over: true, why: `${over} (its sentence splitting alone was, at ${mbLabel(split.mb)})` };
          summary.push(`${MEASURE_LABELS[measure]} ${result.stopped.why}`);
          continue;
        }
        const key = `${kind}:${bytes}`;
        if (child.loaded !== key) {
          child.loadedChars = (await setup({ op: "load", kind, bytes })).chars ?? 0;
          child.loaded = key;
        }
        const chars = child.loadedChars;
        if (measure === "bm25") {
          const prepared = await child.request({ op: "prepare-bm25" }, (2 * limitSeconds + 30) * 1000);
          if (prepared === "timeout" || !prepared.ok) {
            result.stopped = prepared === "timeout"
              ? { mb, over: true, why: `not run: tokenizing the sentences took over ${num(2 * limitSeconds + 30, 0)} s` }
              : { mb, over: false, why: `failed: ${prepared.error}` };
            summary.push(`${MEASURE_LABELS[measure]} ${result.stopped.why}`);
            continue;
          }
        }
        const size: SizeResult = { mb, chars, ms: [] };
        for (let i = 0; i < repeatsFor(mb); i++) {
          let reply: Reply | "timeout";
          try {
            reply = await child.request({ op: "measure", measure }, limitSeconds * 1000);
          } catch (error) {
            reply = { ok: false, error: error instanceof Error ? error.message : String(error) };
          }
          if (reply === "timeout") {
            result.stopped = { mb, over: true, why: over };
            break;
          }
          if (!reply.ok) {
            result.stopped = { mb, over: false, why: `failed: ${reply.error}` };
            break;
          }
          size.ms.push(reply.ms);
          if (reply.note !== undefined) size.note = reply.note;
          if (size.ms.reduce((a, b) => a + b, 0) >= REPEAT_BUDGET_MS) break;
        }
        if (size.ms.length > 0 && result.stopped === undefined) {
          result.sizes.push(size);
          const median = summarize(size.ms).median;
          summary.push(`${MEASURE_LABELS[measure]} ${num(chars / MB / (median / 1000))} MB/s (${num(median)} ms${size.ms.length > 1 ? `, median of ${size.ms.length}` : ""}${size.note ? `; ${size.note}` : ""})`);
        } else {
          summary.push(`${MEASURE_LABELS[measure]} ${result.stopped?.why ?? "not measured"}`);
        }
      }
      if (summary.length > 0) progress(`input size: ${KIND_LABELS[kind]} ${mbLabel(mb)}: ${summary.join(", ")}`);
    }
  } finally {
    await child.kill();
  }
  return results;
}

function rowsOf(kind: InputKind, measure: Measure, result: MeasureResult, limitSeconds: number): Row[] {
  const name = `${KIND_LABELS[kind]}: ${MEASURE_LABELS[measure]}`;
  const rate = (s: SizeResult) => s.ms.map((ms) => s.chars / MB / (ms / 1000));
  const bySize = [
    ...result.sizes.map((s) => `${mbLabel(s.mb)} ${num(summarize(rate(s)).median)}`),
    ...(result.stopped ? [`${mbLabel(result.stopped.mb)} ${result.stopped.why}`] : []),
  ].join(" · ");
  const largest = result.sizes.at(-1);
  if (largest === undefined) {
    const why = result.stopped?.why ?? "not measured";
    return [row("6", `${name}, ${mbLabel(result.stopped?.mb ?? 0)}`, why, "MB/s", `no size measured (limit ${num(limitSeconds, 0)} s per run)`)];
  }
  const rows = [row("6", `${name}, ${mbLabel(largest.mb)}`, summarize(rate(largest)), "MB/s", `by size, MB/s: ${bySize}`)];
  const k = growthExponent(result.sizes.map((s) => ({ bytes: s.chars, ms: summarize(s.ms).median })));
  const first = result.sizes[0]!;
  const range = `${mbLabel(first.mb)}–${mbLabel(largest.mb)} (${result.sizes.length} sizes)`;
  const stop = result.stopped ? `; stopped at ${mbLabel(result.stopped.mb)}: ${result.stopped.why}` : "";
  rows.push(k === undefined
    ? row("6", `${name}: growth exponent`, "n/a", "", `one size measured${stop}`)
    : row("6", `${name}: growth exponent`, k, "", `time ∝ size^k, log–log least squares over ${range}; 1 = linear${stop}`, 2));
  return rows;
}

// ---------------------------------------------------------------------------------------------------------------
// Child side: holds one input, times one run per request.

async function runChild(): Promise<void> {
  const load = async <T>(file: string): Promise<T> => (await import(new URL(`../dist/${file}`, import.meta.url).href)) as T;
  const { splitSentences } = await load<typeof SentencesModule>("agents/text/sentences.js");
  const { tokenize } = await load<typeof TokenizeModule>("agents/text/tokenize.js");
  const { rankBm25 } = await load<typeof Bm25Module>("agents/text/bm25.js");
  const { researchFindings } = await load<typeof ResearchModule>("agents/executors/builtin-research.js");
  const { analyzeInputs } = await load<typeof AnalysisModule>("agents/executors/builtin-analysis.js");

  const query = tokenize(QUERY_TEXT);
  if (new Set(query).size !== 10) throw new Error(`the BM25 query has ${new Set(query).size} distinct terms, not 10: ${query.join(" ")}`);

  let input: LoadedInput = { name: "", text: "" };
  let sentences: string[] | undefined;
  let documents: string[][] | undefined;

  const branch = (type: "research" | "analysis"): BranchOutcome => {
    const work: BranchWork = {
      run_id: "bench-input-size",
      branch_id: `${type}_1`,
      objective: OBJECTIVE,
      task: {
        id: "t1",
        type,
        description: type === "research" ? RESEARCH_DESCRIPTION : ANALYSIS_DESCRIPTION,
        ...(type === "research" ? { focus: "market" as const } : {}),
        priority: "normal",
        depends_on: [],
        inputs: [], // references to stored inputs; the texts themselves are in work.inputs
      },
      inputs: [input],
      agent: { agent_id: `bench_${type}`, agent_type: `${type}_specialist`, parameters: {} },
      signal: new AbortController().signal,
      timeout_seconds: 300,
    };
    return type === "research" ? researchFindings(work) : analyzeInputs(work);
  };
  const outcomeNote = (o: BranchOutcome) => `${o.findings.length} findings, quality ${o.quality}` +
    (o.statistics ? `, ${o.statistics.length} numeric columns` : "");

  /**
   * One timed run; returns ms and a note on the result. No forced GC before it: a full collection shrinks the heap,
   * and the run after it then pays for growing it again (up to 2x the steady-state time at 1 MB).
   */
  const measure = (m: Measure): { ms: number; note?: string } => {
    const t0 = performance.now();
    switch (m) {
      case "split": {
        const result = splitSentences(input.text);
        const ms = performance.now() - t0;
        sentences = result;
        return { ms, note: `${result.length} sentences` };
      }
      case "tokenize": {
        const tokens = tokenize(input.text);
        return { ms: performance.now() - t0, note: `${tokens.length} tokens` };
      }
      case "bm25": {
        if (documents === undefined) throw new Error("prepare-bm25 first");
        const scores = rankBm25(documents, query);
        const ms = performance.now() - t0;
        let matched = 0;
        for (const s of scores) if (s > 0) matched++;
        return { ms, note: `${matched} of ${documents.length} sentences matched` };
      }
      case "research":
      case "analysis": {
        const outcome = branch(m);
        return { ms: performance.now() - t0, note: outcomeNote(outcome) };
      }
    }
  };

  const handle = (req: Request): Reply => {
    switch (req.op) {
      case "load": {
        sentences = undefined;
        documents = undefined;
        input = { name: KIND_FILE_NAMES[req.kind], text: generateInput(req.kind, req.bytes) };
        return { ok: true, ms: 0, chars: input.text.length };
      }
      case "warmup": {
        input = { name: KIND_FILE_NAMES[req.kind], text: generateInput(req.kind, 200_000, 7) };
        sentences = undefined;
        documents = undefined;
        for (let i = 0; i < 3; i++) {
          for (const m of measuresOf(req.kind)) {
            if (m === "bm25") documents = (sentences ?? splitSentences(input.text)).map(tokenize);
            measure(m);
          }
        }
        input = { name: "", text: "" };
        sentences = undefined;
        documents = undefined;
        return { ok: true, ms: 0 };
      }
      case "prepare-bm25": {
        sentences ??= splitSentences(input.text);
        documents ??= sentences.map(tokenize);
        return { ok: true, ms: 0 };
      }
      case "measure":
        return { ok: true, ...measure(req.measure) };
    }
  };

  process.on("message", (req: Request) => {
    let reply: Reply;
    try {
      reply = handle(req);
    } catch (error) {
      reply = { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
    process.send!(reply);
  });
  process.on("disconnect", () => process.exit(0));
}

// ---------------------------------------------------------------------------------------------------------------
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
