/**
 * Several server processes on one database (a SQLite file, or PostgreSQL in the Postgres pass): runs started on
 * one process are approved on the others and all complete, each branch executed exactly once (counted at the
 * model: every process's model executor calls one scripted provider, which counts the calls per run and branch);
 * a subscriber on one process hears of changes to a run another process drives (its processes' clients answer
 * sampling requests and count them).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { CreateMessageRequestSchema, ResourceUpdatedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { call, connect, type Connected, only2025 } from "../helpers/server.js";
import { answer, metadataString } from "../helpers/sampling-client.js";
import { findingsResponder, startScriptedProvider } from "../helpers/scripted-provider.js";
import { connectToProvider, markRun, ROOMY_POOL, runBranchKey } from "../helpers/model-server.js";
import { fiveTaskRequest, readJson, type Status } from "../helpers/workflow.js";

const POOL = ["--pool-cpu", "8", "--pool-memory-mb", "8192"];
const ARGS = ["--lease-seconds", "3", ...POOL];

/** A process whose client samples, counting the requests per `run_id/branch_id` into `executions`. */
async function samplingProcess(executions: Map<string, number>, dbPath?: string): Promise<Connected> {
  return connect({
    ...(dbPath ? { dbPath } : {}),
    args: ARGS,
    clientName: "counting-sampler",
    capabilities: { sampling: {} },
    prepare: (client) => client.setRequestHandler(CreateMessageRequestSchema, async (request) => {
      const meta = request.params.metadata;
      const branchId = metadataString(meta, "branch_id");
      const key = `${String(metadataString(meta, "run_id"))}/${branchId ?? "report"}`;
      executions.set(key, (executions.get(key) ?? 0) + 1);
      const text = branchId !== undefined ? answer([[`A finding for ${branchId}.`, "notes"]], 0.9) : "# Report\n\nAll branches agree.";
      return { role: "assistant", model: "counting-model", stopReason: "endTurn", content: { type: "text", text } };
    }),
  });
}

test("three processes on one database: 30 runs started across them, each pause approved on another process, all complete, each branch executed once", async () => {
  // The three processes' model executors call one provider, which counts the calls per run and branch. They keep
  // the default lease (15 s): no run is taken over here, and on a loaded machine a 3 s lease can run out under a
  // process still driving the run (its heartbeat starved), letting another process drive it too.
  const provider = await startScriptedProvider({ keyOf: runBranchKey, responder: findingsResponder() });
  const first = await connectToProvider(provider, { args: POOL });
  const processes = [first, await connectToProvider(provider, { dbPath: first.dbPath, args: POOL }), await connectToProvider(provider, { dbPath: first.dbPath, args: POOL })];
  try {
    const on = (i: number) => processes[i % 3]!.client;
    const started = await Promise.all(Array.from({ length: 30 }, (_, i) => call<Status>(on(i), "start_workflow", markRun(fiveTaskRequest({ wait_seconds: 60 }), `three-${i}`))));
    assert.deepEqual(new Set(started.map((r) => r.status)), new Set(["interrupted"]), "every run pauses at its sync point");
    const atQuality = await Promise.all(started.map((r, i) => call<Status>(on(i + 1), "approve_interrupt", { run_id: r.run_id, decision: "approve", wait_seconds: 60 })));
    assert.deepEqual(new Set(atQuality.map((r) => r.pending_interrupts[0]?.point)), new Set(["quality"]));
    const done = await Promise.all(atQuality.map((r, i) => call<Status>(on(i + 2), "approve_interrupt", { run_id: r.run_id, decision: "approve", wait_seconds: 60 })));
    assert.deepEqual(done.map((r) => r.status), Array(30).fill("completed"));
    const executions = provider.callsByKey();
    for (const r of started) {
      for (const branch of ["t1", "t2", "t3", "t4", "t5"]) {
        assert.equal(executions[`${r.run_id}/${branch}`], 1, `${r.run_id}/${branch} executed once across the three processes`);
      }
    }
    assert.deepEqual(Object.keys(executions).filter((k) => !/^three-\d+\/(t[1-5]|report)$/.test(k)), [], "every model call was for a run's branch or report");
    // Every process reads every run the same way.
    const seen = await Promise.all(processes.map((p) => call<Status>(p.client, "approve_interrupt", { run_id: started[0]!.run_id, decision: "approve" }).catch(() => null)));
    assert.deepEqual(seen, [null, null, null], "a finished run has nothing to approve, on any process");
    const statuses = await Promise.all(processes.map((p) => readJson<Status>(p.client, `orchestrator://runs/${started[7]!.run_id}`)));
    assert.deepEqual(statuses.map((s) => s.status), ["completed", "completed", "completed"]);
  } finally {
    await Promise.all(processes.map((p) => p.close()));
    await provider.close();
  }
});

