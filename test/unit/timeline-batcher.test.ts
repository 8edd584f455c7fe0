import { test } from "node:test";
import assert from "node:assert/strict";
import { TimelineBatcher } from "../../src/runs/timeline-batcher.js";
import type { TimelineStorage } from "../../src/storage/storage.js";
import type { NewTimelineEvent } from "../../src/domain/timeline-event.js";

const ev = (key: string): NewTimelineEvent => ({ key, event: "node_started" });

/** A timeline whose appends are recorded (and may be slow or fail). */
function fakeTimeline(opts: { delayMs?: number; fail?: boolean } = {}) {
  const appends: Array<{ runId: string; keys: string[] }> = [];
  const timeline = {
    async append(runId: string, events: NewTimelineEvent[]) {
      if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
      if (opts.fail) throw new Error("disk full");
      appends.push({ runId, keys: events.map((e) => e.key) });
      return events.length;
    },
  } as unknown as TimelineStorage;
  return { timeline, appends };
}

test("events recorded for a run in one turn go to the store in one append, each caller resolved after it", async () => {
  const { timeline, appends } = fakeTimeline();
  const changed: string[] = [];
  const batcher = new TimelineBatcher(timeline, (id) => changed.push(id));
  let resolved = 0;
  const calls = ["a", "b", "c"].map((k) => batcher.record("r1", [ev(k)]).then(() => { resolved++; assert.equal(appends.length, 1, "stored before resolving"); }));
  const other = batcher.record("r2", [ev("x")]);
  assert.equal(appends.length, 0, "nothing written within the turn");
  await Promise.all([...calls, other]);
  assert.equal(resolved, 3);
  assert.deepEqual(appends, [{ runId: "r1", keys: ["a", "b", "c"] }, { runId: "r2", keys: ["x"] }]);
  assert.deepEqual(changed, ["r1", "r2"]);
});

test("a run's later batch waits for its earlier one, so the order holds with a slow store", async () => {
  const { timeline, appends } = fakeTimeline({ delayMs: 20 });
  const batcher = new TimelineBatcher(timeline, () => undefined);
  const first = batcher.record("r1", [ev("1")]);
  await new Promise((r) => setImmediate(r)); // the first batch is being written now
  const second = batcher.record("r1", [ev("2")]);
  await Promise.all([first, second]);
  assert.deepEqual(appends.map((a) => a.keys), [["1"], ["2"]]);
});

test("a failed append rejects every caller of its batch, and the next batch still runs", async () => {
  const failing = fakeTimeline({ fail: true });
  const batcher = new TimelineBatcher(failing.timeline, () => undefined);
  const results = await Promise.allSettled([batcher.record("r1", [ev("a")]), batcher.record("r1", [ev("b")])]);
  assert.deepEqual(results.map((r) => r.status), ["rejected", "rejected"]);
  assert.match(String((results[0] as PromiseRejectedResult).reason), /disk full/);
  assert.equal(await batcher.record("r1", []).then(() => "empty resolves at once"), "empty resolves at once");
});
