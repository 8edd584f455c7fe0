/**
 * Concurrency: 50 runs from one client with interleaved approvals; two server processes on one database
 * file (approvals across processes, no SQLITE_BUSY for the user, one driver per run, takeover after a
 * SIGKILL); the run queue and the configurable limits; a run of 60 branches at once that warns of nothing. Where
 * branches must wait, a scripted model provider (the server's model executor calls it) holds them.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { call, callError, connect } from "../helpers/server.js";
import { findingsResponder, startScriptedProvider } from "../helpers/scripted-provider.js";
import { branchKey, connectToProvider, heldResponder, markTasks, ROOMY_POOL } from "../helpers/model-server.js";
import { fiveTaskRequest, readJson, timeline, type Status } from "../helpers/workflow.js";

/** A deterministic shuffle (so a failure can be replayed). */
function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const j = seed % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

test("50 runs started in parallel, approvals interleaved in random order, all complete", async () => {
  const s = await connect({ args: ["--pool-cpu", "8", "--pool-memory-mb", "8192"] });
  try {
    const started = await Promise.all(Array.from({ length: 50 }, () => call<Status>(s.client, "start_workflow", fiveTaskRequest({ wait_seconds: 120 }))));
    assert.deepEqual(new Set(started.map((r) => r.status)), new Set(["interrupted"]));
    const atQuality = await Promise.all(shuffled(started, 7).map((r) => call<Status>(s.client, "approve_interrupt", { run_id: r.run_id, decision: "approve", wait_seconds: 120 })));
    assert.deepEqual(new Set(atQuality.map((r) => r.pending_interrupts[0]?.point)), new Set(["quality"]));
    const done = await Promise.all(shuffled(atQuality, 11).map((r) => call<Status>(s.client, "approve_interrupt", { run_id: r.run_id, decision: "approve", wait_seconds: 120 })));
    assert.deepEqual(done.map((r) => r.status), Array(50).fill("completed"));
    const active = await readJson<{ pool: { used: { cpu: number } }; agents: unknown[] }>(s.client, "orchestrator://agents/active");
    assert.equal(active.pool.used.cpu, 0);
    assert.equal(active.agents.length, 0);
    assert.doesNotMatch(s.stderr(), /SQLITE_BUSY|database is locked/);
  } finally {
    await s.close();
  }
});

test("two processes on one database: runs started on A are approved on B, each driven once, no SQLITE_BUSY", async () => {
  const a = await connect({ args: ["--lease-seconds", "3"] });
  const b = await connect({ dbPath: a.dbPath, args: ["--lease-seconds", "3"] });
  try {
    const started = await Promise.all(Array.from({ length: 10 }, () => call<Status>(a.client, "start_workflow", fiveTaskRequest({ approvals: ["sync_point"], wait_seconds: 60 }))));
    const done = await Promise.all(started.map((r, i) => call<Status>((i % 2 ? a : b).client, "approve_interrupt", { run_id: r.run_id, decision: "approve", wait_seconds: 60 })));
    assert.deepEqual(done.map((r) => r.status), Array(10).fill("completed"));
    for (const r of started) {
      const events = await timeline(b.client, r.run_id);
      assert.equal(events.filter((e) => e.event === "branch_dispatched").length, 5, "each branch dispatched once");
      assert.equal(events.filter((e) => e.event === "node_started" && e.node === "final_integrator").length, 1);
    }
    assert.doesNotMatch(a.stderr() + b.stderr(), /SQLITE_BUSY|database is locked/);
  } finally {
    await a.close();
    await b.close();
  }
});

test("when the process driving a run dies, another process on the same database finishes it", async () => {
  // A's branches wait for a model that does not answer until A is killed; B (on the same provider) gets answers.
  let killed = false;
  const answer = findingsResponder();
  const provider = await startScriptedProvider({ keyOf: (r) => branchKey(r.userText), responder: (r, i) => (killed ? answer(r, i) : { kind: "hang" }) });
  const args = [...ROOMY_POOL, "--lease-seconds", "2"];
  const a = await connectToProvider(provider, { args });
  const b = await connectToProvider(provider, { dbPath: a.dbPath, args });
  try {
    const request = markTasks(fiveTaskRequest({ approvals: [], mode: "parallel", run_id: "orphan", quality_threshold: 0.1 }));
    await call(a.client, "start_workflow", { ...request, wait_seconds: 0 });
    await provider.until(() => provider.inFlight === 5, 10_000, "A's five branches waiting for the model");
    const killedAt = provider.calls;
    killed = true;
    process.kill(a.pid, "SIGKILL");
    await a.exited;
    // B takes the run over once A's lease has expired; from its first model call on the run is B's, and
    // start_workflow with the run's id waits on B for it to settle.
    await provider.until(() => provider.calls > killedAt, 15_000, "B asking the model for the orphaned run");
    const done = await call<Status>(b.client, "start_workflow", { ...request, wait_seconds: 60 });
    assert.equal(done.status, "completed", JSON.stringify(done.error));
    const events = await timeline(b.client, "orphan");
    assert.equal(events.filter((e) => e.event === "run_recovered").length, 1, "taken over once");
    const byB = provider.requests.slice(killedAt).map((r) => r.key).filter((k) => k !== "report").sort();
    assert.deepEqual(byB, ["t1", "t2", "t3", "t4", "t5"], "B executed the five branches A never finished, once each");
  } finally {
    await b.close();
    await provider.close();
  }
});

