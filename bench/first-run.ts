/**
 * What loading the graph on first use costs a host's first run (docs/architecture.md, "What loads when"): the built
 * server over stdio, a fresh SQLite file each round; the five-branch builtin run (start_workflow to its completed
 * result) at once after the client has connected (the run loads the graph), again 1.5 s after connecting (the
 * server has warmed the graph by then), and a second run on the same server (everything loaded and warm).
 *
 *   npm run build && node --import tsx bench/first-run.ts [ROUNDS=8]
 */
import { setTimeout as sleep } from "node:timers/promises";
import { call, connect } from "../test/helpers/server.js";
import { describeMachine } from "./lib/machine.js";
import { fiveBranchRequest } from "./lib/requests.js";
import { renderTable, row, summarize } from "./lib/stats.js";

const ROUNDS = Number(process.argv[2] ?? 8);
const request = fiveBranchRequest("parallel");
const args = ["--log-level", "error", "--pool-cpu", "8", "--pool-memory-mb", "8192"];

async function timedRun(client: Awaited<ReturnType<typeof connect>>["client"]): Promise<number> {
  const t0 = performance.now();
  const status = await call<{ status: string }>(client, "start_workflow", request);
  if (status.status !== "completed") throw new Error(`start_workflow ended ${status.status}`);
  return performance.now() - t0;
}

const atOnce: number[] = [];
const afterWarmUp: number[] = [];
const second: number[] = [];
for (let i = 0; i < ROUNDS; i++) {
  const cold = await connect({ args });
  try {
    atOnce.push(await timedRun(cold.client));
    second.push(await timedRun(cold.client));
  } finally {
    await cold.close();
  }
  const warmed = await connect({ args });
  try {
    await sleep(1500); // the server warms the graph 500 ms after its first request
    afterWarmUp.push(await timedRun(warmed.client));
  } finally {
    await warmed.close();
  }
}
process.stdout.write(`${describeMachine()}\n\n`);
process.stdout.write(renderTable([
  row("1", "first start_workflow at once after connecting (it loads the graph)", summarize(atOnce), "ms"),
  row("2", "first start_workflow 1.5 s after connecting (the graph warmed in the background)", summarize(afterWarmUp), "ms"),
  row("3", "second start_workflow on the same server", summarize(second), "ms"),
]));
process.stdout.write(`\n${ROUNDS} rounds, a fresh server and database for each of rows 1 and 2\n`);
