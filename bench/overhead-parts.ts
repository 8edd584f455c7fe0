/**
 * What the five-branch run's overhead against the bare graph is made of (`npm run bench:overhead-parts`): the
 * server's run in-process with parts of its own work switched off, one at a time and all together, each variant
 * interleaved with the bare graph in every round and the variants' order rotated per round (a fixed order
 * favours whichever runs first on these shared VMs). A diagnostic, not a mode of the server: it replaces
 * methods of the built stores and executor (dist/) for the variants that switch a part off.
 *
 *   timeline    TimelineStore.append stores nothing (the run's 40 events)
 *   outcomes    TemplateStore.recordOutcome stores nothing (monitoring: one outcome per branch)
 *   plainsaver  LangGraph's SqliteSaver.put instead of the versioned saver's (no per-version channel values)
 *   nowork      the builtin branch work (BM25 ranking, statistics) answered from a cache of its first result
 *   all         all four off: what is left is LangGraph with this graph's state and nodes, and the run manager
 *   shaped bare the bare graph given the server's 21 channels and value sizes (bench/lib/shaped-bare-graph.ts):
 *               what LangGraph's work on this state costs, without any of the server's code
 *
 *   npm run build && node --import tsx bench/overhead-parts.ts [ROUNDS=30]
 */
import path from "node:path";
import { SqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";
import type * as OfflineWorkModule from "../src/agents/offthread/offline-work.js";
import type * as TemplateStoreModule from "../src/storage/template-store.js";
import type * as TimelineStoreModule from "../src/storage/timeline-store.js";
import type * as VersionedSaverModule from "../src/storage/versioned-saver.js";
import { openBareGraph } from "./bare-graph.js";
import { openShapedBareGraph } from "./lib/shaped-bare-graph.js";
import { openConductor, parseStart, tempDir } from "./lib/conductor.js";
import { describeMachine } from "./lib/machine.js";
import { fiveBranchRequest } from "./lib/requests.js";
import { num, summarize } from "./lib/stats.js";

type Part = "timeline" | "outcomes" | "plainsaver" | "nowork";
const off = new Set<Part>();

const load = async <T>(file: string): Promise<T> => (await import(new URL(`../dist/${file}`, import.meta.url).href)) as T;
const { TimelineStore } = await load<typeof TimelineStoreModule>("storage/timeline-store.js");
const { TemplateStore } = await load<typeof TemplateStoreModule>("storage/template-store.js");
const { VersionedSqliteSaver } = await load<typeof VersionedSaverModule>("storage/versioned-saver.js");
const { OFFLINE_JOBS } = await load<typeof OfflineWorkModule>("agents/offthread/offline-work.js");

/** Replaces `proto[method]` by `replacement` while `part` is off. */
function switchable<T extends object, K extends keyof T>(proto: T, method: K, part: Part, replacement: T[K]): void {
  const original = proto[method] as (...a: unknown[]) => unknown;
  const instead = replacement as (...a: unknown[]) => unknown;
  proto[method] = function (this: unknown, ...a: unknown[]) {
    return (off.has(part) ? instead : original).apply(this, a);
  } as T[K];
}
switchable(TimelineStore.prototype, "append", "timeline", ((_runId, events) => events.length) as InstanceType<typeof TimelineStore>["append"]);
switchable(TemplateStore.prototype, "recordOutcome", "outcomes", (() => true) as InstanceType<typeof TemplateStore>["recordOutcome"]);
switchable(VersionedSqliteSaver.prototype, "put", "plainsaver", SqliteSaver.prototype.put);
const work = OFFLINE_JOBS.builtinBranch;
const cached = new Map<string, ReturnType<typeof work>>();
(OFFLINE_JOBS as { builtinBranch: typeof work }).builtinBranch = (job) => {
  if (!off.has("nowork")) return work(job);
  const key = `${job.task.type}:${job.task.id}`;
  if (!cached.has(key)) cached.set(key, work(job));
  return structuredClone(cached.get(key)!);
};

const variants: Record<string, Part[]> = {
  full: [], timeline: ["timeline"], outcomes: ["outcomes"], plainsaver: ["plainsaver"], nowork: ["nowork"],
  all: ["timeline", "outcomes", "plainsaver", "nowork"],
};
const rounds = Number(process.argv[2] ?? 30);
const batch = 20;
const median = (xs: number[]) => summarize(xs).median;

const ours = await openConductor();
const bare = openBareGraph(path.join(tempDir(), "bare"));
const shaped = openShapedBareGraph(path.join(tempDir(), "shaped"));
const args = parseStart(fiveBranchRequest("parallel"));
let serial = 0;
try {
  for (let i = 0; i < 20; i++) {
    await ours.run(args);
    await bare.run(`warm-${serial++}`);
    await shaped.run(`warm-${serial++}`);
  }
  const names = [...Object.keys(variants), "shaped bare"];
  const ms: Record<string, number[]> = { bare: [] };
  const ratios: Record<string, number[]> = {};
  for (let r = 0; r < rounds; r++) {
    const b: number[] = [];
    for (let i = 0; i < batch; i++) b.push(await bare.run(`bare-${serial++}`));
    ms.bare!.push(median(b));
    for (let j = 0; j < names.length; j++) {
      const name = names[(j + r) % names.length]!;
      off.clear();
      for (const part of variants[name] ?? []) off.add(part);
      const t: number[] = [];
      for (let i = 0; i < batch; i++) t.push(name === "shaped bare" ? await shaped.run(`shaped-${serial++}`) : (await ours.run(args)).ms);
      (ms[name] ??= []).push(median(t));
      (ratios[name] ??= []).push(median(t) / median(b));
    }
  }
  off.clear();
  const lines = [describeMachine(), `${rounds} rounds x ${batch} runs of each variant and of the bare graph, order rotated per round`];
  for (const name of names) {
    const s = summarize(ratios[name]!);
    // Paired by round: what switching the part off saved against the full run of the same round.
    const saved = summarize(ms.full!.map((full, r) => full - ms[name]![r]!));
    const pair = name === "full" || name === "shaped bare" ? "" : `; saves ${num(saved.median)} ms against full in the same round (rounds ${num(saved.min)} to ${num(saved.max)})`;
    lines.push(`${name.padEnd(11)} ${num(median(ms[name]!))} ms: / bare ${num(s.median)}x (rounds ${num(s.min)}-${num(s.max)}x)${pair}`);
  }
  lines.push(`${"bare".padEnd(11)} ${num(median(ms.bare!))} ms`);
  process.stdout.write(`${lines.join("\n")}\n`);
} finally {
  await ours.close();
  bare.close();
  shaped.close();
}
