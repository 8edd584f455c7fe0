/**
 * Where the five-branch overhead against the bare LangGraph graph comes from, in about 30 s (`npm run bench:overhead`):
 *
 *   1. ours in-process / bare, interleaved in rounds in one process (the quick form of measurement 2), the A/B
 *      used for each optimisation in docs/benchmarks.md;
 *   2. the MCP layer alone: start_workflow through an SDK Client over an in-memory transport to the same
 *      server, against the run manager called directly; and over stdio to the built server in a process of its
 *      own (what measurement 1b times), interleaved with the others;
 *   3. LangGraph's own work per run: how many runnable calls (each builds a LangChain run tree) both graphs make.
 *
 *   npm run build && node --import tsx bench/overhead.ts [ROUNDS=14]
 */
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { AsyncLocalStorageProviderSingleton } from "@langchain/core/singletons";
import { call, connect } from "../test/helpers/server.js";
import { openBareGraph } from "./bare-graph.js";
import { openConductor, parseStart, tempDir } from "./lib/conductor.js";
import { describeMachine } from "./lib/machine.js";
import { fiveBranchRequest } from "./lib/requests.js";
import { num, summarize } from "./lib/stats.js";

const rounds = Number(process.argv[2] ?? 14);
const batch = 25;
const median = (xs: number[]) => summarize(xs).median;

const ours = await openConductor();
const bare = openBareGraph(path.join(tempDir(), "bare"));
const server = ours.conductor.connectClient("local", { listening: () => true });
const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
await server.connect(serverSide);
const client = new Client({ name: "bench-overhead", version: "0" });
await client.connect(clientSide);
const stdio = await connect({ dbPath: path.join(tempDir(), "conductor.db"), args: ["--log-level", "error", "--pool-cpu", "8", "--pool-memory-mb", "8192"] });

const request = fiveBranchRequest("parallel");
const args = parseStart(request);
const viaMcp = async () => {
  const t0 = performance.now();
  const result = await client.callTool({ name: "start_workflow", arguments: request });
  const status = (result.structuredContent as { status?: string } | undefined)?.status;
  if (status !== "completed") throw new Error(`start_workflow ended ${status}`);
  return performance.now() - t0;
};
const viaStdio = async () => {
  const t0 = performance.now();
  const status = await call<{ status: string }>(stdio.client, "start_workflow", request);
  if (status.status !== "completed") throw new Error(`start_workflow over stdio ended ${status.status}`);
  return performance.now() - t0;
};
let serial = 0;
const kinds = {
  ours: async () => (await ours.run(args)).ms,
  bare: () => bare.run(`bare-${serial++}`),
  mcp: viaMcp,
  stdio: viaStdio,
};
type Kind = keyof typeof kinds;

try {
  for (let i = 0; i < 10; i++) for (const run of Object.values(kinds)) await run();
  const times: Record<Kind, number[]> = { ours: [], bare: [], mcp: [], stdio: [] };
  const ratios: number[] = [];
  const stdioRatios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const medians = {} as Record<Kind, number>;
    for (const [kind, run] of Object.entries(kinds) as Array<[Kind, () => Promise<number>]>) {
      const t: number[] = [];
      for (let i = 0; i < batch; i++) t.push(await run());
      times[kind].push(...t);
      medians[kind] = median(t);
    }
    ratios.push(medians.ours / medians.bare);
    stdioRatios.push(medians.stdio / medians.bare);
  }

  // Runnable calls per run: every node, router and channel write goes through runWithConfig.
  const provider = AsyncLocalStorageProviderSingleton as unknown as { runWithConfig: (...a: unknown[]) => unknown };
  const original = provider.runWithConfig;
  let calls = 0;
  provider.runWithConfig = function (this: unknown, ...a: unknown[]) {
    calls++;
    return original.apply(this, a);
  };
  const callsPer = async (run: () => Promise<number>) => {
    calls = 0;
    for (let i = 0; i < 10; i++) await run();
    return calls / 10;
  };
  const oursCalls = await callsPer(kinds.ours);
  const bareCalls = await callsPer(kinds.bare);
  provider.runWithConfig = original;

  const r = summarize(ratios);
  const out = [
    describeMachine(),
    `${rounds} rounds x ${batch} runs of each, interleaved`,
    `ours in-process ${num(median(times.ours))} ms, bare LangGraph ${num(median(times.bare))} ms: ours / bare ${num(r.median)}x (rounds ${num(r.min)}-${num(r.max)}x)`,
    `MCP layer: start_workflow over an in-memory transport ${num(median(times.mcp))} ms, the run manager directly ${num(median(times.ours))} ms: +${num(median(times.mcp) - median(times.ours))} ms`,
    `over stdio to the built server: ${num(median(times.stdio))} ms (+${num(median(times.stdio) - median(times.ours))} ms): ours through MCP / bare ${num(summarize(stdioRatios).median)}x`,
    `runnable calls per run: ours ${oursCalls}, bare ${bareCalls}`,
  ];
  process.stdout.write(`${out.join("\n")}\n`);
} finally {
  await client.close();
  await stdio.close();
  await ours.close();
  bare.close();
}
