import { test } from "node:test";
import assert from "node:assert/strict";
import { UserError } from "../../src/errors.js";
import { assertAwaitsAnswer, decidablePause } from "../../src/runs/run-resumption.js";
import type { PendingInterrupt } from "../../src/runs/run-status.js";

test("only a paused run that nothing is running for takes an answer", () => {
  assert.doesNotThrow(() => assertAwaitsAnswer({ run_id: "r", status: "interrupted" }, false));
  for (const status of ["completed", "failed", "cancelled"] as const) {
    assert.throws(() => assertAwaitsAnswer({ run_id: "r", status }, false), (e: unknown) => e instanceof UserError && e.message === `run "r" is ${status}; there is nothing to approve`);
  }
  assert.throws(() => assertAwaitsAnswer({ run_id: "r", status: "running" }, false), /is running, not waiting at an interrupt/);
  assert.throws(() => assertAwaitsAnswer({ run_id: "r", status: "interrupted" }, true), /is running, not waiting at an interrupt/, "queued work for the run: busy");
});

test("a finished run says so before it says busy", () => {
  assert.throws(() => assertAwaitsAnswer({ run_id: "r", status: "completed" }, true), /is completed; there is nothing to approve/);
});

test("the pause put to the user is the first one that takes a decision, not branch work", () => {
  const p = (interrupt_id: string, point: PendingInterrupt["point"]): PendingInterrupt => ({ interrupt_id, point, summary: "", options: [], payload: {} });
  assert.equal(decidablePause([p("w", "branch_work"), p("q", "quality")])?.interrupt_id, "q");
  assert.equal(decidablePause([p("w", "branch_work")]), undefined);
  assert.equal(decidablePause([]), undefined);
});
