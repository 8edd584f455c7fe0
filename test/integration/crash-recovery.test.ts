/**
 * Crash recovery, counting branch executions with a sampling client: SIGKILL between supersteps (a
 * failpoint kills the server right after a checkpoint), SIGKILL while branches run, and SIGTERM. On
 * restart the run resumes by itself; branches that finished before the kill are not executed again.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import Database from "better-sqlite3";
import { call, sqliteOnly, only2025 } from "../helpers/server.js";
import { answer, connectSampling, whenAsked, type Script } from "../helpers/sampling-client.js";
import { fiveTaskRequest, timeline, type Status, type TimelineEvent } from "../helpers/workflow.js";

const respond: Script = ({ branch_id, user }) => {
  if (branch_id === null) return "# Report\n\nScripted.";
  const source = /<source name="([^"]+)">\n(?:#[^\n]*\n+)?([^\n]+)/.exec(user);
  return answer([[source![2]!, source![1]!]], 0.9);
};

function executed(perBranch: Record<string, number>): string[] {
  return Object.keys(perBranch).filter((k) => k !== "report").sort();
}

function assertCleanTimeline(events: TimelineEvent[]): void {
  assert.deepEqual(events.map((e) => e.seq), events.map((_, i) => i + 1), "no gaps or duplicates");
  for (const id of ["t1", "t2", "t3", "t4", "t5"]) {
    assert.equal(events.filter((e) => e.event === "branch_completed" && e.branch_id === id).length, 1, `${id} completed once`);
  }
  assert.equal(events.filter((e) => e.event === "run_completed").length, 1);
}

/** Waits for the run through start_workflow's idempotent run_id, on the server that resumed it. */
async function finish(client: Parameters<typeof call>[0], runId: string): Promise<Status> {
  return call<Status>(client, "start_workflow", fiveTaskRequest({ approvals: [], run_id: runId, wait_seconds: 60 }));
}

test("SIGKILL between supersteps: the run resumes on restart and finished branches are not run again", { skip: only2025 }, async () => {
  // Checkpoints: input, step 0, then one per superstep (analyzer, coordinator, branches): the 5th follows the first sync point's branches (t4, t1; a
  // sync point's ready branches are one superstep, worked through the run's window one at a time).
  const first = await connectSampling(respond, [], { env: { CONDUCTOR_FAILPOINT_KILL_AFTER_CHECKPOINTS: "5" } });
  await call(first.client, "start_workflow", fiveTaskRequest({ approvals: [], mode: "sequential", run_id: "killed-between", wait_seconds: 0, sync_points: { first: ["t4", "t1"], rest: ["t2", "t3", "t5"] } }));
  await first.closed;
  const before = executed(first.stats.perBranch);
  assert.deepEqual(before, ["t1", "t4"], `the first sync point's branches ran before the kill: ${before}`);

  const second = await connectSampling(respond, [], { dbPath: first.dbPath });
  try {
    const done = await finish(second.client, "killed-between");
    assert.equal(done.status, "completed");
    const after = executed(second.stats.perBranch);
    assert.deepEqual([...before, ...after].sort(), ["t1", "t2", "t3", "t4", "t5"], `before ${before}, after ${after}: each branch ran once`);
    const events = await timeline(second.client, "killed-between");
    assertCleanTimeline(events);
    assert.equal(events.filter((e) => e.event === "run_recovered").length, 1);
  } finally {
    await second.close();
  }
});

