/**
 * The recovery routes end to end: timeout_recovery with retries and the secondary -> primary move, and
 * the critical failure that ends a run `failed` with its partial report.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { call, connect, FIXTURES, type Connected } from "../helpers/server.js";
import { sample, timeline, type Status } from "../helpers/workflow.js";

describe("recovery routes", () => {
  let s: Connected;
  before(async () => { s = await connect({ args: ["--allow-dir", FIXTURES] }); });
  after(async () => { await s.close(); });

  test("progress below 0.75 retries the failed branch on the primary node, then merges what there is", async () => {
    const done = await call<Status>(s.client, "start_workflow", {
      objective: "Shipments and a broken table",
      approvals: [],
      quality_threshold: 0.5,
      tasks: [
        { type: "analysis", priority: "high", description: "shipment units trend", inputs: [{ name: "shipments.csv", text: sample("shipments.csv") }] },
        { type: "analysis", priority: "normal", description: "broken table", inputs: [{ path: path.join(FIXTURES, "malformed.csv") }] },
      ],
    });
    assert.equal(done.status, "completed");
    assert.deepEqual(done.progress, { branches_total: 2, branches_completed: 1, branches_failed: 1 });
    const events = await timeline(s.client, done.run_id);
    const retries = events.filter((e) => e.event === "branch_retried");
    assert.equal(retries.length, 2, "two retries (retry_attempts 2), then no more");
    assert.ok(retries.every((e) => e.branch_id === "t2" && e.data!.reason === "recovery"));
    assert.equal(retries[0]!.data!.moved_from, "analysis_branch_secondary");
    assert.equal(retries[0]!.node, "analysis_branch_primary");
    const failures = events.filter((e) => e.event === "branch_failed" && e.branch_id === "t2");
    assert.deepEqual(failures.map((e) => e.node), ["analysis_branch_secondary", "analysis_branch_primary", "analysis_branch_primary"]);
    assert.ok(events.filter((e) => e.event === "node_started" && e.node === "load_balancer").length === 2);
  });

  test("no evidence at all ends the run failed with the reason and a partial report", async () => {
    const done = await call<Status>(s.client, "start_workflow", {
      objective: "Nothing to go on",
      approvals: [],
      executor: "builtin",
      max_revisions: 1,
      tasks: [{ type: "research", description: "market size" }, { type: "research", description: "competitors" }],
    });
    assert.equal(done.status, "failed");
    assert.match(done.error!, /quality 0\.05 < threshold 0\.7 after 1 revision/);
    assert.match(done.result!.report, /^# Incomplete report: Nothing to go on/);
    assert.equal(done.result!.revisions, 1);
    const events = await timeline(s.client, done.run_id);
    assert.equal(events.filter((e) => e.event === "revision_requested").length, 1);
    assert.equal(events.at(-1)!.event, "run_failed");
  });
});
