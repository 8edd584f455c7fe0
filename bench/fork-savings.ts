/**
 * What a fork saves against a fresh run (issue 19's README example): a five-branch model run of the sample
 * documents (examples/edge-ai) pauses at its quality gate; one task's description is changed, once by forking from
 * the quality pause (the other four branches are kept) and once by starting the whole run again with the edit. The
 * built server runs over stdio with the model executor pointed at the scripted provider, which answers every call
 * after `LATENCY_MS` (a model's think time) and bills tokens as OpenAI's tokenizer counts them (o200k_base, as
 * bench/model-tokens.ts). Forks and fresh runs alternate, `N` of each (default 3).
 * Run: `npm run build && node --import tsx bench/fork-savings.ts [N] [LATENCY_MS]`.
 */
import { getEncoding } from "js-tiktoken";
import { findingsResponder } from "../test/helpers/scripted-provider.js";
import { startModelServer } from "../test/helpers/model-server.js";
import { call } from "../test/helpers/server.js";
import { fiveTaskRequest, timeline } from "../test/helpers/workflow.js";
import { describeMachine } from "./lib/machine.js";

interface Usage { input_tokens: number; output_tokens: number; model_calls: number }
interface Status { run_id: string; status: string; usage: Usage; pending_interrupts: Array<{ point: string }>; result?: { quality_score: number } }

const N = Number(process.argv[2] ?? 3);
const LATENCY_MS = Number(process.argv[3] ?? 800);
const EDIT = { id: "t2", description: "market revenue, growth and customer demand in Europe and North America" };
const encoding = getEncoding("o200k_base");
const tokens = (text: string) => encoding.encode(text).length;

const answer = findingsResponder();
const { server, provider, close } = await startModelServer("openai", {
  args: ["--model", "openai:gpt-4o-mini"],
  latency: () => LATENCY_MS,
  responder: async (request, index) => {
    const reply = await answer(request, index);
    if (reply.kind !== "answer") return reply;
    const content = typeof reply.content === "string" ? reply.content : JSON.stringify(reply.content);
    const messages = (request.body as { messages?: unknown[] }).messages?.length ?? 2;
    return { ...reply, usage: { input_tokens: tokens(request.text) + 3 * messages + 3, output_tokens: tokens(content) } };
  },
});

const rows: Array<{ kind: string; seconds: number; usage: Usage; kept: number; rerun: number; quality: number }> = [];
const edited = () => {
  const request = fiveTaskRequest({ approvals: [], wait_seconds: 300 });
  (request.tasks as Array<Record<string, unknown>>)[1]!.description = EDIT.description;
  return request;
};

try {
  const original = await call<Status>(server.client, "start_workflow", fiveTaskRequest({ approvals: ["quality"], wait_seconds: 300, run_id: "original" }));
  if (original.pending_interrupts[0]?.point !== "quality") throw new Error(`the original did not pause at its quality gate: ${original.status}`);
  const history = await call<{ checkpoints: Array<{ checkpoint_id: string; point: string | null }> }>(server.client, "get_run_history", { run_id: "original" });
  const quality = history.checkpoints.find((c) => c.point === "quality")!.checkpoint_id;
  for (let i = 0; i < N; i++) {
    let started = performance.now();
    const fork = await call<Status>(server.client, "fork_run", { run_id: "original", checkpoint_id: quality, changes: { approvals: [], tasks: [EDIT] }, wait_seconds: 300 });
    const forkSeconds = (performance.now() - started) / 1000;
    const forked = (await timeline(server.client, fork.run_id))[0]!.data as { kept: string[]; rerun: string[] };
    rows.push({ kind: "fork", seconds: forkSeconds, usage: fork.usage, kept: forked.kept.length, rerun: forked.rerun.length, quality: fork.result?.quality_score ?? NaN });
    started = performance.now();
    const fresh = await call<Status>(server.client, "start_workflow", edited());
    rows.push({ kind: "fresh", seconds: (performance.now() - started) / 1000, usage: fresh.usage, kept: 0, rerun: 5, quality: fresh.result?.quality_score ?? NaN });
    if (fork.status !== "completed" || fresh.status !== "completed") throw new Error(`fork ${fork.status}, fresh ${fresh.status}`);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const summary = (kind: string) => {
    const of = rows.filter((r) => r.kind === kind);
    const u = of[0]!.usage;
    return { seconds: median(of.map((r) => r.seconds)), ...u, kept: of[0]!.kept, rerun: of[0]!.rerun, quality: of[0]!.quality };
  };
  const fork = summary("fork");
  const fresh = summary("fresh");
  process.stdout.write(`${describeMachine()}\nprovider latency ${LATENCY_MS} ms a call; ${N} forks and ${N} fresh runs, alternating; ${provider.requests.length} provider calls in all\n\n` +
    "| | branches kept | branches run | model calls | input tokens | output tokens | median seconds | quality |\n|---|--:|--:|--:|--:|--:|--:|--:|\n" +
    `| fork from the quality pause | ${fork.kept} | ${fork.rerun} | ${fork.model_calls} | ${fork.input_tokens} | ${fork.output_tokens} | ${fork.seconds.toFixed(2)} | ${fork.quality} |\n` +
    `| fresh run with the same edit | 0 | 5 | ${fresh.model_calls} | ${fresh.input_tokens} | ${fresh.output_tokens} | ${fresh.seconds.toFixed(2)} | ${fresh.quality} |\n` +
    `| fork / fresh | | | ${(fork.model_calls / fresh.model_calls).toFixed(2)} | ${(fork.input_tokens / fresh.input_tokens).toFixed(2)} | ${(fork.output_tokens / fresh.output_tokens).toFixed(2)} | ${(fork.seconds / fresh.seconds).toFixed(2)} | |\n`);
} finally {
  await close();
}
