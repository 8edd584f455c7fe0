/**
 * What every backend's TimelineStorage must do: an append-only log per run, idempotent by key, `seq` dense from 1
 * per run; pages in seq order; `nodesEntered` in the order the nodes were first entered.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { NewTimelineEvent } from "../../../src/domain/timeline-event.js";
import type { Storage } from "../../../src/storage/storage.js";
import { ev, withStores, type OpenStores } from "./harness.js";

export function defineTimelineStoreBehaviour(open: OpenStores): void {
  describe("timeline store", () => {
    test("append is idempotent by key: a repeated key is ignored, takes no seq, and the first write is kept; seq is dense per run", () => withStores(open, async ({ a, b }) => {
      assert.equal(await a.timeline.append("r1", [ev("start", { event: "run_started", node: undefined }), ev("n1")]), 2);
      assert.equal(await a.timeline.append("r2", [ev("start", { event: "run_started", node: undefined })]), 1, "another run numbers from 1");
      assert.equal(await b.timeline.append("r1", [ev("n1", { node: "changed" }), ev("n2"), ev("n2"), ev("start", { event: "run_failed" }), ev("end", { event: "run_completed", node: undefined })]), 2);
      assert.equal(await a.timeline.append("r1", []), 0);
      assert.equal(await a.timeline.append("r1", [ev("n1")]), 0);
      const events = await b.timeline.page("r1", 0, 10);
      assert.deepEqual(events.map((e) => [e.seq, e.event, e.node]), [[1, "run_started", undefined], [2, "node_started", "n1"], [3, "node_started", "n2"], [4, "run_completed", undefined]]);
      assert.deepEqual((await a.timeline.page("r2", 0, 10)).map((e) => e.seq), [1]);
      assert.equal(await a.timeline.total("r1"), 4);
    }));

    test("events round trip: node, branch and data only when given; one timestamp per append", () => withStores(open, async ({ a, b }) => {
      const data = { x: 1, nested: { list: [1, "two", null], ok: true }, text: "é \u2028 \"quoted\"" };
      await a.timeline.append("r1", [
        ev("b1", { event: "branch_dispatched", node: undefined, branch_id: "b1", data }),
        { key: "plain", event: "run_started" },
        ev("n1", { branch_id: "b2" }),
      ]);
      await new Promise((r) => setTimeout(r, 5));
      await a.timeline.append("r1", [ev("later")]);
      const [first, plain, third, later] = await b.timeline.page("r1", 0, 10);
      assert.deepEqual(first, { seq: 1, timestamp: first!.timestamp, event: "branch_dispatched", branch_id: "b1", data });
      assert.deepEqual(plain, { seq: 2, timestamp: first!.timestamp, event: "run_started" });
      assert.deepEqual(Object.keys(plain!).sort(), ["event", "seq", "timestamp"]);
      assert.deepEqual(third, { seq: 3, timestamp: first!.timestamp, event: "node_started", node: "n1", branch_id: "b2" });
      assert.match(first!.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.ok(later!.timestamp > first!.timestamp);
    }));

    test("page: after `since` (exclusive), at most `limit`, in seq order, optionally one event's; pages through", () => withStores(open, async ({ a, b }) => {
      const events: NewTimelineEvent[] = Array.from({ length: 12 }, (_, i) => ev(`e${i + 1}`, i % 3 === 2 ? { event: "branch_completed", node: undefined } : {}));
      await a.timeline.append("r1", events.slice(0, 5));
      await b.timeline.append("r1", events.slice(5));
      assert.deepEqual((await a.timeline.page("r1", 1, 2)).map((e) => e.seq), [2, 3]);
      assert.deepEqual((await a.timeline.page("r1", 10, 10)).map((e) => e.seq), [11, 12]);
      assert.deepEqual(await a.timeline.page("r1", 12, 10), []);
      assert.deepEqual(await a.timeline.page("r1", 0, 0), []);
      const seen: number[] = [];
      for (let since = 0, page = await a.timeline.page("r1", 0, 5); page.length > 0; since = page.at(-1)!.seq, page = await a.timeline.page("r1", since, 5)) {
        seen.push(...page.map((e) => e.seq));
      }
      assert.deepEqual(seen, Array.from({ length: 12 }, (_, i) => i + 1));
      assert.deepEqual((await b.timeline.page("r1", 0, 10, "branch_completed")).map((e) => e.seq), [3, 6, 9, 12]);
      assert.deepEqual((await b.timeline.page("r1", 3, 2, "branch_completed")).map((e) => e.seq), [6, 9]);
      assert.deepEqual((await b.timeline.page("r1", 0, 3, "node_started")).map((e) => e.seq), [1, 2, 4]);
      assert.deepEqual(await b.timeline.page("r1", 0, 10, "run_failed"), []);
      assert.deepEqual(await b.timeline.page("no-such-run", 0, 10), []);
    }));

    test("total: all events or those of one name; 0 for an unknown run", () => withStores(open, async ({ a, b }) => {
      await a.timeline.append("r1", [ev("n1"), ev("b1", { event: "branch_dispatched" }), ev("n2"), ev("n1")]);
      assert.equal(await b.timeline.total("r1"), 3);
      assert.equal(await b.timeline.total("r1", "node_started"), 2);
      assert.equal(await b.timeline.total("r1", "run_failed"), 0);
      assert.equal(await b.timeline.total("no-such-run"), 0);
      assert.equal(await b.timeline.total("no-such-run", "node_started"), 0);
    }));

    test("nodesEntered: each node once, in the order first entered; only node_started events count", () => withStores(open, async ({ a, b }) => {
      assert.deepEqual(await a.timeline.nodesEntered("r1"), []);
      await a.timeline.append("r1", [ev("1", { node: "zeta" }), ev("2", { node: "alpha" }), ev("3", { event: "node_completed", node: "omega" })]);
      await b.timeline.append("r1", [ev("4", { node: "zeta" }), ev("5", { node: "mid" }), ev("6", { node: "alpha" }), ev("7", { node: "Zeta" })]);
      await a.timeline.append("r2", [ev("1", { node: "other" })]);
      assert.deepEqual(await b.timeline.nodesEntered("r1"), ["zeta", "alpha", "mid", "Zeta"]);
      assert.deepEqual(await b.timeline.nodesEntered("r2"), ["other"]);
    }));

    test("two processes appending to one run at once: seq 1..n, no gaps, no duplicates", () => withStores(open, async ({ a, b }) => {
      const appends: Array<Promise<number>> = [];
      const append = async (s: Storage, events: NewTimelineEvent[]) => s.timeline.append("race", events);
      for (let i = 0; i < 25; i++) {
        appends.push(append(a, [ev(`a-${i}`), ev(`shared-${i}`)]));
        appends.push(append(b, [ev(`b-${i}`), ev(`shared-${i}`)]));
      }
      assert.equal((await Promise.all(appends)).reduce((x, y) => x + y, 0), 75);
      const events = await a.timeline.page("race", 0, 1000);
      assert.deepEqual(events.map((e) => e.seq), Array.from({ length: 75 }, (_, i) => i + 1));
      assert.equal(new Set(events.map((e) => e.node)).size, 75);
      assert.equal(await b.timeline.total("race"), 75);
    }));
  });
}