test("SIGKILL before the run's first checkpoint: the next process starts it from its stored request", { skip: only2025 }, async () => {
  const first = await connectSampling(respond, [], { env: { CONDUCTOR_FAILPOINT_KILL_AFTER_CHECKPOINTS: "0" } });
  // The process may die before it answers (the kill comes as the run's first checkpoint is written): wait for the exit.
  void call(first.client, "start_workflow", fiveTaskRequest({ approvals: [], mode: "sequential", run_id: "killed-at-start", wait_seconds: 0 })).catch(() => undefined);
  await first.closed;
  await first.client.close(); // over HTTP the unanswered call would otherwise wait out its 60 s timeout
  assert.deepEqual(executed(first.stats.perBranch), [], "nothing ran before the kill");

  const second = await connectSampling(respond, [], { dbPath: first.dbPath });
  try {
    const done = await finish(second.client, "killed-at-start");
    assert.equal(done.status, "completed", JSON.stringify(done));
    assert.deepEqual(executed(second.stats.perBranch), ["t1", "t2", "t3", "t4", "t5"]);
    const events = await timeline(second.client, "killed-at-start");
    assertCleanTimeline(events);
    assert.equal(events.filter((e) => e.event === "mode_selected")[0]?.data?.mode, "sequential", "the stored request's mode");
  } finally {
    await second.close();
  }
});

// sqliteOnly: polls the SQLite file (better-sqlite3) for the saved branch writes before the kill.
test("SIGKILL while branches run: the finished ones are kept, the ones in flight run again", { skip: sqliteOnly || only2025 }, async () => {
  const { script, asked: allAsked } = whenAsked(5, (req) => (req.branch_id === "t1" || req.branch_id === "t2" ? respond(req) : "silent"));
  const first = await connectSampling(script);
  await call(first.client, "start_workflow", fiveTaskRequest({ approvals: [], mode: "parallel", run_id: "killed-running", wait_seconds: 0 }));
  await allAsked;
  const db = new Database(first.dbPath, { readonly: true, fileMustExist: true });
  // Branch results written against the latest checkpoint: the superstep in flight (not an earlier one).
  const saved = db.prepare(`SELECT COUNT(DISTINCT task_id) AS n FROM writes WHERE thread_id = @t AND channel = 'completed_branches'
    AND checkpoint_id = (SELECT MAX(checkpoint_id) FROM checkpoints WHERE thread_id = @t)`);
  for (let i = 0; (saved.get({ t: "killed-running" }) as { n: number }).n < 2; i++) {
    assert.ok(i < 10_000, "t1 and t2 were saved");
    await new Promise((r) => setImmediate(r));
  }
  db.close();
  process.kill(first.pid, "SIGKILL");
  await first.closed;

  const second = await connectSampling(respond, [], { dbPath: first.dbPath });
  try {
    const done = await finish(second.client, "killed-running");
    assert.equal(done.status, "completed");
    assert.deepEqual(executed(second.stats.perBranch), ["t3", "t4", "t5"], "t1 and t2 were not executed again");
    assertCleanTimeline(await timeline(second.client, "killed-running"));
  } finally {
    await second.close();
  }
});

// sqliteOnly: reads the run's row from the SQLite file (better-sqlite3) after the SIGTERM.
test("SIGTERM: branches in flight are recorded as interrupted, and the next start resumes them", { skip: sqliteOnly || only2025 }, async () => {
  const { script, asked: allAsked } = whenAsked(5);
  const first = await connectSampling(script);
  await call(first.client, "start_workflow", fiveTaskRequest({ approvals: [], mode: "parallel", run_id: "terminated", wait_seconds: 0 }));
  await allAsked;
  process.kill(first.pid, "SIGTERM");
  await first.closed;
  const db = new Database(first.dbPath, { readonly: true, fileMustExist: true });
  const row = db.prepare("SELECT status, owner FROM conductor_runs WHERE run_id = 'terminated'").get() as { status: string; owner: string | null };
  db.close();
  assert.deepEqual(row, { status: "running", owner: null }, "still running, lease released");

  const second = await connectSampling(respond, [], { dbPath: first.dbPath });
  try {
    const done = await finish(second.client, "terminated");
    assert.equal(done.status, "completed");
    const events = await timeline(second.client, "terminated");
    const names = events.map((e) => e.event);
    assert.ok(names.indexOf("run_interrupted") < names.indexOf("run_recovered"), "interrupted, then recovered");
    assertCleanTimeline(events);
  } finally {
    await second.close();
  }
});
