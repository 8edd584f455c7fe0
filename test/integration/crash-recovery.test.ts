/**
 * Crash recovery, counting branch executions at a scripted model provider (the server's model executor calls it,
 * and it outlives the killed process): SIGKILL between supersteps (a failpoint kills the server right after a
 * checkpoint), SIGKILL while branches run, and SIGTERM. On restart the run resumes by itself; branches that
 * finished before the kill are not executed again.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import Database from "better-sqlite3";
import { call, sqliteOnly } from "../helpers/server.js";
import { findingsResponder, startScriptedProvider, type RecordedRequest, type Responder, type ScriptedProvider } from "../helpers/scripted-provider.js";
import { branchKey, connectToProvider, markTasks, ROOMY_POOL } from "../helpers/model-server.js";
import { fiveTaskRequest, timeline, type Status, type TimelineEvent } from "../helpers/workflow.js";

const respond = findingsResponder();

/** A provider keyed by branch ("t1".."t5", "report"): `beforeKill` answers until `killed()` is called, then every call is answered. */
async function crashProvider(beforeKill: Responder = respond): Promise<{ provider: ScriptedProvider; killed(): void }> {
  let killed = false;
  const provider = await startScriptedProvider({ keyOf: (r) => branchKey(r.userText), responder: (r, i) => (killed ? respond(r, i) : beforeKill(r, i)) });
  return { provider, killed: () => { killed = true; } };
}

/** The branches the model was asked for, one entry per call (a branch asked twice shows twice). */
function executed(requests: readonly RecordedRequest[]): string[] {
  return requests.map((r) => r.key).filter((k) => k !== "report").sort();
}

/** The five-task request with its tasks marked for the provider. */
const request = (extra: Record<string, unknown>) => markTasks(fiveTaskRequest({ approvals: [], ...extra }));

function assertCleanTimeline(events: TimelineEvent[]): void {
  assert.deepEqual(events.map((e) => e.seq), events.map((_, i) => i + 1), "no gaps or duplicates");
  for (const id of ["t1", "t2", "t3", "t4", "t5"]) {
    assert.equal(events.filter((e) => e.event === "branch_completed" && e.branch_id === id).length, 1, `${id} completed once`);
  }
  assert.equal(events.filter((e) => e.event === "run_completed").length, 1);
}

/** Waits for the run through start_workflow's idempotent run_id, on the server that resumed it. */
async function finish(client: Parameters<typeof call>[0], runId: string): Promise<Status> {
  return call<Status>(client, "start_workflow", request({ run_id: runId, wait_seconds: 60 }));
}

test("SIGKILL between supersteps: the run resumes on restart and finished branches are not run again", async () => {
  const { provider } = await crashProvider();
  try {
    // Checkpoints: input, step 0, then one per superstep (analyzer, coordinator, branches): the 5th follows the first sync point's branches (t4, t1; a
    // sync point's ready branches are one superstep, worked through the run's window one at a time).
    const first = await connectToProvider(provider, { args: ROOMY_POOL, env: { CONDUCTOR_FAILPOINT_KILL_AFTER_CHECKPOINTS: "5" } });
    await call(first.client, "start_workflow", request({ mode: "sequential", run_id: "killed-between", wait_seconds: 0, sync_points: { first: ["t4", "t1"], rest: ["t2", "t3", "t5"] } }));
    await first.exited;
    const before = executed(provider.requests);
    assert.deepEqual(before, ["t1", "t4"], `the first sync point's branches ran before the kill: ${before}`);

    const restartedAt = provider.calls;
    const second = await connectToProvider(provider, { dbPath: first.dbPath, args: ROOMY_POOL });
    try {
      const done = await finish(second.client, "killed-between");
      assert.equal(done.status, "completed");
      const after = executed(provider.requests.slice(restartedAt));
      assert.deepEqual([...before, ...after].sort(), ["t1", "t2", "t3", "t4", "t5"], `before ${before}, after ${after}: each branch ran once`);
      const events = await timeline(second.client, "killed-between");
      assertCleanTimeline(events);
      assert.equal(events.filter((e) => e.event === "run_recovered").length, 1, "taken over once, by the restarted process");
    } finally {
      await second.close();
    }
  } finally {
    await provider.close();
  }
});

