/**
 * End-to-end latency of a five-branch run with approvals: [] and the builtin executor, through a real MCP
 * client over stdio (the built server). Prints median, min and max of N runs (default 10; first run of a
 * fresh server is a warm-up and not counted).
 *
 *   npm run build && node --import tsx bench/run-latency.ts [N]
 */
import os from "node:os";
import { call, connect } from "../test/helpers/server.js";
import { fiveTaskRequest } from "../test/helpers/workflow.js";

const n = Number(process.argv[2] ?? 10);
const s = await connect();
try {
  await call(s.client, "start_workflow", fiveTaskRequest({ approvals: [] }));
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const status = await call<{ status: string }>(s.client, "start_workflow", fiveTaskRequest({ approvals: [] }));
    times.push(performance.now() - t0);
    if (status.status !== "completed") throw new Error(`run ended ${status.status}`);
  }
  times.sort((a, b) => a - b);
  const median = n % 2 ? times[(n - 1) / 2]! : (times[n / 2 - 1]! + times[n / 2]!) / 2;
  const cpu = os.cpus()[0]?.model ?? "unknown cpu";
  process.stdout.write(`five-branch run, approvals [], builtin executor, MCP over stdio: median ${median.toFixed(1)} ms, min ${times[0]!.toFixed(1)} ms, max ${times.at(-1)!.toFixed(1)} ms over ${n} runs\n`);
  process.stdout.write(`machine: ${os.cpus().length} x ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}\n`);
} finally {
  await s.close();
}
