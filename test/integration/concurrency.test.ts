/**
 * Concurrency: 50 runs from one client with interleaved approvals; two server processes on one database
 * file (approvals across processes, no SQLITE_BUSY for the user, one driver per run, takeover after a
 * SIGKILL); the run queue and the configurable limits.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ResourceUpdatedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { call, callError, connect, only2025 } from "../helpers/server.js";
import { answer, connectSampling, whenAsked } from "../helpers/sampling-client.js";
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

test("when the process driving a run dies, another process on the same database finishes it", { skip: only2025 }, async () => {
  const { script, asked: allAsked } = whenAsked(5);
  const a = await connectSampling(script, ["--lease-seconds", "2"]);
  const b = await connectSampling(({ branch_id }) => branch_id === null ? "# Report" : answer([[`Finding for ${branch_id}.`, "x"]], 0.9), ["--lease-seconds", "2"], { dbPath: a.dbPath });
  try {
    await call(a.client, "start_workflow", fiveTaskRequest({ approvals: [], mode: "parallel", run_id: "orphan", quality_threshold: 0.1, wait_seconds: 0 }));
    await allAsked;
    const uri = "orchestrator://runs/orphan";
    await b.client.subscribeResource({ uri });
    const finished = new Promise<void>((resolve) => {
      b.client.setNotificationHandler(ResourceUpdatedNotificationSchema, async (note) => {
        if (note.params.uri !== uri) return;
        if ((await readJson<Status>(b.client, uri)).status === "completed") resolve();
      });
    });
    process.kill(a.pid, "SIGKILL");
    await finished;
    const events = await timeline(b.client, "orphan");
    assert.equal(events.filter((e) => e.event === "run_recovered").length, 1, "taken over once");
    assert.equal(Object.keys(b.stats.perBranch).filter((k) => k !== "report").length, 5, "B executed the five branches A never finished");
  } finally {
    await b.close();
  }
});

test("limits: runs beyond --max-concurrent-runs queue; --max-tasks, --max-objective-chars, --max-timeline-page answer clearly", { skip: only2025 }, async () => {
  // The model answers only once all four runs are started, so the first holds the one slot while the others queue.
  let open: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => { open = resolve; });
  const s = await connectSampling(async () => { await gate; return answer([["Queued runs finish once a slot is free.", "doc"]]); },
    ["--max-concurrent-runs", "1", "--max-tasks", "3", "--max-objective-chars", "50", "--max-timeline-page", "10"]);
  try {
    const small = (extra: Record<string, unknown> = {}) => {
      const r = fiveTaskRequest({ approvals: [], objective: "Queue test", quality_threshold: 0, ...extra }) as { tasks: unknown[] };
      return { ...r, tasks: r.tasks.slice(0, 3) };
    };
    const started = [];
    for (let i = 0; i < 4; i++) started.push(await call<Status>(s.client, "start_workflow", small({ wait_seconds: 0 })));
    open();
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
  }
});
