/**
 * Cancellation: cancel_run on a paused and on a running run, and a client cancelling the waiting call.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { call, callError, connect, only2025 } from "../helpers/server.js";
import { connectSampling, whenAsked } from "../helpers/sampling-client.js";
import { fiveTaskRequest, readJson, timeline, type Status } from "../helpers/workflow.js";

type Active = { pool: { used: { cpu: number; memory_mb: number } }; agents: Array<{ run_id: string | null }> };

test("cancel_run ends a paused run cancelled, releases its agents and keeps its timeline", async () => {
  const s = await connect();
  try {
    const paused = await call<Status>(s.client, "start_workflow", fiveTaskRequest());
    assert.equal(paused.status, "interrupted");
    assert.ok((await readJson<Active>(s.client, "orchestrator://agents/active")).agents.some((a) => a.run_id === paused.run_id));
    const cancelled = await call<Status>(s.client, "cancel_run", { run_id: paused.run_id, reason: "changed my mind" });
    assert.equal(cancelled.status, "cancelled");
    assert.equal(cancelled.error, "changed my mind");
    assert.deepEqual(cancelled.pending_interrupts, []);
    const events = await timeline(s.client, paused.run_id);
    assert.equal(events.at(-1)!.event, "run_cancelled");
    assert.ok(events.length > 10, "the timeline is kept");
    assert.equal((await readJson<Active>(s.client, "orchestrator://agents/active")).agents.length, 0);
    assert.match(await callError(s.client, "cancel_run", { run_id: paused.run_id }), /is cancelled already/);
    assert.match(await callError(s.client, "approve_interrupt", { run_id: paused.run_id, decision: "approve" }), /is cancelled; there is nothing to approve/);
    assert.match(await callError(s.client, "cancel_run", { run_id: "nope" }), /unknown run_id "nope"/);
  } finally {
    await s.close();
  }
});

test("cancel_run aborts a running run's branches and frees the pool", { skip: only2025 }, async () => {
  const { script, asked } = whenAsked(5);
  const s = await connectSampling(script);
  try {
    const running = await call<Status>(s.client, "start_workflow", fiveTaskRequest({ approvals: [], mode: "parallel", wait_seconds: 0 }));
    assert.equal(running.status, "running");
    await asked;
    const busy = await readJson<Active>(s.client, "orchestrator://agents/active");
    assert.ok(busy.pool.used.cpu > 0, "branches hold resources while they wait for the model");
    const cancelled = await call<Status>(s.client, "cancel_run", { run_id: running.run_id });
    assert.equal(cancelled.status, "cancelled");
    const idle = await readJson<Active>(s.client, "orchestrator://agents/active");
    assert.deepEqual(idle.pool.used, { cpu: 0, memory_mb: 0 });
    const status = await readJson<Status>(s.client, `orchestrator://runs/${running.run_id}`);
    assert.equal(status.status, "cancelled", "the aborted invocation did not overwrite the status");
  } finally {
    await s.close();
  }
});

test("a client cancelling its waiting start_workflow call cancels the run", { skip: only2025 }, async () => {
  const { script, asked } = whenAsked(5);
  const s = await connectSampling(script);
  try {
    const abort = new AbortController();
    const waiting = s.client.callTool({ name: "start_workflow", arguments: fiveTaskRequest({ approvals: [], mode: "parallel", run_id: "to-cancel", wait_seconds: 120 }) }, undefined, { signal: abort.signal });
    await asked;
    abort.abort("user pressed stop");
    await assert.rejects(waiting as Promise<CallToolResult>);
    let status = await readJson<Status>(s.client, "orchestrator://runs/to-cancel");
    for (let i = 0; status.status !== "cancelled" && i < 50; i++) {
      await new Promise((r) => setImmediate(r));
      status = await readJson<Status>(s.client, "orchestrator://runs/to-cancel");
    }
    assert.equal(status.status, "cancelled");
    assert.match(status.error!, /waiting request was cancelled/);
  } finally {
    await s.close();
  }
});
