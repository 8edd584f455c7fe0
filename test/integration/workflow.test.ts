/**
 * The workflow through a real MCP client: pauses, approvals, revisions, rejection, failures, sync points.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { call, connect, FIXTURES, type Connected } from "../helpers/server.js";
import { fiveTaskRequest, readJson, timeline, type Status } from "../helpers/workflow.js";

describe("start_workflow / approve_interrupt", () => {
  let s: Connected;
  before(async () => { s = await connect({ args: ["--allow-dir", FIXTURES] }); });
  after(async () => { await s.close(); });

  test("a five-task run pauses at sync_point, then quality, and completes with every branch", async () => {
    const started = await call<Status>(s.client, "start_workflow", fiveTaskRequest());
    assert.equal(started.status, "interrupted");
    assert.equal(started.pending_interrupts.length, 1);
    assert.equal(started.pending_interrupts[0]!.point, "sync_point");
    assert.deepEqual(started.pending_interrupts[0]!.options, ["approve", "revise", "reject"]);
    assert.match(started.pending_interrupts[0]!.summary, /5 of 5 branches completed/);
    assert.deepEqual(started.progress, { branches_total: 5, branches_completed: 5, branches_failed: 0 });

    const atQuality = await call<Status>(s.client, "approve_interrupt", { run_id: started.run_id, decision: "approve" });
    assert.equal(atQuality.status, "interrupted");
    assert.equal(atQuality.pending_interrupts[0]!.point, "quality");

    const done = await call<Status>(s.client, "approve_interrupt", { run_id: started.run_id, decision: "approve", interrupt_id: atQuality.pending_interrupts[0]!.interrupt_id });
    assert.equal(done.status, "completed");
    assert.equal(done.progress.branches_completed, 5);
    const shares = done.result!.source_attribution;
    assert.deepEqual(Object.keys(shares).sort(), ["t1", "t2", "t3", "t4", "t5"]);
    assert.ok(Math.abs(Object.values(shares).reduce((a, b) => a + b, 0) - 1) < 1e-9);
    assert.match(done.result!.report, /systolic array/);
    assert.match(done.result!.report, /technical\.md/);
    assert.match(done.result!.report, /units_k/);
    assert.doesNotMatch(done.result!.report, /coffee machine/);

    const events = await timeline(s.client, started.run_id);
    assert.deepEqual(events.map((e) => e.seq), events.map((_, i) => i + 1), "seq is dense");
    const pauses = events.filter((e) => e.event === "interrupted").map((e) => e.data!.point);
    assert.deepEqual(pauses, ["sync_point", "quality"], "waves inside one sync point do not pause");
    const routed = Object.fromEntries(events.filter((e) => e.event === "branch_dispatched").map((e) => [e.branch_id, e.node]));
    assert.deepEqual(routed, {
      t1: "research_branch_alpha", t2: "research_branch_beta", t3: "research_branch_gamma",
      t4: "analysis_branch_primary", t5: "analysis_branch_secondary",
    });
    assert.equal(events.at(-1)!.event, "run_completed");
  });

  test("approvals: [] completes in one call", async () => {
    const done = await call<Status>(s.client, "start_workflow", fiveTaskRequest({ approvals: [] }));
    assert.equal(done.status, "completed");
    assert.equal(done.result!.failed_branches.length, 0);
    assert.ok(done.result!.quality_score >= 0.7, `quality ${done.result!.quality_score}`);
  });

  test("revise at the sync point takes the load balancer route with the feedback", async () => {
    const started = await call<Status>(s.client, "start_workflow", fiveTaskRequest({ approvals: ["sync_point"] }));
    const again = await call<Status>(s.client, "approve_interrupt", { run_id: started.run_id, decision: "revise", feedback: "focus on power efficiency" });
    assert.equal(again.status, "interrupted", "pauses once more after the revision round");
    assert.equal(again.pending_interrupts[0]!.point, "sync_point");
    const events = await timeline(s.client, started.run_id);
    const names = events.map((e) => `${e.event}${e.node ? `:${e.node}` : ""}`);
    const revised = names.indexOf("revision_requested:sync_point_manager");
    assert.ok(revised > 0, "revision_requested recorded");
    assert.ok(names.indexOf("node_started:load_balancer") > revised, "load_balancer runs after the revision request");
    assert.ok(events.some((e) => e.event === "branch_retried" && e.data!.reason === "revision"));
    const run = await readJson<{ tasks: Array<{ id: string; feedback?: string[] }> }>(s.client, `orchestrator://runs/${started.run_id}`);
    assert.ok(run.tasks.some((t) => t.feedback?.includes("focus on power efficiency")), "feedback attached to a revised task");
    const done = await call<Status>(s.client, "approve_interrupt", { run_id: started.run_id, decision: "approve" });
    assert.equal(done.status, "completed");
    assert.equal(done.result!.revisions, 1);
  });

  test("reject ends the run cancelled and keeps its timeline", async () => {
    const started = await call<Status>(s.client, "start_workflow", fiveTaskRequest());
    const done = await call<Status>(s.client, "approve_interrupt", { run_id: started.run_id, decision: "reject", feedback: "not now" });
    assert.equal(done.status, "cancelled");
    assert.equal(done.pending_interrupts.length, 0);
    const events = await timeline(s.client, started.run_id);
    assert.equal(events.at(-1)!.event, "run_cancelled");
    assert.ok(events.length > 10);
  });

  test("a failing branch is recorded as failed and does not fail the run", async () => {
    const request = fiveTaskRequest({ approvals: [] }) as { tasks: Array<Record<string, unknown>> };
    request.tasks[4]!.inputs = [{ path: path.join(FIXTURES, "malformed.csv") }];
    const done = await call<Status>(s.client, "start_workflow", request);
    assert.equal(done.status, "completed");
    assert.deepEqual(done.progress, { branches_total: 5, branches_completed: 4, branches_failed: 1 });
    assert.equal(done.result!.failed_branches[0]!.branch_id, "t5");
    assert.match(done.result!.failed_branches[0]!.error, /malformed\.csv.*CSV/);
    assert.equal(done.result!.partial, true);
    assert.equal(done.result!.source_attribution.t5, undefined);
    assert.match(done.result!.report, /## What failed/);
  });

  test("sync points run in order, dependencies first, one pause per point", async () => {
    const request = fiveTaskRequest({ approvals: ["sync_point"], sync_points: { research: ["t1", "t2", "t3"], analysis: ["t4", "t5"] } }) as { tasks: Array<Record<string, unknown>> };
    request.tasks[4]!.depends_on = ["t4"];
    const first = await call<Status>(s.client, "start_workflow", request);
    assert.equal(first.pending_interrupts[0]!.payload.sync_point, "research");
    assert.equal(first.progress.branches_completed, 3);
    const second = await call<Status>(s.client, "approve_interrupt", { run_id: first.run_id, decision: "approve" });
    assert.equal(second.pending_interrupts[0]!.payload.sync_point, "analysis");
    const done = await call<Status>(s.client, "approve_interrupt", { run_id: first.run_id, decision: "approve" });
    assert.equal(done.status, "completed");
    const dispatched = (await timeline(s.client, first.run_id)).filter((e) => e.event === "branch_dispatched").map((e) => e.branch_id);
    assert.deepEqual(dispatched.slice(0, 3).sort(), ["t1", "t2", "t3"]);
    assert.deepEqual(dispatched.slice(3), ["t4", "t5"], "t5 waits for t4");
  });

  test("sequential mode works one branch at a time, high priority first, and the timeline says the caller chose it", async () => {
    const done = await call<Status>(s.client, "start_workflow", fiveTaskRequest({ approvals: [], mode: "sequential" }));
    assert.equal(done.workflow_mode, "sequential");
    const events = await timeline(s.client, done.run_id);
    const mode = events.find((e) => e.event === "mode_selected")!;
    assert.equal(mode.data!.source, "caller");
    assert.equal(mode.data!.wave_size, 1);
    // Every ready branch is dispatched at once; the run's window of one works them in turn, in dispatch order.
    assert.deepEqual(events.filter((e) => e.event === "branch_dispatched").map((e) => e.branch_id), ["t4", "t1", "t2", "t3", "t5"], "high priority first");
    assert.deepEqual(events.filter((e) => e.event === "branch_completed").map((e) => e.branch_id), ["t4", "t1", "t2", "t3", "t5"], "one after another");
  });

  test("run_id is an idempotency key", async () => {
    const first = await call<Status>(s.client, "start_workflow", fiveTaskRequest({ approvals: [], run_id: "idem-1" }));
    const second = await call<Status>(s.client, "start_workflow", fiveTaskRequest({ approvals: [], run_id: "idem-1" }));
    assert.equal(second.run_id, "idem-1");
    assert.equal(second.timeline_length, first.timeline_length, "not run again");
  });
});
