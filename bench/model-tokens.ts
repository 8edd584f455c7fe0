/**
 * What a five-branch model run of the sample documents (examples/edge-ai) costs in tokens: the built server over
 * stdio with `--model openai:gpt-4o-mini` pointed at the scripted provider, which counts every request's and
 * answer's tokens with OpenAI's own tokenizer (js-tiktoken, o200k_base, the gpt-4o family's encoding) plus the chat
 * format's 3 tokens a message. Prints the counts per call and for the run, and the cost at gpt-4o-mini's list
 * price ($0.15 / $0.60 per million input / output tokens). Run: `npm run build && node --import tsx bench/model-tokens.ts`.
 */
import { getEncoding } from "js-tiktoken";
import { findingsResponder } from "../test/helpers/scripted-provider.js";
import { startModelServer } from "../test/helpers/model-server.js";
import { call } from "../test/helpers/server.js";
import { fiveTaskRequest } from "../test/helpers/workflow.js";
import { describeMachine } from "./lib/machine.js";

const encoding = getEncoding("o200k_base");
const tokens = (text: string) => encoding.encode(text).length;
const PRICE = { input: 0.15, output: 0.6 };

export async function measureModelTokens(): Promise<{ lines: string[]; usage: { input_tokens: number; output_tokens: number; model_calls: number } }> {
  const answer = findingsResponder();
  const { server, provider, close } = await startModelServer("openai", {
    args: ["--model", "openai:gpt-4o-mini"],
    responder: async (request, index) => {
      const reply = await answer(request, index);
      if (reply.kind !== "answer") return reply;
      const content = typeof reply.content === "string" ? reply.content : JSON.stringify(reply.content);
      const messages = (request.body as { messages?: unknown[] }).messages?.length ?? 2;
      return { ...reply, usage: { input_tokens: tokens(request.text) + 3 * messages + 3, output_tokens: tokens(content) } };
    },
  });
  try {
    const done = await call<{ status: string; usage: { input_tokens: number; output_tokens: number; model_calls: number } }>(server.client, "start_workflow",
      fiveTaskRequest({ approvals: [], quality_threshold: 0, max_revisions: 0, wait_seconds: 120, run_id: "tokens" }));
    if (done.status !== "completed") throw new Error(`the run ended ${done.status}`);
    const lines = provider.requests.map((r, i) => {
      const messages = (r.body as { messages?: unknown[] }).messages?.length ?? 2;
      return `| ${r.key === "report" ? "report" : `branch ${i + 1}`} | ${r.text.length} | ${tokens(r.system)} | ${tokens(r.text) + 3 * messages + 3} | ${r.maxTokens ?? "none"} |`;
    });
    return { lines, usage: done.usage };
  } finally {
    await close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { lines, usage } = await measureModelTokens();
  const cost = (usage.input_tokens * PRICE.input + usage.output_tokens * PRICE.output) / 1e6;
  process.stdout.write(`${describeMachine()}\n\n| call | prompt characters | system prompt tokens | input tokens | max_tokens |\n|---|--:|--:|--:|--:|\n${lines.join("\n")}\n\n` +
    `run: ${usage.model_calls} calls, ${usage.input_tokens} input tokens, ${usage.output_tokens} output tokens (the scripted answers), ` +
    `$${cost.toFixed(5)} at gpt-4o-mini's price\n`);
}
