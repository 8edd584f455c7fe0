/**
 * A template's timeout_seconds and retry_attempts bound its agent's branches below the run's own settings.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Send } from "@langchain/langgraph";
import { isRetryable } from "../../src/orchestration/sync.js";
import { dispatchBranches } from "../../src/orchestration/nodes/parallel-coordinator.js";
import type { BranchAssignment, State } from "../../src/orchestration/state.js";
import { branch, byId, options, result } from "../helpers/state-factories.js";

const failed = (id: string) => result(id, { status: "timed_out", error: "timed out" });
/** The fields dispatchBranches reads (a whole State is not needed for a router). */
const stateOf = (overrides: Partial<State>): State => ({ objective: "o", completed_branches: {}, wave_size: 1, ...overrides }) as State;

test("a template's retry_attempts stops retries before the run's retry_attempts would", () => {
  const b = branch("b1", { retries: 1, retry_attempts: 1 });
  const state = { active_branches: byId([b]), completed_branches: byId([failed("b1")]), options: { ...options, retry_attempts: 2 } };
  assert.equal(isRetryable(b, state), false);
  assert.equal(isRetryable({ ...b, retry_attempts: 3 }, state), true, "the run's 2 still allows a second retry");
  assert.equal(isRetryable({ ...b, retry_attempts: undefined }, state), true, "a branch from an older checkpoint keeps the run's bound");
});

test("a template's timeout_seconds bounds the branch's timeout below the run's", () => {
  const task = { id: "b1", type: "research" as const, description: "d", priority: "normal" as const, depends_on: [], inputs: [] };
  const timeoutOf = (b: ReturnType<typeof branch>) => {
    const sends = dispatchBranches(stateOf({ workflow_id: "r", task_queue: [task], active_branches: byId([b]), options: { ...options, branch_timeout_seconds: 60 } }));
    assert.ok(Array.isArray(sends));
    return ((sends as Send[])[0]!.args as BranchAssignment).timeout_seconds;
  };
  assert.equal(timeoutOf(branch("b1", { timeout_seconds: 5 })), 5);
  assert.equal(timeoutOf(branch("b1", { timeout_seconds: 600 })), 60, "the run's timeout still bounds it");
  assert.equal(timeoutOf(branch("b1")), 60);
});
