/**
 * Measurements 1-3 on the five-branch run (approvals [], builtin executor): the server's graph in this
 * process, the built server through a real MCP client over stdio, the bare LangGraph graph of the same
 * topology, and the raw SQLite writes of one run's footprint. They run in interleaved rounds (a batch of
 * each per round) so that drift in the machine hits all of them alike; ratios are taken per round.
 */
import fs from "node:fs";
import path from "node:path";
import { call, connect } from "../test/helpers/server.js";
import { openBareGraph } from "./bare-graph.js";
import { openConductor, parseStart, tempDir } from "./lib/conductor.js";
import { describeFootprint, recordWrites } from "./lib/footprint.js";
import { fiveBranchRequest } from "./lib/requests.js";
import { mb, num, row, summarize, type Row } from "./lib/stats.js";
import { openRawStore, planFromFootprint } from "./storage-limit.js";

interface Kind {
  key: "inproc" | "auto" | "mcp" | "bare" | "raw";
  once(i: number): Promise<number>;
}

export async function measureFiveBranch(opts: { rounds: number; batch: number; warmup: number }): Promise<Row[]> {
  const dir = tempDir();
  const parallel = parseStart(fiveBranchRequest("parallel"));
  const auto = parseStart(fiveBranchRequest("auto"));

  // The footprint of one run, on a conductor of its own (its connection is instrumented while it runs).
  const probe = await openConductor(path.join(dir, "footprint"));
  await probe.run(parallel); // warm: templates, statement caches
  const recorder = recordWrites(probe.db);
  await probe.run(parallel);
  const footprint = recorder.stop();
  await probe.close(true);

  // Each measured server gets its own database: a run's cost grows with the runs before it (docs/benchmarks.md).
  const ours = await openConductor(path.join(dir, "inproc"));
  const oursAuto = await openConductor(path.join(dir, "auto"));
  const mcp = await connect({ dbPath: path.join(dir, "mcp", "conductor.db"), args: ["--log-level", "error", "--pool-cpu", "8", "--pool-memory-mb", "8192"] });
  const bare = openBareGraph(path.join(dir, "bare"));
  const raw = openRawStore(path.join(dir, "raw"), planFromFootprint(footprint));
  const request = fiveBranchRequest("parallel");
  const kinds: Kind[] = [
    { key: "inproc", once: async () => (await ours.run(parallel)).ms },
    { key: "auto", once: async () => (await oursAuto.run(auto)).ms },
    {
      key: "mcp",
      once: async () => {
        const t0 = performance.now();
        const status = await call<{ status: string }>(mcp.client, "start_workflow", request);
        if (status.status !== "completed") throw new Error(`MCP run ended ${status.status}`);
        return performance.now() - t0;
      },
    },
    { key: "bare", once: (i) => bare.run(`bare-${i}`) },
    { key: "raw", once: async () => raw.writeRun() },
  ];
  const latency: Record<Kind["key"], number[]> = { inproc: [], auto: [], mcp: [], bare: [], raw: [] };
  const perSecond: Record<Kind["key"], number[]> = { inproc: [], auto: [], mcp: [], bare: [], raw: [] };
  const roundMedian: Array<Record<Kind["key"], number>> = [];
  let serial = 0;
  try {
    for (const k of kinds) for (let i = 0; i < opts.warmup; i++) await k.once(serial++);
    for (let r = 0; r < opts.rounds; r++) {
      const medians = {} as Record<Kind["key"], number>;
      for (const k of kinds) {
        const times: number[] = [];
        const t0 = performance.now();
        for (let i = 0; i < opts.batch; i++) times.push(await k.once(serial++));
        perSecond[k.key].push(opts.batch / ((performance.now() - t0) / 1000));
        latency[k.key].push(...times);
        medians[k.key] = summarize(times).median;
      }
      roundMedian.push(medians);
    }
  } finally {
    await mcp.close();
    bare.close();
    raw.close();
    await ours.close();
    await oursAuto.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }

  const ratio = (a: Kind["key"], b: Kind["key"]) => summarize(roundMedian.map((m) => m[a] / m[b]));
  const target = (s: { median: number }, limit: number) => `target ≤ ${limit}x: ${s.median <= limit ? "MET" : `MISSED by ${num(s.median / limit, 2)}x`}`;
  const fp = describeFootprint(footprint);
  const runs = `${opts.rounds} rounds x ${opts.batch} runs`;
  const mcpOverBare = ratio("mcp", "bare");
  return [
    row("1a", "five branches, in-process (graph + run manager): latency", summarize(latency.inproc), "ms", `mode parallel (one wave of 5 Sends); ${runs}`),
    row("1a", "five branches, in-process: throughput", summarize(perSecond.inproc), "runs/s", "sequential runs, one at a time"),
    row("1a", "five branches, in-process, mode auto (reference)", summarize(latency.auto), "ms", "the analyzer picks adaptive: waves of 3 + 2"),
    row("1b", "five branches, through MCP (stdio, SDK Client): latency", summarize(latency.mcp), "ms", "start_workflow waits for the run to settle"),
    row("1b", "five branches, through MCP: throughput", summarize(perSecond.mcp), "runs/s", ""),
    row("2", "bare LangGraph graph, same topology: latency", summarize(latency.bare), "ms", "SqliteSaver on its own WAL file, trivial nodes"),
    row("2", "bare LangGraph graph: throughput", summarize(perSecond.bare), "runs/s", ""),
    row("2", "overhead: ours in-process / bare", ratio("inproc", "bare"), "x", "ratio of round medians", 2),
    row("2", "overhead: ours through MCP / bare", mcpOverBare, "x", target(mcpOverBare, 1.5), 2),
    row("3", "storage limit: raw better-sqlite3 writes of one run", summarize(latency.raw), "ms",
      `${fp.rows} rows, ${num(mb(fp.bytes), 2)} MiB in ${fp.transactions} transactions: ${footprint.checkpoints.length} checkpoints, ${footprint.writeGroups.length} write groups, ${fp.transactions - footprint.checkpoints.length - footprint.writeGroups.length} of the server's own tables`),
    row("3", "ours in-process / storage limit", ratio("inproc", "raw"), "x", `checkpoint + write blobs ${num(footprint.checkpointBytes / 1024, 0)} KiB per run`, 1),
  ];
}
