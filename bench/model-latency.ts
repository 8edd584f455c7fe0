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
import { z } from "zod";
import { ChatOpenAI } from "@langchain/openai";
import { HumanMessage, SystemMessage } from "@langchain/core/messages";
import { Annotation, END, START, Send, StateGraph } from "@langchain/langgraph";
import { findingsResponder, seededLatency, startScriptedProvider, type RecordedRequest, type ScriptedProvider } from "../test/helpers/scripted-provider.js";
import { parseStart } from "./lib/conductor.js";
import { MODEL_BENCH_KEY, openModelConductor, type OpenModelConductor } from "./lib/model-conductor.js";
import { describeMachine } from "./lib/machine.js";
import { num, renderTable, row, summarize, type Row } from "./lib/stats.js";

const SELF = fileURLToPath(import.meta.url);
const MODEL_CONCURRENCY = 8;
const SEED = 20_250;
const MIN_MS = 100;
const MAX_MS = 500;

export type Progress = (message: string) => void;

// ---------------------------------------------------------------------------------------------------------------
// Schedules (pure)

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

// ---------------------------------------------------------------------------------------------------------------
// The provider: latency keyed by the branch marker

const MARKER = /\[t(\d+)\]/;

function branchIndexOf(r: RecordedRequest): number | "report" | undefined {
  const m = MARKER.exec(r.userText);
  if (m) return Number(m[1]) - 1;
  return /Merged findings/.test(r.userText) ? "report" : undefined;
}

