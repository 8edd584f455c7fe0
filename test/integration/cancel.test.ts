/**
 * Cancellation: cancel_run on a paused and on a running run, and a client cancelling the waiting call. Running
 * branches are held by a scripted model provider that never answers (the server's model executor calls it).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { call, callError, callToolWith, connect } from "../helpers/server.js";
import { ROOMY_POOL, startModelServer } from "../helpers/model-server.js";
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

test("cancel_run aborts a running run's branches and frees the pool", async () => {
  const { server: s, provider, close } = await startModelServer("openai", { responder: () => ({ kind: "hang" }), args: ROOMY_POOL });
  try {
    const running = await call<Status>(s.client, "start_workflow", fiveTaskRequest({ approvals: [], mode: "parallel", wait_seconds: 0 }));
    assert.equal(running.status, "running");
    await provider.until(() => provider.inFlight === 5, 10_000, "the five branches waiting for the model");
    const busy = await readJson<Active>(s.client, "orchestrator://agents/active");
    assert.ok(busy.pool.used.cpu > 0, "branches hold resources while they wait for the model");
    const cancelled = await call<Status>(s.client, "cancel_run", { run_id: running.run_id });
    assert.equal(cancelled.status, "cancelled");
    const idle = await readJson<Active>(s.client, "orchestrator://agents/active");
    assert.deepEqual(idle.pool.used, { cpu: 0, memory_mb: 0 });
    await provider.until(() => provider.abortedCount === 5, 5000, "the five model calls aborted");
    const status = await readJson<Status>(s.client, `orchestrator://runs/${running.run_id}`);
    assert.equal(status.status, "cancelled", "the aborted invocation did not overwrite the status");
  } finally {
    await close();
  }
});

test("a client cancelling its waiting start_workflow call cancels the run", async () => {
  const { server: s, provider, close } = await startModelServer("openai", { responder: () => ({ kind: "hang" }), args: ROOMY_POOL });
  try {
    const abort = new AbortController();
    const waiting = callToolWith(s.client, { name: "start_workflow", arguments: fiveTaskRequest({ approvals: [], mode: "parallel", run_id: "to-cancel", wait_seconds: 120 }) }, { signal: abort.signal });
    await provider.until(() => provider.inFlight === 5, 10_000, "the five branches waiting for the model");
    abort.abort("user pressed stop");
    await assert.rejects(waiting);
    // The cancel is recorded before the branches are aborted: once their model calls are, the run reads cancelled.
    await provider.until(() => provider.abortedCount === 5, 10_000, "the five model calls aborted");
    const status = await readJson<Status>(s.client, "orchestrator://runs/to-cancel");
    assert.equal(status.status, "cancelled");
    assert.match(status.error!, /waiting request was cancelled/);
  } finally {
    await close();
  }
});