test("SIGKILL before the run's first checkpoint: the next process starts it from its stored request", async () => {
  const { provider } = await crashProvider();
  try {
    const first = await connectToProvider(provider, { args: ROOMY_POOL, env: { CONDUCTOR_FAILPOINT_KILL_AFTER_CHECKPOINTS: "0" } });
    // The process may die before it answers (the kill comes as the run's first checkpoint is written): wait for the exit.
    void call(first.client, "start_workflow", request({ mode: "sequential", run_id: "killed-at-start", wait_seconds: 0 })).catch(() => undefined);
    await first.exited;
    await first.client.close(); // over HTTP the unanswered call would otherwise wait out its 60 s timeout
    assert.deepEqual(executed(provider.requests), [], "nothing ran before the kill");

    const second = await connectToProvider(provider, { dbPath: first.dbPath, args: ROOMY_POOL });
    try {
      const done = await finish(second.client, "killed-at-start");
      assert.equal(done.status, "completed", JSON.stringify(done));
      assert.deepEqual(executed(provider.requests), ["t1", "t2", "t3", "t4", "t5"]);
      const events = await timeline(second.client, "killed-at-start");
      assertCleanTimeline(events);
      assert.equal(events.filter((e) => e.event === "mode_selected")[0]?.data?.mode, "sequential", "the stored request's mode");
    } finally {
      await second.close();
    }
  } finally {
    await provider.close();
  }
});

// sqliteOnly: polls the SQLite file (better-sqlite3) for the saved branch writes before the kill.
test("SIGKILL while branches run: the finished ones are kept, the ones in flight run again", { skip: sqliteOnly }, async () => {
  const { provider, killed } = await crashProvider((r, i) => (r.key === "t1" || r.key === "t2" ? respond(r, i) : { kind: "hang" }));
  try {
    const first = await connectToProvider(provider, { args: ROOMY_POOL });
    await call(first.client, "start_workflow", request({ mode: "parallel", run_id: "killed-running", wait_seconds: 0 }));
    await provider.until(() => provider.calls >= 5, 10_000, "all five branches asked");
    const db = new Database(first.dbPath, { readonly: true, fileMustExist: true });
    // Branch results written against the latest checkpoint: the superstep in flight (not an earlier one).
    const saved = db.prepare(`SELECT COUNT(DISTINCT task_id) AS n FROM writes WHERE thread_id = @t AND channel = 'completed_branches'
      AND checkpoint_id = (SELECT MAX(checkpoint_id) FROM checkpoints WHERE thread_id = @t)`);
    for (let i = 0; (saved.get({ t: "killed-running" }) as { n: number }).n < 2; i++) {
      assert.ok(i < 100_000, "t1 and t2 were saved");
      await new Promise((r) => setImmediate(r));
    }
    db.close();
    process.kill(first.pid, "SIGKILL");
    await first.exited;
    killed();

    const restartedAt = provider.calls;
    const second = await connectToProvider(provider, { dbPath: first.dbPath, args: ROOMY_POOL });
    try {
      const done = await finish(second.client, "killed-running");
      assert.equal(done.status, "completed");
      assert.deepEqual(executed(provider.requests.slice(restartedAt)), ["t3", "t4", "t5"], "t1 and t2 were not executed again");
      assertCleanTimeline(await timeline(second.client, "killed-running"));
    } finally {
      await second.close();
    }
  } finally {
    await provider.close();
  }
});

// sqliteOnly: reads the run's row from the SQLite file (better-sqlite3) after the SIGTERM.
test("SIGTERM: branches in flight are recorded as interrupted, and the next start resumes them", { skip: sqliteOnly }, async () => {
  const { provider, killed } = await crashProvider(() => ({ kind: "hang" }));
  try {
    const first = await connectToProvider(provider, { args: ROOMY_POOL });
    await call(first.client, "start_workflow", request({ mode: "parallel", run_id: "terminated", wait_seconds: 0 }));
    await provider.until(() => provider.inFlight === 5, 10_000, "the five branches waiting for the model");
    process.kill(first.pid, "SIGTERM");
    await first.exited;
    killed();
    const db = new Database(first.dbPath, { readonly: true, fileMustExist: true });
    const row = db.prepare("SELECT status, owner FROM conductor_runs WHERE run_id = 'terminated'").get() as { status: string; owner: string | null };
    db.close();
    assert.deepEqual(row, { status: "running", owner: null }, "still running, lease released");

    const restartedAt = provider.calls;
    const second = await connectToProvider(provider, { dbPath: first.dbPath, args: ROOMY_POOL });
    try {
      const done = await finish(second.client, "terminated");
      assert.equal(done.status, "completed");
      assert.deepEqual(executed(provider.requests.slice(restartedAt)), ["t1", "t2", "t3", "t4", "t5"], "the interrupted branches ran again, once each");
      const events = await timeline(second.client, "terminated");
      const names = events.map((e) => e.event);
      assert.ok(names.indexOf("run_interrupted") < names.indexOf("run_recovered"), "interrupted, then recovered");
      assertCleanTimeline(events);
    } finally {
      await second.close();
    }
  } finally {
    await provider.close();
  }
});
