/**
 * Every error case of the contract is a tool result with isError and a message that says what to do.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { call, callError, connect, FIXTURES, type Connected } from "../helpers/server.js";
import { fiveTaskRequest, type Status } from "../helpers/workflow.js";

describe("tool errors", () => {
  let s: Connected;
  let completed: Status;
  before(async () => {
    s = await connect();
    completed = await call<Status>(s.client, "start_workflow", fiveTaskRequest({ approvals: [] }));
  });
  after(async () => { await s.close(); });

  const research = (extra: Record<string, unknown> = {}) => ({ type: "research", description: "d", inputs: [{ name: "a", text: "some words here" }], ...extra });

  test("start_workflow rejects invalid arguments", async () => {
    assert.match(await callError(s.client, "start_workflow", { tasks: [research()] }), /objective/);
    assert.match(await callError(s.client, "start_workflow", { objective: "o", tasks: [] }), /tasks/);
    assert.match(await callError(s.client, "start_workflow", { objective: "o", tasks: [research({ type: "poetry" })] }), /type/);
    assert.match(await callError(s.client, "start_workflow", { objective: "o", tasks: [research()], quality_threshold: 2 }), /quality_threshold/);
    assert.match(await callError(s.client, "start_workflow", { objective: "x".repeat(4001), tasks: [research()] }), /objective/);
    assert.match(await callError(s.client, "start_workflow", { objective: "o", tasks: [research()], run_id: ".." }), /not only dots/, "found by the fuzz test: orchestrator://runs/.. is orchestrator://runs/");
  });

  test("start_workflow rejects inconsistent tasks with what to do", async () => {
    assert.match(await callError(s.client, "start_workflow", { objective: "o", tasks: [research({ id: "a" }), research({ id: "a" })] }), /task id "a" is used twice/);
    assert.match(await callError(s.client, "start_workflow", { objective: "o", tasks: [research({ depends_on: ["zz"] })] }), /unknown task "zz"; known ids: t1/);
    assert.match(await callError(s.client, "start_workflow", { objective: "o", tasks: [research({ depends_on: ["t2"] }), research({ depends_on: ["t1"] })] }), /cycle: t1 -> t2 -> t1/);
    assert.match(await callError(s.client, "start_workflow", { objective: "o", tasks: [research()], sync_points: { a: ["t9"] } }), /sync point "a" names unknown task "t9"/);
    assert.match(await callError(s.client, "start_workflow", { objective: "o", tasks: [research()], executor: "sampling" }), /executor "sampling" needs a client that declares the sampling capability.*"delegate".*"builtin"/);
  });

  test("start_workflow never reads a path outside the allowed directories", async () => {
    assert.match(await callError(s.client, "start_workflow", { objective: "o", tasks: [research({ inputs: [{ path: "/etc/passwd" }] })] }), /no directory is allowed.*--allow-dir/);
    const allowed = await connect({ args: ["--allow-dir", FIXTURES] });
    try {
      assert.match(await callError(allowed.client, "start_workflow", { objective: "o", tasks: [research({ inputs: [{ path: "/etc/passwd" }] })] }), /outside the allowed directories/);
      assert.match(await callError(allowed.client, "start_workflow", { objective: "o", tasks: [research({ inputs: [{ path: path.join(FIXTURES, "../../package.json") }] })] }), /outside the allowed directories/);
      assert.match(await callError(allowed.client, "start_workflow", { objective: "o", tasks: [research({ inputs: [{ path: "nope.md" }] })] }), /does not exist/);
    } finally {
      await allowed.close();
    }
  });

  test("approve_interrupt: unknown run, finished run, wrong interrupt, no revisions left", async () => {
    assert.match(await callError(s.client, "approve_interrupt", { run_id: "r-9", decision: "approve" }), /unknown run_id "r-9"; list runs with the resource orchestrator:\/\/runs/);
    assert.match(await callError(s.client, "approve_interrupt", { run_id: completed.run_id, decision: "approve" }), /is completed; there is nothing to approve/);
    assert.match(await callError(s.client, "approve_interrupt", { run_id: completed.run_id, decision: "maybe" }), /decision/);
    const paused = await call<Status>(s.client, "start_workflow", fiveTaskRequest({ approvals: ["quality"], max_revisions: 0 }));
    assert.match(await callError(s.client, "approve_interrupt", { run_id: paused.run_id, decision: "approve", interrupt_id: "nope" }), /interrupt "nope" is not pending.*quality/);
    assert.deepEqual(paused.pending_interrupts[0]!.options, ["approve", "reject"]);
    assert.match(await callError(s.client, "approve_interrupt", { run_id: paused.run_id, decision: "revise" }), /no revisions left/);
    assert.match(await callError(s.client, "approve_interrupt", { run_id: paused.run_id, decision: "approve", branch_results: [{ branch_id: "t1", findings: ["x"] }] }), /has no pending branch_work interrupt; branch_results answer the delegate executor's work orders/);
    const done = await call<Status>(s.client, "approve_interrupt", { run_id: paused.run_id, decision: "approve" });
    assert.equal(done.status, "completed", "the run still waited after the rejected calls");
  });

  test("get_timeline: unknown run, unknown event, bad limit", async () => {
    assert.match(await callError(s.client, "get_timeline", { run_id: "r-9" }), /unknown run_id "r-9"/);
    assert.match(await callError(s.client, "get_timeline", { run_id: completed.run_id, event: "exploded" }), /unknown event "exploded"; use one of run_started/);
    assert.match(await callError(s.client, "get_timeline", { run_id: completed.run_id, limit: 0 }), /limit/);
  });

  test("get_timeline pages and filters", async () => {
    const first = await call<{ events: Array<{ seq: number }>; next_since: number; total: number }>(s.client, "get_timeline", { run_id: completed.run_id, limit: 5 });
    assert.deepEqual(first.events.map((e) => e.seq), [1, 2, 3, 4, 5]);
    const next = await call<{ events: Array<{ seq: number }>; next_since: number }>(s.client, "get_timeline", { run_id: completed.run_id, since: first.next_since, limit: 5 });
    assert.deepEqual(next.events.map((e) => e.seq), [6, 7, 8, 9, 10]);
    const filtered = await call<{ events: Array<{ event: string }>; total: number }>(s.client, "get_timeline", { run_id: completed.run_id, event: "branch_completed" });
    assert.equal(filtered.total, 5);
    assert.ok(filtered.events.every((e) => e.event === "branch_completed"));
  });
});