async function providerFor(draws: number[]): Promise<ScriptedProvider> {
  const n = draws.length - 1;
  return startScriptedProvider({
    responder: findingsResponder(),
    keyOf: (r) => {
      const i = branchIndexOf(r);
      return i === undefined ? "other" : i === "report" ? "report" : `t${i + 1}`;
    },
    latency: (r) => {
      const i = branchIndexOf(r);
      if (i === "report") return draws[n]!;
      if (i === undefined || i >= n) throw new Error(`a request without a known marker: ${r.userText.slice(0, 120)}`);
      return draws[i]!;
    },
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Where the time went, from the provider's clock

export interface Breakdown {
  wallMs: number;
  /** Process CPU time (user + system) over the run, ms; the provider's share included (same for both). */
  cpuMs: number;
  calls: number;
  maxInFlight: number;
  /** Run start to the first branch request's arrival. */
  startupMs: number;
  /** Spans of the branch phase with at least one call in flight ("waves"), and the gaps with none. */
  waves: number;
  waveMs: number;
  gapMs: number;
  /** Σ over waves of the slowest scripted latency in it: what the waves cost with no overhead at all. */
  waveBoundMs: number;
  /** Mean of (request finish - arrival - scripted latency): HTTP and client overhead the provider sees per call. */
  httpOverheadMs: number;
  /** Spread of arrivals within a wave (first to last request), mean over waves of more than one request. */
  dispatchSpreadMs: number;
  /** Last branch answer to the report request's arrival (merge, quality, report prompt). */
  preReportMs: number;
  reportMs: number;
  /** Report answer to the run settling. */
  postReportMs: number;
}

function breakdown(provider: ScriptedProvider, draws: number[], startedAt: number, settledAt: number, cpuMs: number): Breakdown {
  const n = draws.length - 1;
  const branch = provider.requests.filter((r) => typeof branchIndexOf(r) === "number").sort((a, b) => a.arrivedAt - b.arrivedAt);
  const report = provider.requests.find((r) => branchIndexOf(r) === "report");
  if (branch.length === 0 || !report) throw new Error("no branch or no report request was recorded");
  const finish = (r: RecordedRequest) => r.finishedAt ?? r.arrivedAt;
  // Waves: maximal spans where some branch call is in flight.
  const spans: RecordedRequest[][] = [];
  let end = -Infinity;
  for (const r of branch) {
    if (r.arrivedAt > end) spans.push([]);
    spans.at(-1)!.push(r);
    end = Math.max(end, finish(r));
  }
  let waveMs = 0;
  let gapMs = 0;
  let waveBoundMs = 0;
  let spread = 0;
  let spreadN = 0;
  let prevEnd: number | undefined;
  for (const span of spans) {
    const s = span[0]!.arrivedAt;
    const e = Math.max(...span.map(finish));
    waveMs += e - s;
    if (prevEnd !== undefined) gapMs += s - prevEnd;
    prevEnd = e;
    waveBoundMs += Math.max(...span.map((r) => draws[branchIndexOf(r) as number]!));
    if (span.length > 1) {
      spread += span.at(-1)!.arrivedAt - s;
      spreadN++;
    }
  }
  const overhead = provider.requests.map((r) => {
    const i = branchIndexOf(r);
    return finish(r) - r.arrivedAt - (i === "report" ? draws[n]! : draws[i as number]!);
  });
  const lastBranchEnd = Math.max(...branch.map(finish));
  return {
    wallMs: settledAt - startedAt,
    cpuMs,
    calls: provider.calls,
    maxInFlight: provider.maxInFlight,
    startupMs: branch[0]!.arrivedAt - startedAt,
    waves: spans.length,
    waveMs, gapMs, waveBoundMs,
    httpOverheadMs: overhead.reduce((a, b) => a + b, 0) / overhead.length,
    dispatchSpreadMs: spreadN ? spread / spreadN : 0,
    preReportMs: report.arrivedAt - lastBranchEnd,
    reportMs: finish(report) - report.arrivedAt,
    postReportMs: settledAt - finish(report),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Ours: the server in-process, executor model

function markedTasks(n: number): Array<Record<string, unknown>> {
  return Array.from({ length: n }, (_, i) => ({
    type: "research", focus: (["technical", "market", "competitive"] as const)[i % 3],
    description: `[t${i + 1}] edge accelerator revenue, latency and power`,
    inputs: [{ name: `notes-${i + 1}.md`, text: `Edge accelerator revenue grew 20 percent in 2025 in region ${i + 1}. Latency fell to 4 ms at 5 watts of power. Vendors compete on efficiency.` }],
  }));
}

function startRequest(n: number): Record<string, unknown> {
  return {
    objective: "Edge accelerators: revenue, latency and power", mode: "parallel", executor: "model", approvals: [],
    quality_threshold: 0, max_revisions: 0, branch_timeout_seconds: 300, tasks: markedTasks(n),
  };
}

interface OursResult extends Breakdown {
  waveSize: number;
  maxConcurrent: number;
  /** The gaps between waves split at the run's timeline events: median per gap and total, per segment (ms). */
  gapSplit: Array<{ segment: string; median: number; total: number }>;
}

interface TimelineEventLike {
  timestamp: string;
  event: string;
  node?: string;
  branch_id?: string;
}

const GAP_SEGMENTS = [
  "last answer -> its branch node done (scoring, results, outcome, events)",
  "-> sync_point_manager starts (superstep end, checkpoint)",
  "sync_point_manager",
  "-> parallel_coordinator starts (checkpoint)",
  "parallel_coordinator",
  "-> next wave's first branch node starts (checkpoint, Sends)",
  "-> its first model request arrives (agent, inputs, prompt, ledger, client)",
] as const;

/**
 * Each gap between two waves (provider clock, mapped to the epoch) split at the timeline's node events: the last
 * branch node of the wave completing, sync_point_manager, parallel_coordinator, the next wave's first branch node.
 */
function splitGaps(provider: ScriptedProvider, events: TimelineEventLike[]): OursResult["gapSplit"] {
  const epoch = (t: number) => performance.timeOrigin + t;
  const branch = provider.requests.filter((r) => typeof branchIndexOf(r) === "number").sort((a, b) => a.arrivedAt - b.arrivedAt);
  const spans: RecordedRequest[][] = [];
  let end = -Infinity;
  for (const r of branch) {
    if (r.arrivedAt > end) spans.push([]);
    spans.at(-1)!.push(r);
    end = Math.max(end, r.finishedAt ?? r.arrivedAt);
  }
  const at = events.map((e) => ({ ...e, t: Date.parse(e.timestamp) }));
  const idOf = (r: RecordedRequest) => `t${(branchIndexOf(r) as number) + 1}`;
  const perSegment: number[][] = GAP_SEGMENTS.map(() => []);
  for (let k = 0; k + 1 < spans.length; k++) {
    const ids = new Set(spans[k]!.map(idOf));
    const next = new Set(spans[k + 1]!.map(idOf));
    const a = epoch(Math.max(...spans[k]!.map((r) => r.finishedAt ?? r.arrivedAt)));
    const b = Math.max(...at.filter((e) => e.event === "node_completed" && e.branch_id !== undefined && ids.has(e.branch_id)).map((e) => e.t));
    const c = at.find((e) => e.event === "node_started" && e.node === "sync_point_manager" && e.t >= b)?.t;
    const d = c === undefined ? undefined : at.find((e) => e.event === "node_completed" && e.node === "sync_point_manager" && e.t >= c)?.t;
    const e2 = d === undefined ? undefined : at.find((e) => e.event === "node_started" && e.node === "parallel_coordinator" && e.t >= d)?.t;
    const f = e2 === undefined ? undefined : at.find((e) => e.event === "node_completed" && e.node === "parallel_coordinator" && e.t >= e2)?.t;
    const g = Math.min(...at.filter((e) => e.event === "node_started" && e.branch_id !== undefined && next.has(e.branch_id)).map((e) => e.t));
    const h = epoch(spans[k + 1]![0]!.arrivedAt);
    if ([b, c, d, e2, f, g].some((x) => x === undefined || !Number.isFinite(x))) continue;
    const marks = [a, b, c!, d!, e2!, f!, g, h];
    for (let i = 0; i < GAP_SEGMENTS.length; i++) perSegment[i]!.push(marks[i + 1]! - marks[i]!);
  }
  return GAP_SEGMENTS.map((segment, i) => {
    const v = perSegment[i]!;
    return { segment, median: v.length ? summarize(v).median : 0, total: v.reduce((x, y) => x + y, 0) };
  });
}

async function allEvents(conductor: OpenModelConductor["conductor"], runId: string): Promise<TimelineEventLike[]> {
  const out: TimelineEventLike[] = [];
  for (let since = 0; ;) {
    const page = await conductor.context.timeline.page(runId, since, 1000);
    out.push(...page);
    if (page.length < 1000) return out;
    since = page.at(-1)!.seq;
  }
}

async function runOurs(draws: number[]): Promise<OursResult> {
  const n = draws.length - 1;
  const provider = await providerFor(draws);
  const ours = await openModelConductor({ model: "openai:gpt-test", baseUrl: `${provider.url}/v1`, concurrency: MODEL_CONCURRENCY });
  try {
    const cpu0 = process.cpuUsage();
    const { runId, startedAt, settledAt } = await ours.run(parseStart(startRequest(n)));
    const cpu = process.cpuUsage(cpu0);
    const [mode] = await ours.conductor.context.timeline.page(runId, 0, 1, "mode_selected");
    const data = mode?.data as { wave_size?: number; max_concurrent?: number } | undefined;
    if (provider.calls !== n + 1) throw new Error(`ours made ${provider.calls} calls for ${n} branches and the report`);
    const gapSplit = splitGaps(provider, await allEvents(ours.conductor, runId));
    return { ...breakdown(provider, draws, startedAt, settledAt, (cpu.user + cpu.system) / 1000), waveSize: data?.wave_size ?? NaN, maxConcurrent: data?.max_concurrent ?? NaN, gapSplit };
  } finally {
    await ours.close();
    await provider.close();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Bare: a LangGraph graph with the same client

const AnswerSchema = z.object({
  findings: z.array(z.object({
    text: z.string().describe("one finding, a full sentence"),
    source: z.string().describe("the name of the source it comes from"),
  })).describe("the findings that answer the task, best first"),
  confidence: z.number().describe("how sure you are of the findings, from 0 to 1"),
});
type Answer = z.infer<typeof AnswerSchema>;

interface BareTask {
  id: string;
  prompt: string;
}

const BareState = Annotation.Root({
  tasks: Annotation<BareTask[]>({ reducer: (_old, next) => next, default: () => [] }),
  answers: Annotation<Record<string, Answer>>({ reducer: (old, next) => ({ ...old, ...next }), default: () => ({}) }),
  report_text: Annotation<string>({ reducer: (_old, next) => next, default: () => "" }),
});
type BareStateT = typeof BareState.State;

function bareGraph(baseURL: string) {
  const model = new ChatOpenAI({ model: "gpt-test", apiKey: MODEL_BENCH_KEY, configuration: { baseURL }, maxRetries: 0, maxTokens: 2000, temperature: 0.2 });
  const structured = model.withStructuredOutput(AnswerSchema);
  const system = new SystemMessage("You are a research specialist. Answer with findings from the sources.");
  return new StateGraph(BareState)
    .addNode("plan", (s: BareStateT) => ({ tasks: s.tasks }))
    .addNode("branch", async (input: BareStateT) => {
      const task = input as unknown as BareTask;
      const answer = await structured.invoke([system, new HumanMessage(task.prompt)]);
      return { answers: { [task.id]: answer } };
    })
    .addNode("report", async (s: BareStateT) => {
      const findings = Object.entries(s.answers).flatMap(([id, a]) => a.findings.map((f) => `- ${f.text} [source: ${f.source}; branch ${id}]`));
      const reply = await model.invoke([system, new HumanMessage(`Objective: edge accelerators\n\nMerged findings, best first:\n${findings.join("\n")}\n\nWrite the report.`)]);
      return { report_text: reply.text };
    })
    .addEdge(START, "plan")
    .addConditionalEdges("plan", (s: BareStateT) => s.tasks.map((t) => new Send("branch", t)), ["branch"])
    .addEdge("branch", "report")
    .addEdge("report", END)
    .compile();
}

async function runBare(draws: number[], c: number): Promise<Breakdown> {
  const n = draws.length - 1;
  const provider = await providerFor(draws);
  try {
    const graph = bareGraph(`${provider.url}/v1`);
    const tasks: BareTask[] = markedTasks(n).map((t, i) => {
      const input = (t.inputs as Array<{ name: string; text: string }>)[0]!;
      return {
        id: `t${i + 1}`,
        prompt: `Objective of the whole workflow: Edge accelerators\n\nYour task (research): ${String(t.description)}\n\nSources:\n<source name="${input.name}">\n${input.text}\n</source>`,
      };
    });
    const cpu0 = process.cpuUsage();
    const startedAt = performance.now();
    const out = await graph.invoke({ tasks }, { maxConcurrency: c, recursionLimit: 100 });
    const settledAt = performance.now();
    const cpu = process.cpuUsage(cpu0);
    if (Object.keys(out.answers).length !== n || !out.report_text) throw new Error("the bare graph did not answer every branch and the report");
    if (provider.calls !== n + 1) throw new Error(`bare made ${provider.calls} calls for ${n} branches and the report`);
    return breakdown(provider, draws, startedAt, settledAt, (cpu.user + cpu.system) / 1000);
  } finally {
    await provider.close();
  }
}

// ---------------------------------------------------------------------------------------------------------------

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

const verdict = (x: number, limit: number) => (x <= limit ? `target ≤ ${limit}x: MET` : `target ≤ ${limit}x: MISSED`);

export function rowsOf(results: SizeResult[]): Row[] {
  return results.flatMap(({ n, c, ideal, waves, meanLatency, reportLatency, idealAtModelConcurrency, ours, bare }) => {
    const id = `N=${n}`;
    const oursIdeal = ours.wallMs / ideal;
    const oursBare = ours.wallMs / bare.wallMs;
    const parts = (b: Breakdown) =>
      `startup ${num(b.startupMs)}, ${b.waves} wave(s) ${num(b.waveMs)} (slowest-per-wave bound ${num(b.waveBoundMs)}), ` +
      `gaps ${num(b.gapMs)}, to report ${num(b.preReportMs)}, report ${num(b.reportMs)}, settle ${num(b.postReportMs)}`;
    return [
      row(id, "ours: wall time", ours.wallMs, "ms", `${n} branches, mean scripted latency ${num(meanLatency)} ms, report ${num(reportLatency)} ms`),
      row(id, `ideal: list schedule on c = ${c} slots + report`, ideal, "ms", `c = min(wave size ${ours.waveSize}, --model-concurrency ${MODEL_CONCURRENCY})`),
      row(id, "ours / ideal", oursIdeal, "x", verdict(oursIdeal, 1.15), 2),
      row(id, `bare LangGraph, maxConcurrency ${c}: wall time`, bare.wallMs, "ms", `bare / ideal ${num(bare.wallMs / ideal, 2)}x`),
      row(id, "ours / bare", oursBare, "x", verdict(oursBare, 1), 2),
      row(id, "max in flight at the provider (ours / bare)", `${ours.maxInFlight} / ${bare.maxInFlight}`, "calls", ""),
      row(id, "provider calls (ours / bare)", `${ours.calls} / ${bare.calls}`, "calls", `${n} branches + 1 report`),
      row(id, `waves of ${ours.waveSize} waiting for their slowest, no overhead`, waves, "ms", `waves / ideal ${num(waves / ideal, 2)}x; ours / waves ${num(ours.wallMs / waves, 2)}x`),
      row(id, "ours: where the time went", num(ours.wallMs), "ms", parts(ours)),
      row(id, "bare: where the time went", num(bare.wallMs), "ms", parts(bare)),
      row(id, "CPU time per branch (ours / bare)", `${num(ours.cpuMs / n, 1)} / ${num(bare.cpuMs / n, 1)}`, "ms",
        `process user+system over the run (provider included): ${num(ours.cpuMs)} / ${num(bare.cpuMs)} ms`),
      row(id, "per-call overhead beyond the scripted latency (ours / bare)", `${num(ours.httpOverheadMs, 1)} / ${num(bare.httpOverheadMs, 1)}`, "ms", `dispatch spread within a wave: ours ${num(ours.dispatchSpreadMs, 1)} ms`),
      ...(ours.waves > 1 ? [row(id, `ours: one gap between waves (median of ${ours.waves - 1})`, ours.gapSplit.reduce((a, g) => a + g.median, 0), "ms",
        ours.gapSplit.map((g) => `${g.segment} ${num(g.median, 1)}`).join("; "), 1)] : []),
      row(id, `reference: ideal on --model-concurrency ${MODEL_CONCURRENCY} slots`, idealAtModelConcurrency, "ms", `ours / it ${num(ours.wallMs / idealAtModelConcurrency, 2)}x (the wave cap, not the model limit, sets c)`),
    ];
  });
}

/** The rows for bench/index.ts (or anyone): one measurement per size. */
export async function measureModelLatency(progress: Progress): Promise<Row[]> {
  return rowsOf(await measureSizes(progress));
}

function summaryTable(results: SizeResult[]): string {
  const header = ["N", "c", "ours ms", "ideal ms", "ours/ideal", "bare ms", "ours/bare", "max in flight (ours/bare)", "calls (ours/bare)"];
  const lines = results.map((r) => [
    String(r.n), String(r.c), num(r.ours.wallMs), num(r.ideal), num(r.ours.wallMs / r.ideal, 2), num(r.bare.wallMs), num(r.ours.wallMs / r.bare.wallMs, 2),
    `${r.ours.maxInFlight} / ${r.bare.maxInFlight}`, `${r.ours.calls} / ${r.bare.calls}`,
  ]);
  return [`| ${header.join(" | ")} |`, `|${header.map(() => "---:").join("|")}|`, ...lines.map((l) => `| ${l.join(" | ")} |`)].join("\n");
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
