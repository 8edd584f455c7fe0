import { test } from "node:test";
import assert from "node:assert/strict";
import { endedWith, failureOf, settlementOf } from "../../src/runs/run-settlement.js";
import type { RunSnapshot } from "../../src/runs/run-threads.js";
import type { FinalResult } from "../../src/orchestration/state.js";

const result: FinalResult = { report: "r", quality_score: 0.8, source_attribution: {}, integration_confidence: 0.9 } as FinalResult;
const paused = (points: Array<"sync_point" | "quality">): RunSnapshot => ({
  values: { workflow_mode: "parallel" },
  tasks: [{ interrupts: points.map((point, i) => ({ id: `i${i}`, value: { point, summary: `at ${point}` } })) }],
});

test("a pause settles the run interrupted, one event per pending interrupt", () => {
  const s = settlementOf("run-1", paused(["sync_point", "quality"]));
  assert.deepEqual(s.change, { status: "interrupted", workflow_mode: "parallel" });
  assert.deepEqual(s.events.map((e) => e.key), ["interrupted:i0", "interrupted:i1"]);
  assert.deepEqual(s.events[0]!.data, { interrupt_id: "i0", point: "sync_point", summary: "at sync_point" });
  assert.equal(s.ended, false);
  assert.deepEqual(s.pending.map((p) => p.interrupt_id), ["i0", "i1"]);
  assert.equal(s.message, "run run-1 waits at sync_point, quality");
});

test("an interrupt already answered (its task has a result) is not pending", () => {
  const snapshot: RunSnapshot = { values: { outcome: { status: "completed" }, final_result: result }, tasks: [{ interrupts: [{ id: "old" }], result: {} }] };
  assert.equal(settlementOf("run-1", snapshot).change.status, "completed");
});

test("a completed run keeps its result and clears the error", () => {
  const s = settlementOf("run-2", { values: { outcome: { status: "completed" }, final_result: result, workflow_mode: "adaptive" }, tasks: [] });
  assert.deepEqual(s.change, { status: "completed", workflow_mode: "adaptive", result, error: null });
  assert.deepEqual(s.events, [{ key: "run_completed", event: "run_completed", data: { quality_score: 0.8 } }]);
  assert.equal(s.ended, true);
  assert.equal(s.message, "run run-2 completed");
});

test("a run the graph ended failed or cancelled records the reason", () => {
  const failed = settlementOf("run-3", { values: { outcome: { status: "failed", reason: "quality too low" } }, tasks: [] });
  assert.deepEqual(failed.change, { status: "failed", workflow_mode: null, result: undefined, error: "quality too low" });
  assert.deepEqual(failed.events, [{ key: "run_failed", event: "run_failed", data: { reason: "quality too low", quality_score: null } }]);
  assert.equal(failed.message, "run run-3 failed: quality too low");
  const cancelled = settlementOf("run-3", { values: { outcome: { status: "cancelled" } }, tasks: [] });
  assert.equal(cancelled.events[0]!.event, "run_cancelled");
  assert.equal(cancelled.change.error, null);
});

test("a state with neither an outcome nor a pause is an error", () => {
  assert.throws(() => settlementOf("run-4", { values: {}, tasks: [] }), /without an outcome or a pending interrupt/);
});

test("an invocation that threw fails the run with its message", () => {
  assert.deepEqual(failureOf(new Error("boom")), {
    change: { status: "failed", error: "boom" },
    events: [{ key: "run_failed", event: "run_failed", data: { error: "boom" } }],
  });
  assert.equal(failureOf("plain").change.error, "plain");
});

test("an output is the final state only with an outcome and no pending interrupt", () => {
  assert.equal(endedWith({ values: { outcome: { status: "completed" } }, paused: false }), true);
  assert.equal(endedWith({ values: { outcome: null }, paused: false }), false);
  assert.equal(endedWith({ values: { outcome: { status: "completed" } }, paused: true }), false);
});
