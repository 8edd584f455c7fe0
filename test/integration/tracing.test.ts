/**
 * OpenTelemetry traces (contract, "Tracing"): the built server exporting OTLP/HTTP JSON to a real receiver on
 * loopback. A five-branch run is one `invoke_workflow` span with an `invoke_agent` span per branch attempt and
 * for the report under it, inside the `tools/call start_workflow` span, all in the trace of the `traceparent`
 * the caller put in `_meta`; a model run's `chat` spans carry the token counts the provider returned, and
 * never the API key; with tracing switched off nothing is exported.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, test } from "node:test";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { connect, only2025, structuredContent, type Connected } from "../helpers/server.js";
import { answer, connectSampling } from "../helpers/sampling-client.js";
import { findingsResponder } from "../helpers/scripted-provider.js";
import { OPENAI_KEY, markedTasks, startModelServer } from "../helpers/model-server.js";
import { startOtlpReceiver, spanTree, type OtlpReceiver, type ReceivedSpan } from "../helpers/otlp-receiver.js";
import { fiveTaskRequest, timeline, type Status } from "../helpers/workflow.js";

let receiver: OtlpReceiver;
before(async () => { receiver = await startOtlpReceiver(); });
after(async () => { await receiver.close(); });

const otelEnv = () => ({
  OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: "http/json", OTEL_BSP_SCHEDULE_DELAY: "50",
  OTEL_SERVICE_NAME: "conductor-mcp-test", OTEL_TRACES_EXPORTER: "", OTEL_SDK_DISABLED: "",
});

const inTrace = (traceId: string) => receiver.spans.filter((s) => s.traceId === traceId);
const op = (spans: ReceivedSpan[], name: string) => spans.filter((s) => s.attributes["gen_ai.operation.name"] === name);

function newTraceparent(): { traceparent: string; traceId: string; parentId: string } {
  const traceId = randomBytes(16).toString("hex");
  const parentId = randomBytes(8).toString("hex");
  return { traceparent: `00-${traceId}-${parentId}-01`, traceId, parentId };
}

for (const protocol of ["http/json", "http/protobuf"]) {
test(`a five-branch run is one trace (${protocol}): tools/call > invoke_workflow > invoke_agent per branch attempt and the report, in the caller's trace`, async () => {
  const server = await connect({ env: { ...otelEnv(), OTEL_EXPORTER_OTLP_PROTOCOL: protocol } });
  const { traceparent, traceId, parentId } = newTraceparent();
  let runId = "";
  try {
    const result = (await server.client.callTool({
      name: "start_workflow", arguments: fiveTaskRequest({ approvals: [], executor: "builtin", wait_seconds: 60 }), _meta: { traceparent },
    })) as CallToolResult;
    assert.ok(!result.isError, JSON.stringify(result.content));
    const status = structuredContent<Status>(result);
    runId = status.run_id;
    assert.equal(status.status, "completed");
    const events = await timeline(server.client, runId);
    const attempts = events.filter((e) => e.event === "branch_completed" || e.event === "branch_failed").length;
    assert.ok(attempts >= 5, `at least one attempt per branch (${attempts})`);

    // The run's span ends after its settlement, when the tool call may have returned: wait for it and its children.
    const spans = await receiver.waitFor(() => {
      const t = inTrace(traceId);
      return op(t, "invoke_workflow").some((s) => s.attributes["conductor.run.status"] !== undefined) && op(t, "invoke_agent").length >= attempts + 1
        && t.some((s) => s.name === "tools/call start_workflow");
    }).then(() => inTrace(traceId));

    const tool = spans.filter((s) => s.name === "tools/call start_workflow");
    assert.equal(tool.length, 1);
    assert.equal(tool[0]!.parentSpanId, parentId, "the tool call's span is a child of the caller's span");
    assert.equal(tool[0]!.kind, 2, "SERVER");
    assert.equal(tool[0]!.attributes["mcp.method.name"], "tools/call");
    assert.equal(tool[0]!.attributes["gen_ai.tool.name"], "start_workflow");
    assert.equal(tool[0]!.attributes["gen_ai.operation.name"], "execute_tool");
    assert.equal(tool[0]!.service, "conductor-mcp-test");

    const runs = op(spans, "invoke_workflow");
    assert.equal(runs.length, 1, "one invoke_workflow span");
    const run = runs[0]!;
    assert.equal(run.parentSpanId, tool[0]!.spanId, "the run's span is a child of the tool call that started it");
    assert.equal(run.attributes["conductor.run.id"], runId);
    assert.equal(run.attributes["conductor.run.status"], "completed");

    const agents = op(spans, "invoke_agent");
    assert.equal(agents.length, attempts + 1, "one invoke_agent span per branch attempt, and one for the report");
    for (const a of agents) {
      assert.equal(a.parentSpanId, run.spanId, `${a.name} is a child of the run's span`);
      assert.ok(a.startNs >= run.startNs && a.endNs <= run.endNs, `${a.name} lies within the run's span`);
      assert.equal(typeof a.attributes["gen_ai.agent.name"], "string");
    }
    const branches = agents.filter((a) => a.attributes["conductor.branch.id"] !== undefined);
    assert.equal(new Set(branches.map((b) => b.attributes["conductor.branch.id"])).size, 5, "the five branches");
    assert.equal(agents.filter((a) => a.attributes["gen_ai.agent.name"] === "report").length, 1);
    if (process.env.CONDUCTOR_PRINT_TRACE) process.stderr.write(`${spanTree(spans)}\n`);
    assert.ok(receiver.encodings.has(protocol === "http/json" ? "json" : "protobuf"));
  } finally {
    await server.close();
  }
});
}

test("a model run's chat spans carry the tokens the provider returned, and no span carries the API key", async () => {
  const answer = findingsResponder();
  const returned: Array<{ input_tokens: number; output_tokens: number }> = [];
  const { server, provider, close } = await startModelServer("openai", {
    responder: async (r, i) => {
      const reply = await answer(r, i);
      if (reply.kind !== "answer") return reply;
      const usage = { input_tokens: 1000 + 7 * i, output_tokens: 100 + 3 * i };
      returned.push(usage);
      return { ...reply, usage };
    },
    connect: { env: otelEnv() },
  });
  const { traceparent, traceId } = newTraceparent();
  try {
    const result = await modelRunInTrace(server, 3, traceparent);
    assert.ok(!result.isError, JSON.stringify(result.content));
    assert.equal(structuredContent<Status>(result).status, "completed");
    const spans = await receiver.waitFor(() => {
      const t = inTrace(traceId);
      return op(t, "invoke_workflow").some((s) => s.attributes["conductor.run.status"] !== undefined) && op(t, "chat").length >= provider.requests.length;
    }).then(() => inTrace(traceId));
    const chats = op(spans, "chat");
    assert.equal(chats.length, provider.requests.length, "one chat span per request the provider answered");
    assert.equal(chats.length, returned.length);
    const seen = chats.map((c) => `${c.attributes["gen_ai.usage.input_tokens"]}/${c.attributes["gen_ai.usage.output_tokens"]}`).sort();
    assert.deepEqual(seen, returned.map((u) => `${u.input_tokens}/${u.output_tokens}`).sort(), "each chat span has the usage its response reported");
    const agents = new Map(op(spans, "invoke_agent").map((a) => [a.spanId, a]));
    for (const c of chats) {
      assert.equal(c.attributes["gen_ai.request.model"], "gpt-test");
      assert.equal(c.attributes["gen_ai.provider.name"], "openai");
      assert.equal(c.kind, 3, "CLIENT");
      assert.ok(agents.has(c.parentSpanId ?? ""), `${c.name} is a child of a branch's or the report's invoke_agent span`);
    }
    assert.ok(op(spans, "invoke_agent").some((a) => a.attributes["gen_ai.agent.name"] === "report"));
    for (const body of receiver.bodies) assert.ok(!body.includes(OPENAI_KEY), "the API key is never exported");
    if (process.env.CONDUCTOR_PRINT_TRACE) process.stderr.write(`${spanTree(spans)}\n`);
  } finally {
    await close();
  }
});

test("failures carry error.type: a refused model request (its HTTP status) and the failed branch", async () => {
  const answer = findingsResponder();
  const { server, close } = await startModelServer("openai", {
    responder: (r, i) => (r.key === "t1" ? { kind: "status", status: 400, body: { error: { message: `bad request for key ${OPENAI_KEY}` } } } : answer(r, i)),
    connect: { env: otelEnv() },
  });
  const { traceparent, traceId } = newTraceparent();
  try {
    const result = await modelRunInTrace(server, 2, traceparent);
    assert.ok(!result.isError, JSON.stringify(result.content));
    await receiver.waitFor(() => op(inTrace(traceId), "invoke_workflow").some((x) => x.attributes["conductor.run.status"] !== undefined));
    const spans = inTrace(traceId);
    const failedBranch = op(spans, "invoke_agent").find((a) => a.attributes["conductor.branch.id"] === "t1")!;
    assert.equal(failedBranch.attributes["error.type"], "branch_failed");
    assert.equal(failedBranch.status.code, 2, "ERROR");
    const refused = op(spans, "chat").filter((c) => c.parentSpanId === failedBranch.spanId);
    assert.ok(refused.length >= 1);
    for (const c of refused) {
      assert.equal(c.attributes["error.type"], "400");
      assert.equal(c.status.code, 2);
    }
    const fine = op(spans, "invoke_agent").find((a) => a.attributes["conductor.branch.id"] === "t2")!;
    assert.equal(fine.attributes["error.type"], undefined);
    for (const body of receiver.bodies) assert.ok(!body.includes(OPENAI_KEY), "the API key in the provider's error is not exported");
  } finally {
    await close();
  }
});

test("a sampling run's requests to the client's model are chat spans under their branch's or the report's span", { skip: only2025 }, async () => {
  const s = await connectSampling(() => answer([["Edge accelerators cut latency to 4 ms at 5 watts.", "notes-1.md"]]), [], { env: otelEnv() });
  const { traceparent, traceId } = newTraceparent();
  try {
    const result = (await s.client.callTool({
      name: "start_workflow",
      arguments: { objective: "Edge accelerators", mode: "parallel", tasks: markedTasks(3), approvals: [], quality_threshold: 0, max_revisions: 0, executor: "sampling", wait_seconds: 60 },
      _meta: { traceparent },
    })) as CallToolResult;
    assert.equal(structuredContent<Status>(result).status, "completed", JSON.stringify(result.content));
    await receiver.waitFor(() => op(inTrace(traceId), "invoke_workflow").some((x) => x.attributes["conductor.run.status"] !== undefined) && op(inTrace(traceId), "chat").length >= s.stats.responses);
    const spans = inTrace(traceId);
    const chats = op(spans, "chat");
    assert.equal(chats.length, s.stats.requests, "one chat span per sampling request");
    const agents = new Set(op(spans, "invoke_agent").map((a) => a.spanId));
    for (const c of chats) {
      assert.equal(c.attributes["gen_ai.provider.name"], "mcp.sampling");
      assert.equal(c.attributes["gen_ai.response.model"], "scripted-model-1");
      assert.ok(agents.has(c.parentSpanId ?? ""), "a child of an invoke_agent span");
    }
  } finally {
    await s.close();
  }
});

test("a run paused, the server restarted, and resumed stays one trace: each invocation's span is under the start call's, the resuming call a link", async () => {
  const first = await connect({ env: otelEnv() });
  const { traceparent, traceId } = newTraceparent();
  let server = first;
  try {
    const started = structuredContent<Status>((await first.client.callTool({
      name: "start_workflow", arguments: fiveTaskRequest({ approvals: ["sync_point"], executor: "builtin", wait_seconds: 60 }), _meta: { traceparent },
    })) as CallToolResult);
    assert.equal(started.status, "interrupted");
    // The paused run outlives its process: the next one, on the same database, resumes it.
    await first.close();
    server = await connect({ dbPath: first.dbPath, env: otelEnv() });
    // The approval comes in another trace (or none): the resumed invocation still joins the run's.
    const other = newTraceparent();
    const done = structuredContent<Status>((await server.client.callTool({
      name: "approve_interrupt", arguments: { run_id: started.run_id, decision: "approve", wait_seconds: 60 }, _meta: { traceparent: other.traceparent },
    })) as CallToolResult);
    assert.equal(done.status, "completed");
    await receiver.waitFor(() => op(inTrace(traceId), "invoke_workflow").filter((s) => s.attributes["conductor.run.status"] !== undefined).length === 2
      && inTrace(other.traceId).some((s) => s.name === "tools/call approve_interrupt"));
    const spans = inTrace(traceId);
    const start = spans.find((s) => s.name === "tools/call start_workflow")!;
    const runs = op(spans, "invoke_workflow").sort((a, b) => (a.startNs < b.startNs ? -1 : 1));
    assert.deepEqual(runs.map((r) => r.attributes["conductor.run.status"]), ["interrupted", "completed"]);
    for (const r of runs) assert.equal(r.parentSpanId, start.spanId, "each invocation is a child of the start call's span");
    const approve = inTrace(other.traceId).find((s) => s.name === "tools/call approve_interrupt")!;
    assert.deepEqual(runs[1]!.links.map((l) => l.spanId), [approve.spanId], "the resumed invocation links the call that resumed it");
    assert.equal(runs[0]!.links.length, 0);
    assert.equal(op(spans, "invoke_agent").filter((a) => a.attributes["gen_ai.agent.name"] === "report").length, 1, "the report, in the resumed invocation");
  } finally {
    await server.close();
  }
});

test("the spans still batched are exported when the server shuts down (its client closes)", async () => {
  const server = await connect({ env: { ...otelEnv(), OTEL_BSP_SCHEDULE_DELAY: "600000" } });
  const { traceparent, traceId } = newTraceparent();
  try {
    const result = (await server.client.callTool({ name: "start_workflow", arguments: fiveTaskRequest({ approvals: [], executor: "builtin", wait_seconds: 60 }), _meta: { traceparent } })) as CallToolResult;
    assert.equal(structuredContent<Status>(result).status, "completed");
  } finally {
    await server.close();
  }
  // A ten-minute batch delay: only the shutdown's flush can have sent them.
  await receiver.waitFor(() => op(inTrace(traceId), "invoke_workflow").length === 1 && op(inTrace(traceId), "invoke_agent").length >= 6);
});

test("with tracing switched off (OTEL_SDK_DISABLED=true, or OTEL_TRACES_EXPORTER=none) nothing is exported", async () => {
  for (const off of [{ OTEL_SDK_DISABLED: "true" }, { OTEL_TRACES_EXPORTER: "none" }]) {
    const server = await connect({ env: { ...otelEnv(), ...off } });
    const { traceparent, traceId } = newTraceparent();
    let runId = "";
    try {
      const result = (await server.client.callTool({ name: "start_workflow", arguments: fiveTaskRequest({ approvals: [], executor: "builtin", wait_seconds: 60 }), _meta: { traceparent } })) as CallToolResult;
      runId = structuredContent<Status>(result).run_id;
      assert.equal(structuredContent<Status>(result).status, "completed");
    } finally {
      await server.close();
    }
    // Its shutdown would flush any batched span: wait until the process is gone (its pid no longer signals).
    for (let i = 0; isAlive(server.pid); i++) {
      assert.ok(i < 200, "the server exited after its client closed");
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(inTrace(traceId).length, 0, `${JSON.stringify(off)}: nothing of the caller's trace was exported`);
    assert.equal(receiver.spans.filter((s) => s.attributes["conductor.run.id"] === runId).length, 0, `${JSON.stringify(off)}: nothing of the run was exported`);
  }
});

/** A model run of `tasks` marked tasks straight through (no pause, no revision), started in the caller's trace. */
async function modelRunInTrace(server: Connected, tasks: number, traceparent: string): Promise<CallToolResult> {
  return (await server.client.callTool({
    name: "start_workflow",
    arguments: { objective: "Edge accelerators", mode: "parallel", tasks: markedTasks(tasks), approvals: [], quality_threshold: 0, max_revisions: 0, executor: "model", wait_seconds: 60 },
    _meta: { traceparent },
  })) as CallToolResult;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