test("limits: runs beyond --max-concurrent-runs queue; --max-tasks, --max-objective-chars, --max-timeline-page answer clearly", async () => {
  // The model answers only once all four runs are started, so the first holds the one slot while the others queue.
  const gate = heldResponder();
  const provider = await startScriptedProvider({ responder: gate.responder });
  const s = await connectToProvider(provider, {
    args: [...ROOMY_POOL, "--max-concurrent-runs", "1", "--max-tasks", "3", "--max-objective-chars", "50", "--max-timeline-page", "10"],
  });
  try {
    const small = (extra: Record<string, unknown> = {}) => {
      const r = fiveTaskRequest({ approvals: [], objective: "Queue test", quality_threshold: 0, ...extra }) as { tasks: unknown[] };
      return { ...r, tasks: r.tasks.slice(0, 3) };
    };
    const started = [];
    for (let i = 0; i < 4; i++) started.push(await call<Status>(s.client, "start_workflow", small({ wait_seconds: 0 })));
    gate.release();
    const runs = await Promise.all(started.map((r) => call<Status>(s.client, "start_workflow", small({ run_id: r.run_id, wait_seconds: 60 }))));
    assert.deepEqual(runs.map((r) => r.status), Array(4).fill("completed"));
    const queued = await Promise.all(runs.map(async (r) => (await call<{ total: number }>(s.client, "get_timeline", { run_id: r.run_id, event: "run_queued" })).total));
    assert.ok(queued.filter((n) => n > 0).length >= 1, `some run waited for a slot: ${queued}`);
    const page = await call<{ events: unknown[]; total: number }>(s.client, "get_timeline", { run_id: runs[0]!.run_id });
    assert.equal(page.events.length, 10, "without a limit a page is the server's largest");
    assert.match(await callError(s.client, "start_workflow", fiveTaskRequest({ approvals: [], objective: "Too many" })), /5 tasks, more than this server's limit of 3 \(--max-tasks\)/);
    assert.match(await callError(s.client, "start_workflow", small({ objective: "x".repeat(51) })), /51 characters, more than this server's limit of 50 \(--max-objective-chars\)/);
    assert.match(await callError(s.client, "get_timeline", { run_id: runs[0]!.run_id, limit: 11 }), /limit 11 is more than this server's largest page, 10 \(--max-timeline-page\)/);
    assert.match(await callError(s.client, "start_workflow", small({ tasks: [{ type: "research", description: "d", inputs: [{ name: "big", text: "x".repeat(5_000_001) }] }] })), /more than the limit of 5000000 \(--max-input-bytes\)/);
  } finally {
    await s.close();
    await provider.close();
  }
});

test("a run of 60 branches in one superstep completes with nothing but the server's own lines on stderr (no MaxListenersExceededWarning)", async () => {
  const s = await connect({ args: ROOMY_POOL });
  try {
    const tasks = Array.from({ length: 60 }, (_, i) => ({
      type: "research", focus: "market", description: `revenue growth of segment ${i}`,
      inputs: [{ name: `s${i}.md`, text: `Segment ${i} revenue grew 20 percent in 2025.` }],
    }));
    const done = await call<Status>(s.client, "start_workflow", {
      objective: "Sixty branches at once", tasks, mode: "parallel", approvals: [], executor: "builtin", quality_threshold: 0, wait_seconds: 60,
    });
    assert.equal(done.status, "completed", JSON.stringify(done.error));
    assert.equal(done.progress.branches_completed, 60);
    // Every branch of the superstep listens on the run's abort signal: expected, and not a warning a user should see.
    assert.doesNotMatch(s.stderr(), /MaxListenersExceededWarning|\(node:\d+\)/);
  } finally {
    await s.close();
  }
});
