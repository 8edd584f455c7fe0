/**
 * The model executor through the MCP client: the built server's branches call a chat model (the real LangChain
 * clients, against a scripted provider on loopback) with concurrency, retries, timeouts, budgets and usage.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import { test } from "node:test";
import { call, callError, connect, sqliteOnly } from "../helpers/server.js";
import { findingsResponder } from "../helpers/scripted-provider.js";
import { ANTHROPIC_KEY, markedTasks, OPENAI_KEY, startModelServer } from "../helpers/model-server.js";
import { fiveTaskRequest, readJson, timeline, type Status } from "../helpers/workflow.js";

type ModelStatus = Status & { executor: string; usage: { model_calls: number; input_tokens: number; output_tokens: number; cached_input_tokens: number } };
const straight = { approvals: [], quality_threshold: 0, max_revisions: 0, wait_seconds: 60 };

for (const kind of ["openai", "anthropic"] as const) {
  test(`a five-branch run on ${kind}: model findings, a model-written report, usage per branch and per run`, async () => {
    const { server, provider, close } = await startModelServer(kind);
    try {
      const done = await call<ModelStatus>(server.client, "start_workflow", fiveTaskRequest(straight));
      assert.equal(done.status, "completed", done.error);
      assert.equal(done.executor, "model", "auto picks model where a model is configured");
      assert.equal(provider.calls, 6, "five branches and the report");
      assert.equal(done.usage.model_calls, 6);
      const billed = provider.requests.length;
      assert.ok(done.usage.input_tokens > 0 && done.usage.output_tokens > 0);
      assert.match(done.result!.report, /^# Report/m, "the scripted model's report");
      assert.match(done.result!.report, /## Source attribution/);
      assert.match(done.result!.report, /Model usage: 6 call\(s\)/);
      const state = await readJson<{ completed_branches: Record<string, { findings: Array<{ source: string }> }> }>(server.client, `orchestrator://runs/${done.run_id}`);
      assert.ok(Object.values(state.completed_branches).every((b) => b.findings.length > 0 && b.findings.every((f) => !f.source.startsWith("model:"))), "findings cite their inputs");
      const events = await timeline(server.client, done.run_id);
      const completed = events.filter((e) => e.event === "branch_completed");
      assert.equal(completed.length, 5);
      assert.ok(completed.every((e) => (e.data?.usage as { model_calls?: number } | undefined)?.model_calls === 1));
      const first = provider.requests.find((r) => r.structured !== undefined)!;
      assert.equal(first.structured, kind === "openai" ? "json_schema" : "tool");
      assert.ok((first.maxTokens ?? 0) > 0);
      assert.equal(billed, 6);
    } finally {
      await close();
    }
  });
}

test("model calls in flight never exceed --model-concurrency and reach it", async () => {
  const { server, provider, close } = await startModelServer("openai", {
    args: ["--model-concurrency", "3"], responder: async (r, i) => ({ ...(await findingsResponder()(r, i)), delayMs: 150 }) as never,
  });
  try {
    const done = await call<ModelStatus>(server.client, "start_workflow", { objective: "Edge accelerators", mode: "parallel", tasks: markedTasks(10), ...straight });
    assert.equal(done.status, "completed", done.error);
    assert.equal(provider.maxInFlight, 3);
  } finally {
    await close();
  }
});

test("a 429 with Retry-After is retried no sooner than it says, and the branch completes", async () => {
  const answer = findingsResponder();
  const { server, provider, close } = await startModelServer("openai", {
    responder: (r, i) => (r.key === "t1" && r.attempt === 1 ? { kind: "status", status: 429, retryAfterSeconds: 1 } : answer(r, i)),
  });
  try {
    const done = await call<ModelStatus>(server.client, "start_workflow", { objective: "Edge accelerators", tasks: markedTasks(2), ...straight });
    assert.equal(done.status, "completed", done.error);
    const tries = provider.requests.filter((r) => r.key === "t1");
    assert.equal(tries.length, 2);
    const waited = tries[1]!.arrivedAt - tries[0]!.arrivedAt;
    assert.ok(waited >= 990, `retried after ${waited.toFixed(0)} ms`);
    assert.equal(provider.callsByKey().t2, 1);
  } finally {
    await close();
  }
});

test("a provider that hangs: the branch is timed_out at its timeout and the request is aborted", async () => {
  const answer = findingsResponder();
  const { server, provider, close } = await startModelServer("openai", { responder: (r, i) => (r.key === "t2" ? { kind: "hang" } : answer(r, i)) });
  try {
    const started = performance.now();
    const done = await call<ModelStatus>(server.client, "start_workflow", { objective: "Edge accelerators", tasks: markedTasks(2), branch_timeout_seconds: 1, ...straight });
    const events = await timeline(server.client, done.run_id);
    const failed = events.find((e) => e.event === "branch_failed" && e.branch_id === "t2");
    assert.equal(failed?.data?.status, "timed_out");
    await provider.until(() => provider.abortedCount >= 1, 5000, "the hung request aborted");
    assert.ok(performance.now() - started < 20_000);
  } finally {
    await close();
  }
});

test("a budget that fits three branches: three run, the rest are refused as budget_exhausted, the bill stays within it", async () => {
  const answer = findingsResponder();
  // Each call reserves its estimated input (a few hundred tokens) and max_tokens 2,000, and writes all it may: two
  // reservations fit 7,000, the third gets what is left (its max_tokens lowered), the fourth and fifth nothing.
  const { server, provider, close } = await startModelServer("openai", {
    args: ["--model-concurrency", "8"],
    responder: async (r, i) => ({ ...(await answer(r, i)), usage: { output_tokens: Math.min(2000, r.maxTokens ?? 2000) }, delayMs: 100 }) as never,
  });
  try {
    const done = await call<ModelStatus>(server.client, "start_workflow", { objective: "Edge accelerators", mode: "parallel", tasks: markedTasks(5), budget: { max_tokens: 7000 }, ...straight });
    assert.equal(done.progress.branches_completed, 3, JSON.stringify(done.progress));
    assert.ok(done.usage.input_tokens + done.usage.output_tokens <= 7000, JSON.stringify(done.usage));
    assert.ok(provider.requests.some((r) => (r.maxTokens ?? 2000) < 2000), "a call's max_tokens was lowered to what was left");
    assert.equal(provider.calls, 3, "the refused branches (and the report) never reached the provider");
    const events = await timeline(server.client, done.run_id);
    const refused = new Set(events.filter((e) => e.event === "branch_failed" && e.data?.reason === "budget_exhausted").map((e) => e.branch_id));
    assert.equal(refused.size, 2);
  } finally {
    await close();
  }
});

test("executor model without a configured model, and a model the server does not allow, are clear errors", async () => {
  const plain = await connect();
  try {
    assert.match(await callError(plain.client, "start_workflow", { ...fiveTaskRequest(), executor: "model" }), /--model PROVIDER:MODEL/);
  } finally {
    await plain.close();
  }
  const { server, close } = await startModelServer("openai");
  try {
    assert.match(await callError(server.client, "start_workflow", { ...fiveTaskRequest(), model: "openai:gpt-other" }), /not allowed on this server; allowed: openai:gpt-test/);
    assert.match(await callError(server.client, "start_workflow", { ...fiveTaskRequest(), budget: { max_cost_usd: 1 } }), /needs a price for openai:gpt-test/);
  } finally {
    await close();
  }
});

test("the API key is in no output, log, resource, timeline or database row, even when the provider's error repeats it", { skip: sqliteOnly }, async () => {
  const answer = findingsResponder();
  const { server, provider, close } = await startModelServer("openai", {
    responder: (r, i) => (r.key === "t1"
      ? { kind: "status", status: 401, body: { error: { message: `Incorrect API key provided: ${OPENAI_KEY}`, type: "invalid_request_error" } } }
      : answer(r, i)),
  });
  try {
    const done = await call<ModelStatus>(server.client, "start_workflow", { objective: "Edge accelerators", tasks: markedTasks(2), ...straight });
    assert.equal(provider.requests[0]?.headers.authorization, `Bearer ${OPENAI_KEY}`, "the key did reach the provider");
    const outputs = [
      JSON.stringify(done),
      JSON.stringify(await timeline(server.client, done.run_id)),
      JSON.stringify(await readJson(server.client, `orchestrator://runs/${done.run_id}`)),
      JSON.stringify(await server.client.readResource({ uri: `orchestrator://runs/${done.run_id}/timeline` })),
      server.stderr(),
    ].join("\n");
    assert.match(outputs, /\[redacted\]/, "the provider's error was passed on, redacted");
    await close();
    const db = Buffer.concat([server.dbPath, `${server.dbPath}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f)));
    for (const key of [OPENAI_KEY, ANTHROPIC_KEY]) {
      assert.ok(!outputs.includes(key), "the key is in no output");
      assert.ok(!db.includes(key), "the key is in no database row");
    }
  } finally {
    await close().catch(() => undefined);
  }
});

test("a revision round asks the model again only for the branches it re-runs", async () => {
  // t1 and t2 answer sure of themselves (quality 1), t3 and t4 unsure (0.6): the round re-runs those below 0.9.
  const sure = findingsResponder({ confidence: 1 });
  const unsure = findingsResponder({ confidence: 0.2 });
  const { server, provider, close } = await startModelServer("openai", { responder: (r, i) => (r.key === "t1" || r.key === "t2" ? sure(r, i) : unsure(r, i)) });
  try {
    const done = await call<ModelStatus>(server.client, "start_workflow", {
      objective: "Edge accelerators", tasks: markedTasks(4), approvals: [], quality_threshold: 0.9, max_revisions: 1, wait_seconds: 60,
    });
    const events = await timeline(server.client, done.run_id);
    assert.ok(events.some((e) => e.event === "revision_requested"), "a revision round ran");
    const dispatches = new Map<string, number>();
    for (const e of events) if (e.event === "branch_dispatched") dispatches.set(e.branch_id!, (dispatches.get(e.branch_id!) ?? 0) + 1);
    assert.deepEqual(Object.fromEntries(dispatches), { t1: 1, t2: 1, t3: 2, t4: 2 });
    const calls = provider.callsByKey();
    for (const [branch, n] of dispatches) assert.equal(calls[branch], n, `${branch}: one model call per dispatch`);
  } finally {
    await close();
  }
});

test("a tight budget: the branch sends the passages most relevant to its task instead of its whole input", async () => {
  const { server, provider, close } = await startModelServer("openai");
  try {
    const filler = Array.from({ length: 300 }, (_, i) => `The garden committee met on day ${i} to discuss parking.`).join(" ");
    const text = `${filler} Edge accelerator revenue reached 12 billion dollars in 2025. ${filler}`;
    const done = await call<ModelStatus>(server.client, "start_workflow", {
      objective: "Edge accelerators", approvals: [], quality_threshold: 0, max_revisions: 0, wait_seconds: 60, budget: { max_tokens: 4000 },
      tasks: [{ type: "research", description: "[t1] edge accelerator revenue", inputs: [{ name: "dump.txt", text }] }],
    });
    assert.equal(done.progress.branches_completed, 1, done.error);
    const asked = provider.requests.find((r) => r.key === "t1")!;
    assert.ok(asked.userText.length < 8000, `${asked.userText.length} characters sent of ${text.length}`);
    assert.match(asked.userText, /Edge accelerator revenue reached 12 billion dollars in 2025\./);
    assert.ok(done.usage.input_tokens + done.usage.output_tokens <= 4000);
  } finally {
    await close();
  }
});
