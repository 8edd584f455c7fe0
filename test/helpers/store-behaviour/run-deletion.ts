/**
 * Deleting runs, the same on both backends: deleteRuns removes a finished run and every row of it (its inputs,
 * timeline, branch results, usage ledger, agents and checkpoints) and nothing of another run; a deleted id stays its
 * principal's; a running or paused run is left as it is. finishedBefore lists what retention may delete.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { emptyCheckpoint } from "@langchain/langgraph-checkpoint";
import type { Storage } from "../../../src/storage/storage.js";
import { agent, at, newRun, withStores, type OpenStores } from "./harness.js";

/** A run with a row in every table a run has: an input, events, a branch result, a reservation, an agent, two checkpoints and a pending write. */
async function fullRun(s: Storage, runId: string, principal = "p"): Promise<void> {
  assert.ok(await s.runs.create(newRun(runId, principal, { inputs: [{ task_id: "t1", idx: 0, name: "doc", text: `the text of ${runId}` }] })));
  await s.timeline.append(runId, [{ key: "start", event: "run_started", data: { tasks: 1 } }, { key: "n1", event: "node_started", node: "analyze" }]);
  await s.results.put(runId, "t1", 1, { findings: [{ text: `a finding of ${runId}`, source: "doc" }] } as never);
  await s.usage.reserve({ run_id: runId, call_key: "c1", model: "openai:m", tokens: 100, cost_usd: 0 });
  await s.agents.record([agent(`agent-of-${runId}`, "research_specialist", { principal, run_id: runId })]);
  let config = { configurable: { thread_id: runId, checkpoint_ns: "" } };
  for (let i = 0; i < 2; i++) {
    // A map of 16 objects: SQLite stores it entry by entry (checkpoint-entries.ts).
    const branches = Object.fromEntries(Array.from({ length: 16 }, (_, k) => [`b${k}`, { status: "completed", note: `branch ${k} of ${runId}, round ${i}` }]));
    const checkpoint = { ...emptyCheckpoint(), id: `0000000${i}`, channel_values: { objective: `the objective of ${runId}`, completed_branches: branches }, channel_versions: { objective: i + 1, completed_branches: i + 1 } };
    config = await (await s.checkpointer()).put(config, checkpoint, { source: "loop", step: i, parents: {} }, { objective: i + 1, completed_branches: i + 1 }) as typeof config;
  }
  await (await s.checkpointer()).putWrites(config, [["objective", "pending"]], "task-1");
}

export function defineRunDeletionBehaviour(open: OpenStores): void {
  describe("run deletion", () => {
    test("deleteRuns: a finished run and every row of it go, another run's stay; its id stays its principal's", () => withStores(open, async (h) => {
      const { a, b } = h;
      await fullRun(a, "r1");
      await fullRun(a, "r2");
      assert.equal(await b.runs.principalOf("r1"), "p");
      const before = await h.backdoor.rowsOf("r1");
      for (const [table, n] of Object.entries(before)) if (h.backend === "sqlite" || table !== "entries") assert.ok(n > 0, `${table} has rows of r1 to delete`);
      await a.runs.update("r1", { status: "completed" });
      assert.equal((await a.deleteRuns(["r1"]))[0], "deleted");
      assert.deepEqual(Object.values(await h.backdoor.rowsOf("r1")).filter((n) => n > 0), [], JSON.stringify(await h.backdoor.rowsOf("r1")));
      assert.deepEqual(await h.backdoor.rowsOf("r2"), before, "the other run is untouched");
      assert.equal(await a.runs.get("r1"), undefined);
      assert.equal(await a.runs.principalOf("r1"), undefined);
      assert.equal((await a.deleteRuns(["r1"]))[0], "unknown");
      assert.deepEqual((await (await a.checkpointer()).getTuple({ configurable: { thread_id: "r1", checkpoint_ns: "" } })), undefined);
      // Another principal may not take the id (a process that remembers its owner must stay right), its own may.
      assert.equal(await b.runs.create(newRun("r1", "q")), false);
      assert.equal(await a.runs.create(newRun("r1", "q")), false);
      assert.equal(await b.runs.create(newRun("r1", "p")), true);
      assert.equal(await b.runs.principalOf("r1"), "p");
    }));

    test("deleteRuns leaves a running or paused run as it is and answers its status", () => withStores(open, async (h) => {
      const { a } = h;
      await fullRun(a, "r1");
      const rows = await h.backdoor.rowsOf("r1");
      assert.equal((await a.deleteRuns(["r1"]))[0], "running");
      await a.runs.update("r1", { status: "interrupted" });
      assert.equal((await a.deleteRuns(["r1"]))[0], "interrupted");
      assert.deepEqual(await h.backdoor.rowsOf("r1"), rows);
      await a.runs.update("r1", { status: "failed", error: "boom" });
      await fullRun(a, "r2");
      await a.runs.update("r2", { status: "cancelled" });
      assert.deepEqual(await a.deleteRuns(["r1", "nope", "r2", "r1"]), ["deleted", "unknown", "deleted", "unknown"], "each answered in order");
      assert.deepEqual(await a.deleteRuns([]), []);
    }));

    test("finishedBefore: finished runs last changed before the time, oldest first, ties by run_id; never running or paused ones", () => withStores(open, async (h) => {
      const { a, b } = h;
      const runs: Array<[string, "completed" | "failed" | "cancelled" | "running" | "interrupted", number]> = [
        ["old-b", "completed", 10], ["old-a", "cancelled", 10], ["older", "failed", 5], ["running", "running", 1], ["paused", "interrupted", 1], ["new", "completed", 100],
      ];
      for (const [id, status, time] of runs) {
        await a.runs.create(newRun(id));
        if (status !== "running") await a.runs.update(id, { status });
        await h.backdoor.setRunUpdatedAt(id, at(time));
      }
      assert.deepEqual(await b.runs.finishedBefore(at(50), 10), ["older", "old-a", "old-b"]);
      assert.deepEqual(await b.runs.finishedBefore(at(50), 2), ["older", "old-a"]);
      assert.deepEqual(await b.runs.finishedBefore(at(5), 10), [], "strictly before");
      assert.deepEqual(await b.runs.finishedBefore(at(1000), 10), ["older", "old-a", "old-b", "new"]);
    }));
  });
}
