/**
 * The event loop during a run with three 5 MB inputs: the server's own code in this process (dist/), its
 * event-loop delay sampled by perf_hooks.monitorEventLoopDelay (10 ms resolution) from the start_workflow call
 * to the run's end, next to the run's wall time. The text work runs on worker threads, so the loop only parses,
 * stores and passes the inputs. Target: p99 under 50 ms.
 *
 * Run alone: `npm run build && node --import tsx bench/event-loop.ts` (BENCH_EVENT_LOOP_MB, default 5 per input).
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { parseStart, openConductor } from "./lib/conductor.js";
import { row, type Row } from "./lib/stats.js";
import { proseWithoutLineBreaks } from "./lib/text-corpus.js";

export async function measureEventLoop(perInputMb = 5, progress: (line: string) => void = () => undefined): Promise<Row[]> {
  const inputs = [1, 2, 3].map((seed) => proseWithoutLineBreaks(perInputMb * 1_000_000, seed));
  const request = {
    objective: "How is the edge accelerator market doing?", executor: "builtin", approvals: [], quality_threshold: 0, max_revisions: 0,
    tasks: ["technical", "market", "competitive"].map((focus, i) => ({
      type: "research", focus, description: "edge accelerator revenue growth, latency and power", inputs: [{ name: `dump-${i + 1}.txt`, text: inputs[i]! }],
    })),
  };
  // What the tool does with the request, on the same loop: parse the JSON-RPC text, validate it, start the run.
  const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "start_workflow", arguments: request } });
  const server = await openConductor();
  try {
    await server.run(parseStart({ ...request, tasks: request.tasks.map((t) => ({ ...t, inputs: [{ name: "warm.txt", text: "Edge revenue grew." }] })) }));
    // The same monitor on an idle loop: its values include the 10 ms sampling interval itself.
    const idle = monitorEventLoopDelay({ resolution: 10 });
    idle.enable();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    idle.disable();
    const histogram = monitorEventLoopDelay({ resolution: 10 });
    histogram.enable();
    const started = performance.now();
    const args = parseStart((JSON.parse(body) as { params: { arguments: Record<string, unknown> } }).params.arguments);
    const { ms } = await server.run(args);
    const wall = performance.now() - started;
    histogram.disable();
    const p = (q: number) => histogram.percentile(q) / 1e6;
    progress(`event loop: run ${(wall / 1000).toFixed(1)} s, delay p50 ${p(50).toFixed(1)} ms, p99 ${p(99).toFixed(1)} ms, max ${(histogram.max / 1e6).toFixed(0)} ms`);
    const note = `3 x ${perInputMb} MB inputs, builtin, ${histogram.count} samples`;
    return [
      row("12a", "big inputs: run wall time (JSON parse to completed)", ms, "ms", note),
      row("12b", "big inputs: event-loop delay p50", p(50), "ms", note),
      row("12c", "big inputs: event-loop delay p99 (target < 50 ms)", p(99), "ms", note),
      row("12d", "big inputs: event-loop delay max", histogram.max / 1e6, "ms", note),
      row("12e", "idle loop, same monitor: delay p99 (the 10 ms interval)", idle.percentile(99) / 1e6, "ms", `${idle.count} samples in 1 s`),
    ];
  } finally {
    await server.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { renderTable } = await import("./lib/stats.js");
  const { describeMachine } = await import("./lib/machine.js");
  const rows = await measureEventLoop(Number(process.env.BENCH_EVENT_LOOP_MB ?? 5), (line) => process.stderr.write(`${line}\n`));
  process.stdout.write(`${describeMachine()}\n\n${renderTable(rows)}\n`);
}
