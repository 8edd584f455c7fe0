/**
 * The scripted provider, exercised by the REAL LangChain clients (ChatOpenAI, ChatAnthropic) over loopback
 * HTTP: structured output and usage, retries on 429 with Retry-After, aborts of hung requests, concurrency.
 */
import { describe, test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { ChatOpenAI } from "@langchain/openai";
import { ChatAnthropic } from "@langchain/anthropic";
import { AIMessage, type BaseMessage, type BaseMessageLike } from "@langchain/core/messages";
import { z } from "zod";
import {
  findingsResponder, quoteOf, seededLatency, startScriptedProvider,
  type RecordedRequest, type Reply, type ScriptedProvider, type ScriptedProviderOptions,
} from "../helpers/scripted-provider.js";

const schema = z.object({ findings: z.array(z.object({ text: z.string(), source: z.string() })), confidence: z.number() });
const SOURCE = "Sales grew 12% in Q3. Costs fell by a tenth.";
const EXPECTED = { findings: [{ text: "Sales grew 12% in Q3.", source: "q3-report.csv" }], confidence: 0.8 };

const prompt = (branch = "b1"): BaseMessageLike[] => [
  ["system", "You are a market researcher."],
  ["user", `[branch:${branch}] Summarize the quarter.\n\n<source name="q3-report.csv">\n${SOURCE}\n</source>`],
];
const branchOf = (r: RecordedRequest) => /\[branch:([\w-]+)\]/.exec(r.userText)?.[1] ?? "none";

async function provider(t: TestContext, options: ScriptedProviderOptions = {}): Promise<ScriptedProvider> {
  const p = await startScriptedProvider({ keyOf: branchOf, ...options });
  t.after(() => p.close());
  return p;
}
interface ClientExtras {
  maxTokens?: number;
  maxRetries?: number;
}
const openai = (p: ScriptedProvider, extra: ClientExtras = {}) =>
  new ChatOpenAI({ model: "gpt-test", apiKey: "sk-test-SECRET", configuration: { baseURL: `${p.url}/v1` }, ...extra });
const anthropic = (p: ScriptedProvider, extra: ClientExtras = {}) =>
  new ChatAnthropic({ model: "claude-test", apiKey: "sk-ant-SECRET", anthropicApiUrl: p.url, ...extra });

function usageOf(raw: BaseMessage) {
  assert.ok(AIMessage.isInstance(raw), "raw is an AIMessage");
  return raw.usage_metadata;
}

/** findingsResponder with fixed usage. */
const withUsage = (usage: { input_tokens: number; output_tokens: number; cached_tokens?: number }) => {
  const base = findingsResponder();
  return async (r: RecordedRequest, i: number): Promise<Reply> => ({ ...(await base(r, i)), usage } as Reply);
};

/** Resolves with how long `promise` took to settle, and whether it rejected. */
async function timed(promise: Promise<unknown>): Promise<{ ms: number; error: unknown }> {
  const start = performance.now();
  try {
    await promise;
    return { ms: performance.now() - start, error: undefined };
  } catch (error) {
    return { ms: performance.now() - start, error };
  }
}

describe("scripted provider with the real LangChain clients", () => {
  test("ChatOpenAI withStructuredOutput (json_schema) gets the parsed findings and the scripted usage", async (t) => {
    const p = await provider(t, { responder: withUsage({ input_tokens: 123, output_tokens: 45, cached_tokens: 7 }) });
    const result = await openai(p, { maxTokens: 256 }).withStructuredOutput(schema, { includeRaw: true }).invoke(prompt());
    assert.deepEqual(result.parsed, EXPECTED);
    const usage = usageOf(result.raw);
    assert.equal(usage?.input_tokens, 123);
    assert.equal(usage?.output_tokens, 45);
    assert.equal(usage?.total_tokens, 168);
    assert.equal(usage?.input_token_details?.cache_read, 7);
    const [r] = p.requests;
    assert.ok(r);
    assert.equal(r.path, "/v1/chat/completions");
    assert.equal(r.headers.authorization, "Bearer sk-test-SECRET");
    assert.equal(r.model, "gpt-test");
    assert.equal(r.maxTokens, 256);
    assert.equal(r.body.response_format?.type, "json_schema");
    assert.equal(r.body.response_format?.json_schema?.name, "extract");
    assert.equal(r.structured, "json_schema");
    assert.equal(r.system, "You are a market researcher.");
    assert.equal(r.key, "b1");
    assert.equal(r.outcome, "answered");
    assert.ok(r.finishedAt !== undefined && r.finishedAt >= r.arrivedAt);
  });

  test("ChatAnthropic withStructuredOutput (forced tool call) gets the parsed findings and the scripted usage", async (t) => {
    const p = await provider(t, { responder: withUsage({ input_tokens: 123, output_tokens: 45, cached_tokens: 7 }) });
    const result = await anthropic(p, { maxTokens: 256 }).withStructuredOutput(schema, { includeRaw: true }).invoke(prompt());
    assert.deepEqual(result.parsed, EXPECTED);
    const usage = usageOf(result.raw);
    assert.equal(usage?.input_tokens, 123, "LangChain adds cache_read_input_tokens back into input_tokens");
    assert.equal(usage?.output_tokens, 45);
    assert.equal(usage?.input_token_details?.cache_read, 7);
    const [r] = p.requests;
    assert.ok(r);
    assert.equal(r.path, "/v1/messages");
    assert.equal(r.headers["x-api-key"], "sk-ant-SECRET");
    assert.ok(r.headers["anthropic-version"]);
    assert.equal(r.maxTokens, 256);
    assert.equal(r.body.system, "You are a market researcher.");
    assert.equal(r.structured, "tool");
    assert.equal(r.toolName, "extract");
    assert.deepEqual(r.body.tool_choice, { type: "tool", name: "extract" });
  });

  test("plain calls get a Markdown report and usage estimated from the characters", async (t) => {
    const p = await provider(t, { responder: findingsResponder() });
    for (const model of [openai(p), anthropic(p)]) {
      const message = await model.invoke(prompt());
      assert.equal(message.content, "# Report\n\n- Sales grew 12% in Q3. (source: q3-report.csv)\n\nConfidence: 0.8\n");
      const r = p.requests.at(-1)!;
      assert.equal(r.structured, undefined);
      assert.equal(message.usage_metadata?.input_tokens, Math.ceil(r.text.length / 4));
      assert.equal(message.usage_metadata?.output_tokens, Math.ceil(String(message.content).length / 4));
    }
    assert.equal(p.requests[1]!.maxTokens, 4096, "ChatAnthropic's default max_tokens for unknown models");
    assert.equal(p.requests[0]!.maxTokens, undefined, "ChatOpenAI sends no max_tokens unless set");
  });

  test("streaming answers (SSE) reach both clients, with usage", async (t) => {
    const p = await provider(t, { responder: withUsage({ input_tokens: 30, output_tokens: 12 }) });
    for (const model of [openai(p), anthropic(p)]) {
      let text = "";
      let input = 0;
      let output = 0;
      for await (const chunk of await model.stream(prompt())) {
        text += typeof chunk.content === "string" ? chunk.content : "";
        input += chunk.usage_metadata?.input_tokens ?? 0;
        output += chunk.usage_metadata?.output_tokens ?? 0;
      }
      assert.match(text, /^# Report\n\n- Sales grew 12% in Q3\./);
      assert.deepEqual([input, output], [30, 12]);
      assert.equal(p.requests.at(-1)!.stream, true);
    }
    assert.equal(p.requests[0]!.body.stream_options?.include_usage, true);
  });

  test("a 429 with Retry-After: 1 is retried by each client after at least 1 s, then succeeds", async (t) => {
    const answer = findingsResponder();
    const p = await provider(t, {
      keyOf: (r) => r.protocol,
      responder: (r, i) => (r.attempt === 1 ? { kind: "status", status: 429, retryAfterSeconds: 1 } : answer(r, i)),
    });
    const [fromOpenAI, fromAnthropic] = await Promise.all([
      openai(p).withStructuredOutput(schema).invoke(prompt()),
      anthropic(p).withStructuredOutput(schema).invoke(prompt()),
    ]);
    assert.deepEqual(fromOpenAI, EXPECTED);
    assert.deepEqual(fromAnthropic, EXPECTED);
    assert.deepEqual(p.callsByKey(), { openai: 2, anthropic: 2 });
    for (const protocol of ["openai", "anthropic"] as const) {
      const [first, second] = p.requests.filter((r) => r.protocol === protocol);
      assert.equal(first!.status, 429);
      assert.equal(first!.outcome, "status");
      assert.equal(second!.outcome, "answered");
      assert.ok(second!.arrivedAt - first!.arrivedAt >= 990, `${protocol} retried after ${second!.arrivedAt - first!.arrivedAt} ms`);
    }
  });

  test("Retry-After longer than the backoff (3 s > 1-2 s) is honoured", async (t) => {
    const p = await provider(t, {
      keyOf: (r) => r.protocol,
      responder: (r) => (r.attempt === 1 ? { kind: "status", status: 429, retryAfterSeconds: 3 } : { kind: "answer", content: "done" }),
    });
    await Promise.all([openai(p).invoke(prompt()), anthropic(p).invoke(prompt())]);
    for (const protocol of ["openai", "anthropic"] as const) {
      const [first, second] = p.requests.filter((r) => r.protocol === protocol);
      assert.ok(second!.arrivedAt - first!.arrivedAt >= 2990, `${protocol} retried after ${second!.arrivedAt - first!.arrivedAt} ms`);
    }
  });

  test("a 429 without Retry-After is not retried (RateLimitCapacityError); a 500 with maxRetries 0 rejects", async (t) => {
    const p = await provider(t, { responder: (r) => ({ kind: "status", status: r.protocol === "openai" ? 429 : 500 }) });
    await assert.rejects(openai(p).invoke(prompt()), (e: Error & { rateLimitType?: string }) => e.name === "RateLimitCapacityError" && e.rateLimitType === "capacity");
    await assert.rejects(anthropic(p, { maxRetries: 0 }).invoke(prompt()), (e: Error & { status?: number }) => e.status === 500);
    assert.equal(p.calls, 2);
  });

  test("a hung request aborted by the caller's AbortSignal: the server records the abort, the client rejects at once", async (t) => {
    const p = await provider(t, { responder: () => ({ kind: "hang" }) });
    // maxRetries 0 for ChatAnthropic: it retries an aborted call in the background (see the helper's notes).
    for (const model of [openai(p), anthropic(p, { maxRetries: 0 })]) {
      const controller = new AbortController();
      const arrived = p.nextRequest();
      const call = timed(model.withStructuredOutput(schema).invoke(prompt(), { signal: controller.signal }));
      const request = await arrived;
      controller.abort();
      const { ms, error } = await call;
      assert.ok(error instanceof Error, "the call rejected");
      assert.ok(ms < 1000, `rejected ${ms} ms after the abort`);
      await p.waitFor((r) => r.index === request.index && r.aborted);
      assert.equal(request.outcome, "aborted");
    }
    await p.until(() => p.inFlight === 0);
    assert.equal(p.abortedCount, 2);
    assert.equal(p.calls, 2, "aborts are not retried");
  });

  test("maxInFlight reaches N for N concurrent calls (held until all N have arrived)", async (t) => {
    const N = 6;
    const answer = findingsResponder();
    const p = await provider(t);
    const allIn = p.until(() => p.inFlight === N);
    p.responder = async (r, i) => (await allIn, answer(r, i));
    const branches = Array.from({ length: N }, (_, i) => `b${i}`);
    const results = await Promise.all(branches.map((b, i) =>
      (i % 2 ? anthropic(p) : openai(p)).withStructuredOutput(schema).invoke(prompt(b))));
    assert.deepEqual(results, Array(N).fill(EXPECTED));
    assert.equal(p.maxInFlight, N);
    assert.equal(p.calls, N);
    assert.deepEqual(p.callsByKey(), Object.fromEntries(branches.map((b) => [b, 1])));
  });

  test("malformed answers: OpenAI's json_schema parse throws (retried, so maxRetries 0 here), Anthropic yields parsed null", async (t) => {
    const p = await provider(t, { responder: () => ({ kind: "malformed", text: "Sales grew, I think. {broken" }) });
    await assert.rejects(openai(p, { maxRetries: 0 }).withStructuredOutput(schema, { includeRaw: true }).invoke(prompt()), SyntaxError);
    const result = await anthropic(p, { maxRetries: 0 }).withStructuredOutput(schema, { includeRaw: true }).invoke(prompt());
    assert.equal(result.parsed, null);
    assert.deepEqual(p.requests.map((r) => r.outcome), ["malformed", "malformed"]);
  });

  test("a dropped socket is a connection error; close() ends hung requests promptly", async (t) => {
    const p = await provider(t, { responder: (r) => ({ kind: r.attempt === 1 ? "drop" : "hang" }) });
    await assert.rejects(openai(p, { maxRetries: 0 }).invoke(prompt("x")), /Connection error/);
    assert.equal(p.requests[0]!.outcome, "dropped");
    const hung = timed(anthropic(p, { maxRetries: 0 }).invoke(prompt("x")));
    await p.waitFor((r) => r.attempt === 2);
    const closing = timed(p.close());
    assert.ok((await closing).ms < 1000);
    assert.ok((await hung).error instanceof Error);
    assert.equal(p.requests[1]!.outcome, "closed");
    assert.equal(p.abortedCount, 0);
  });

  test("waitFor rejects on timeout instead of hanging", async (t) => {
    const p = await provider(t);
    await assert.rejects(p.waitFor(() => true, 20), /did not happen within 20 ms/);
  });
});

describe("scripted provider helpers", () => {
  test("seededLatency is deterministic per seed and stays in range", () => {
    const draw = (seed: number) => Array.from({ length: 50 }, seededLatency(seed, 10, 20));
    assert.deepEqual(draw(42), draw(42));
    assert.notDeepEqual(draw(42), draw(43));
    assert.ok(draw(7).every((ms) => Number.isInteger(ms) && ms >= 10 && ms <= 20));
    assert.ok(new Set(draw(7)).size > 5);
  });

  test("quoteOf quotes a tagged source, a labelled one, or the text itself", () => {
    assert.deepEqual(quoteOf(`Intro.\n<source name="a.md">\nFirst one.  Second.\n</source>`), { text: "First one.", source: "a.md" });
    assert.deepEqual(quoteOf("Source: notes.txt\nPrices rose! Then fell."), { text: "Prices rose!", source: "notes.txt" });
    assert.deepEqual(quoteOf("No sources here at all. None."), { text: "No sources here at all.", source: "unknown" });
  });
});
