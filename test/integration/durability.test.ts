/**
 * Durability: a server killed with SIGKILL while a run is paused; a new process on the same database
 * answers the interrupt and the run completes, with a gap-free, duplicate-free timeline.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import Database from "better-sqlite3";
import { BACKEND, call, connect } from "../helpers/server.js";
import { fiveTaskRequest, readJson, timeline, type Status } from "../helpers/workflow.js";

test("a run paused when the server is SIGKILLed is resumed by a new server process", async () => {
  const first = await connect();
  const started = await call<Status>(first.client, "start_workflow", fiveTaskRequest());
  assert.equal(started.pending_interrupts[0]!.point, "sync_point");
  process.kill(first.pid, "SIGKILL");
  await first.exited;

  const second = await connect({ dbPath: first.dbPath });
  try {
    const waiting = await call<Status>(second.client, "approve_interrupt", { run_id: started.run_id, decision: "approve" });
    assert.equal(waiting.status, "interrupted");
    assert.equal(waiting.pending_interrupts[0]!.point, "quality");
    const done = await call<Status>(second.client, "approve_interrupt", { run_id: started.run_id, decision: "approve" });
    assert.equal(done.status, "completed");
    assert.equal(done.progress.branches_completed, 5);

    const events = await timeline(second.client, started.run_id);
    assert.deepEqual(events.map((e) => e.seq), events.map((_, i) => i + 1), "no gaps");
    const dispatched = events.filter((e) => e.event === "branch_dispatched").map((e) => e.branch_id).sort();
    assert.deepEqual(dispatched, ["t1", "t2", "t3", "t4", "t5"], "no branch ran twice");
    assert.equal(events.filter((e) => e.event === "run_completed").length, 1);
  } finally {
    await second.close();
  }
});

test("a finished run keeps its last checkpoint and those a fork starts from (sync points, quality gate), and its state stays readable", async () => {
  const s = await connect();
  try {
    const done = await call<Status>(s.client, "start_workflow", fiveTaskRequest({ approvals: [], run_id: "pruned" }));
    assert.equal(done.status, "completed");
    const history = await call<{ checkpoints: Array<{ checkpoint_id: string; next: string[] }>; total: number }>(s.client, "get_run_history", { run_id: "pruned" });
    assert.deepEqual(history.checkpoints.map((c) => c.next), [["sync_point_manager"], ["quality_validator"], []]);
    assert.equal(history.total, 3);
    if (BACKEND === "sqlite") {
      const db = new Database(s.dbPath, { readonly: true });
      const count = (sql: string) => (db.prepare(sql).get("pruned") as { n: number }).n;
      assert.equal(count("SELECT COUNT(*) AS n FROM checkpoints WHERE thread_id = ?"), 3);
      assert.equal(count("SELECT COUNT(*) AS n FROM writes WHERE thread_id = ? AND checkpoint_id NOT IN (SELECT checkpoint_id FROM checkpoints WHERE thread_id = 'pruned')"), 0);
      db.close();
    }
    const state = await readJson<Status & { completed_branches: Record<string, unknown> }>(s.client, "orchestrator://runs/pruned");
    assert.equal(Object.keys(state.completed_branches).length, 5);
    assert.equal(state.result!.quality_score, done.result!.quality_score);
  } finally {
    await s.close();
  }
});
