import assert from "node:assert/strict";
import { test } from "node:test";
import { FairLimiter } from "../../src/agents/models/fair-limiter.js";

test("never more than the limit in flight; freed slots go round-robin across runs", async () => {
  const limiter = new FairLimiter(2);
  const order: string[] = [];
  const releases: Array<() => void> = [];
  const take = (run: string, i: number) => limiter.acquire(run).then((release) => {
    order.push(`${run}${i}`);
    releases.push(release);
    assert.ok(limiter.inFlight <= 2);
  });
  // The big run queues 6 calls first, then a small run 2.
  const all = [...Array.from({ length: 6 }, (_, i) => take("big", i)), take("small", 0), take("small", 1)];
  await Promise.resolve();
  assert.deepEqual(order, ["big0", "big1"]);
  assert.equal(limiter.waiting, 6);
  while (releases.length > 0) {
    releases.shift()!();
    await new Promise((resolve) => setImmediate(resolve));
  }
  await Promise.all(all);
  // After the first two, the small run's calls are served in turn with the big run's, not after all of them.
  assert.deepEqual(order, ["big0", "big1", "big2", "small0", "big3", "small1", "big4", "big5"]);
  assert.equal(limiter.inFlight, 0);
});

test("an aborted waiter leaves the queue and rejects with the signal's reason", async () => {
  const limiter = new FairLimiter(1);
  const release = await limiter.acquire("a");
  const controller = new AbortController();
  const waiting = limiter.acquire("b", controller.signal);
  const reason = new Error("branch timed out");
  controller.abort(reason);
  await assert.rejects(waiting, (e: unknown) => e === reason);
  assert.equal(limiter.waiting, 0);
  release();
  assert.equal(limiter.inFlight, 0);
  const again = await limiter.acquire("c");
  again();
  again(); // a second release is a no-op
  assert.equal(limiter.inFlight, 0);
});
