/**
 * Behaving like a good MCP server: progress, resource subscriptions, logging levels, tool annotations,
 * the plan_workflow prompt, and elicitation with a client that declares it.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  ElicitRequestSchema, LoggingMessageNotificationSchema, ResourceListChangedNotificationSchema,
  ResourceUpdatedNotificationSchema, type Progress,
} from "@modelcontextprotocol/sdk/types.js";
import { call, callToolWith, connect, type Connected, only2025 } from "../helpers/server.js";
import { fiveTaskRequest, timeline, type Status } from "../helpers/workflow.js";

describe("MCP features", () => {
  let s: Connected;
  before(async () => { s = await connect({ args: ["--log-level", "info"] }); });
  after(async () => { await s.close(); });

  test("start_workflow sends monotonic progress while it waits", async () => {
    const seen: Progress[] = [];
    const result = await callToolWith(s.client, { name: "start_workflow", arguments: fiveTaskRequest({ approvals: [] }) }, {
      onprogress: (p) => seen.push(p), resetTimeoutOnProgress: true,
    });
    assert.equal((result.structuredContent as unknown as Status).status, "completed");
    assert.ok(seen.length >= 2, `got ${seen.length} progress notifications`);
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i]!.progress > seen[i - 1]!.progress, "progress increases");
    for (const p of seen) assert.ok(p.progress <= (p.total ?? Infinity), `progress within total: ${JSON.stringify(p)}`);
    // The server sends progress 5 of 5 before the result (traced), but the SDK client handles a response at
    // once and a notification a microtask later: when both arrive in one chunk, the last progress is dropped.
    assert.ok(seen.at(-1)!.progress >= 3, JSON.stringify(seen));
    assert.equal(seen.at(-1)!.total, 5);
    assert.match(seen.at(-1)!.message!, /of 5 branches completed/);
  });

  test("a subscriber to a run gets resources/updated when it changes; a new run sends list_changed", { skip: only2025 }, async () => {
    let listChanged = 0;
    s.client.setNotificationHandler(ResourceListChangedNotificationSchema, () => { listChanged++; });
    const paused = await call<Status>(s.client, "start_workflow", fiveTaskRequest());
    assert.ok(listChanged >= 1, "list_changed for the new run");
    const uri = `orchestrator://runs/${paused.run_id}`;
    const updated = new Promise<string>((resolve) => {
      s.client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => { if (n.params.uri === uri) resolve(n.params.uri); });
    });
    await s.client.subscribeResource({ uri });
    await call(s.client, "approve_interrupt", { run_id: paused.run_id, decision: "approve", wait_seconds: 0 });
    assert.equal(await updated, uri);
    await s.client.unsubscribeResource({ uri });
  });

  test("logging: the client's level decides which notifications/message it gets", { skip: only2025 }, async () => {
    // Over HTTP notifications travel on their own event stream, so they may arrive after the tool result: wait for them.
    const messages: Array<{ level: string; text: string }> = [];
    const waiters: Array<{ match: (m: { text: string }) => boolean; resolve: () => void }> = [];
    s.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
      const m = { level: n.params.level, text: JSON.stringify(n.params.data) };
      messages.push(m);
      for (const w of waiters.filter((w) => w.match(m))) w.resolve();
    });
    const arrives = (needle: string, from = 0) => new Promise<void>((resolve) => {
      if (messages.slice(from).some((m) => m.text.includes(needle))) return resolve();
      waiters.push({ match: (m) => m.text.includes(needle), resolve });
    });
    await s.client.setLoggingLevel("info");
    const run = await call<Status>(s.client, "start_workflow", fiveTaskRequest({ approvals: [] }));
    await arrives(`run ${run.run_id} completed`);
    assert.ok(messages.some((m) => m.level === "info" && m.text.includes(`run ${run.run_id} completed`)));
    await s.client.setLoggingLevel("error");
    const before = messages.length;
    const quiet = await call<Status>(s.client, "start_workflow", fiveTaskRequest({ approvals: [] }));
    // Setting the level back logs at info: once that arrives, everything logged before it has arrived too.
    await s.client.setLoggingLevel("info");
    await arrives("client set the log level to info", before);
    const between = messages.slice(before).filter((m) => !m.text.includes("client set the log level"));
    assert.deepEqual(between.filter((m) => m.level === "info"), [], `no info messages at level error (run ${quiet.run_id})`);
  });

  test("every tool has a title and all four annotation hints", async () => {
    const { tools } = await s.client.listTools();
    for (const t of tools) {
      assert.ok(t.title, `${t.name} title`);
      for (const hint of ["readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"] as const) {
        assert.equal(typeof t.annotations?.[hint], "boolean", `${t.name} ${hint}`);
      }
    }
    assert.equal(tools.find((t) => t.name === "get_timeline")!.annotations!.readOnlyHint, true);
    assert.equal(tools.find((t) => t.name === "cancel_run")!.annotations!.destructiveHint, true);
  });

  test("the plan_workflow prompt turns a goal into a start_workflow plan", async () => {
    const { prompts } = await s.client.listPrompts();
    assert.ok(prompts.some((p) => p.name === "plan_workflow"));
    const prompt = await s.client.getPrompt({ name: "plan_workflow", arguments: { goal: "Should we enter the edge AI market?", review: "no" } });
    const text = (prompt.messages[0]!.content as { text: string }).text;
    assert.match(text, /Should we enter the edge AI market\?/);
    assert.match(text, /start_workflow/);
    assert.match(text, /approvals: \[\]/);
  });
});

test("elicitation: with elicit, a client that declares it answers the pauses itself", { skip: only2025 }, async () => {
  const asked: string[] = [];
  let answer: { action: "accept" | "decline"; content?: Record<string, string> } = { action: "accept", content: { decision: "approve" } };
  const e = await connect({
    clientName: "eliciting",
    capabilities: { elicitation: { form: {} } },
    prepare: (c) => c.setRequestHandler(ElicitRequestSchema, async (req) => {
      asked.push(req.params.message);
      return answer;
    }),
  });
  const client = e.client;
  try {
    const done = await call<Status>(client, "start_workflow", fiveTaskRequest({ elicit: true }));
    assert.equal(done.status, "completed", "both pauses were answered by the user through elicitation");
    assert.equal(asked.length, 2);
    assert.match(asked[0]!, /paused at sync_point/);
    assert.match(asked[1]!, /paused at quality/);
    const resumed = (await timeline(client, done.run_id)).filter((e) => e.event === "resumed");
    assert.deepEqual(resumed.map((e) => e.data!.via), ["elicitation", "elicitation"]);

    answer = { action: "decline" };
    const waiting = await call<Status>(client, "start_workflow", fiveTaskRequest({ elicit: true }));
    assert.equal(waiting.status, "interrupted", "a declined question leaves the run paused for approve_interrupt");
    const finished = await call<Status>(client, "approve_interrupt", { run_id: waiting.run_id, decision: "reject" });
    assert.equal(finished.status, "cancelled");
  } finally {
    await e.close();
  }
});
