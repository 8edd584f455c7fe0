/**
 * What tracing costs a five-branch run (`npm run build && node --import tsx bench/tracing-cost.ts [ROUNDS=6]`): the
 * built server over stdio three times, side by side: no OTEL_ variable (tracing off: the SDK is never loaded),
 * tracing on exporting OTLP/HTTP JSON to a receiver on loopback (every span of every run exported), and the same
 * with the protobuf encoding. Rounds interleave the three (25 runs each per round); the ratios are per round, to
 * the round's "off" median, so the machine's noise cancels as far as it can.
 */
import path from "node:path";
import { call, connect, tempDir, type Connected } from "../test/helpers/server.js";
import { startOtlpReceiver } from "../test/helpers/otlp-receiver.js";
import { describeMachine } from "./lib/machine.js";
import { fiveBranchRequest } from "./lib/requests.js";
import { summarize } from "./lib/stats.js";

const rounds = Number(process.argv[2] ?? 6);
const batch = 25;
const median = (xs: number[]) => summarize(xs).median;
const receiver = await startOtlpReceiver();
const args = ["--log-level", "error", "--pool-cpu", "8", "--pool-memory-mb", "8192"];
const server = (env: Record<string, string>) => connect({ dbPath: path.join(tempDir(), "conductor.db"), args, env });
const servers: Record<string, Connected> = {
  off: await server({}),
  "on, http/json": await server({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: "http/json", OTEL_BSP_SCHEDULE_DELAY: "200" }),
  "on, http/protobuf": await server({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf", OTEL_BSP_SCHEDULE_DELAY: "200" }),
};
const request = fiveBranchRequest("parallel");
const once = async (s: Connected) => {
  const t0 = performance.now();
  const status = await call<{ status: string }>(s.client, "start_workflow", request);
  if (status.status !== "completed") throw new Error(`start_workflow ended ${status.status}`);
  return performance.now() - t0;
};

try {
  console.log(describeMachine());
  for (const s of Object.values(servers)) for (let i = 0; i < 10; i++) await once(s);
  const ratios: Record<string, number[]> = {};
  const times: Record<string, number[]> = {};
  for (let r = 0; r < rounds; r++) {
    const medians: Record<string, number> = {};
    for (const [name, s] of Object.entries(servers)) {
      const t: number[] = [];
      for (let i = 0; i < batch; i++) t.push(await once(s));
      (times[name] ??= []).push(...t);
      medians[name] = median(t);
    }
    for (const name of Object.keys(servers)) (ratios[name] ??= []).push(medians[name]! / medians.off!);
  }
  console.log(`${rounds} rounds x ${batch} five-branch runs over stdio, interleaved; spans received: ${receiver.spans.length}`);
  for (const name of Object.keys(servers)) {
    const rs = ratios[name]!;
    console.log(`${name.padEnd(18)} ${median(times[name]!).toFixed(1)} ms per run; / off ${median(rs).toFixed(3)}x (rounds ${Math.min(...rs).toFixed(3)}-${Math.max(...rs).toFixed(3)}x)`);
  }
} finally {
  await Promise.all(Object.values(servers).map((s) => s.close()));
  await receiver.close();
}