test("a subscriber on process B is notified of a run that process A drives", { skip: only2025 }, async () => {
  const executions = new Map<string, number>();
  const a = await samplingProcess(executions);
  const b = await samplingProcess(executions, a.dbPath);
  try {
    const paused = await call<Status>(a.client, "start_workflow", fiveTaskRequest({ approvals: ["sync_point"], quality_threshold: 0.1, wait_seconds: 60 }));
    assert.equal(paused.status, "interrupted");
    const uri = `orchestrator://runs/${paused.run_id}`;
    const completedOnB = new Promise<void>((resolve) => {
      b.client.setNotificationHandler(ResourceUpdatedNotificationSchema, async (note) => {
        if (note.params.uri === uri && (await readJson<Status>(b.client, uri)).status === "completed") resolve();
      });
    });
    await b.client.subscribeResource({ uri });
    const done = await call<Status>(a.client, "approve_interrupt", { run_id: paused.run_id, decision: "approve", wait_seconds: 60 });
    assert.equal(done.status, "completed");
    await completedOnB;
    for (const branch of ["t1", "t2", "t3", "t4", "t5"]) assert.equal(executions.get(`${paused.run_id}/${branch}`), 1);
  } finally {
    await a.close();
    await b.close();
  }
});

test("cancel_run on another process stops the run where it works: its heartbeat aborts the branches and frees the pool", async () => {
  const provider = await startScriptedProvider({ responder: () => ({ kind: "hang" }) }); // the five branches ask for a model that never answers
  const driver = await connectToProvider(provider, { args: [...ROOMY_POOL, "--lease-seconds", "3"] });
  const other = await connect({ dbPath: driver.dbPath, args: ARGS });
  try {
    const running = await call<Status>(driver.client, "start_workflow", fiveTaskRequest({ approvals: [], mode: "parallel", wait_seconds: 0 }));
    await provider.until(() => provider.inFlight === 5, 10_000, "the five branches waiting for the model");
    const busy = await readJson<{ pool: { used: { cpu: number } } }>(driver.client, "orchestrator://agents/active");
    assert.ok(busy.pool.used.cpu > 0, "the branches hold resources while they wait for the model");
    assert.equal((await call<Status>(other.client, "cancel_run", { run_id: running.run_id })).status, "cancelled");
    // start_workflow with the run's id waits (up to 30 s) for the driver's invocation to settle: the next beat aborts it.
    const t0 = Date.now();
    const settled = await call<Status>(driver.client, "start_workflow", fiveTaskRequest({ approvals: [], run_id: running.run_id, wait_seconds: 30 }));
    assert.equal(settled.status, "cancelled");
    assert.ok(Date.now() - t0 < 10_000, `settled ${Date.now() - t0} ms after the cancel, not at the 30 s wait's end`);
    const idle = await readJson<{ pool: { used: { cpu: number; memory_mb: number } } }>(driver.client, "orchestrator://agents/active");
    assert.deepEqual(idle.pool.used, { cpu: 0, memory_mb: 0 });
    await provider.until(() => provider.abortedCount === 5, 5000, "the five model calls aborted");
  } finally {
    await other.close();
    await driver.close();
    await provider.close();
  }
});
