import assert from "node:assert/strict";
import { test } from "node:test";
import { RunWindows } from "../../src/orchestration/run-windows.js";

test("a run's window admits `size` branches; the next enters the moment one leaves; runs do not share a window", async () => {
  const windows = new RunWindows();
  const order: string[] = [];
  const leaves = new Map<string, () => void>();
  const enter = (run: string, id: string) => windows.enter(run, 2, undefined).then((leave) => {
    order.push(id);
    leaves.set(id, leave);
  });
  const all = ["a1", "a2", "a3", "a4"].map((id) => enter("a", id));
  const other = enter("b", "b1");
  await other;
  await Promise.resolve();
  assert.deepEqual(order, ["a1", "a2", "b1"], "b's branch does not wait for a's window");
  assert.equal(windows.inside("a"), 2);
  leaves.get("a2")!();
  await all[2];
  assert.deepEqual(order, ["a1", "a2", "b1", "a3"], "a3 enters as soon as a2 leaves, a1 still working");
  leaves.get("a1")!();
  leaves.get("a1")!(); // leaving twice frees one place only
  await all[3];
  assert.equal(windows.inside("a"), 2);
  for (const id of ["a3", "a4", "b1"]) leaves.get(id)!();
  assert.equal(windows.inside("a"), 0);
});

test("a branch waiting for the window leaves it when its run is cancelled", async () => {
  const windows = new RunWindows();
  const leave = await windows.enter("r", 1);
  const controller = new AbortController();
  const waiting = windows.enter("r", 1, controller.signal);
  const reason = new Error("run cancelled");
  controller.abort(reason);
  await assert.rejects(waiting, (e: unknown) => e === reason);
  leave();
  assert.equal(windows.inside("r"), 0);
  (await windows.enter("r", 1))();
});

test("branches arriving in one turn enter in their dispatch order, not their arrival order", async () => {
  const windows = new RunWindows();
  const order: number[] = [];
  const go = (position: number) => windows.enter("r", 1, undefined, position).then((leave) => {
    order.push(position);
    setImmediate(leave);
  });
  await Promise.all([go(3), go(1), go(2), go(0)]);
  assert.deepEqual(order, [0, 1, 2, 3]);
});
