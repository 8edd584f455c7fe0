import { test } from "node:test";
import assert from "node:assert/strict";
import { RunQueue } from "../../src/runs/run-queue.js";

const tick = () => new Promise((r) => setImmediate(r));

function queue() {
  const failed: Array<[string, unknown]> = [];
  const drained: string[] = [];
  return { q: new RunQueue({ failed: (id, e) => failed.push([id, e]), drained: (id) => drained.push(id) }), failed, drained };
}

test("a run's work runs one piece at a time, in order; other runs' work is not held up", async () => {
  const { q, drained } = queue();
  const log: string[] = [];
  let release!: () => void;
  q.enqueue("a", () => new Promise<void>((r) => { log.push("a1 start"); release = () => { log.push("a1 end"); r(); }; }));
  q.enqueue("a", async () => { log.push("a2"); });
  q.enqueue("b", async () => { log.push("b1"); });
  await tick();
  assert.deepEqual(log, ["a1 start", "b1"]);
  assert.equal(q.isBusy("a"), true);
  assert.ok(q.runIds().includes("a"));
  release();
  await tick();
  await tick();
  assert.deepEqual(log, ["a1 start", "b1", "a1 end", "a2"]);
  assert.equal(q.isBusy("a"), false);
  assert.equal(q.size(), 0);
  assert.deepEqual(drained.sort(), ["a", "b"], "drained once each, when the last piece is done");
});

test("enqueued work that throws is reported and does not stop the run's next work", async () => {
  const { q, failed } = queue();
  const boom = new Error("boom");
  let ran = false;
  q.enqueue("a", async () => { throw boom; });
  q.enqueue("a", async () => { ran = true; });
  await tick();
  await tick();
  assert.deepEqual(failed, [["a", boom]]);
  assert.equal(ran, true);
});

test("exclusive work waits for the queue and gives its result, or its error, to the caller", async () => {
  const { q, drained } = queue();
  const order: string[] = [];
  q.enqueue("a", async () => { await tick(); order.push("first"); });
  const value = await q.exclusive("a", async () => { order.push("exclusive"); return 42; });
  assert.equal(value, 42);
  assert.deepEqual(order, ["first", "exclusive"]);
  await assert.rejects(q.exclusive("a", async () => { throw new Error("no"); }), /no/);
  await tick();
  assert.equal(q.isBusy("a"), false, "nothing left once exclusive work is over");
  assert.deepEqual(drained, [], "neither announces a settled run: the enqueued piece was followed by more, and exclusive work never does (a resume's invocation, enqueued after it, does)");
});
