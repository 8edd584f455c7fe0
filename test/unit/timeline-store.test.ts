import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { openDatabase } from "../../src/storage/database.js";
import { TimelineStore } from "../../src/storage/timeline-store.js";

describe("TimelineStore", () => {
  test("seq stays dense per run: a repeated key is ignored and takes no number", () => {
    const timeline = new TimelineStore(openDatabase(":memory:"));
    assert.equal(timeline.append("r1", [{ key: "a", event: "run_started" }, { key: "b", event: "node_started", node: "task_analyzer" }]), 2);
    assert.equal(timeline.append("r2", [{ key: "a", event: "run_started" }]), 1, "another run numbers from 1");
    assert.equal(timeline.append("r1", [{ key: "b", event: "node_started" }, { key: "c", event: "node_completed" }, { key: "a", event: "run_started" }, { key: "d", event: "run_completed" }]), 2);
    const events = timeline.page("r1", 0, 10);
    assert.deepEqual(events.map((e) => e.seq), [1, 2, 3, 4]);
    assert.deepEqual(events.map((e) => e.event), ["run_started", "node_started", "node_completed", "run_completed"]);
    assert.equal(events[1]!.node, "task_analyzer", "the first write of a key is the one kept");
    assert.equal(timeline.total("r1"), 4);
    assert.deepEqual(timeline.page("r2", 0, 10).map((e) => e.seq), [1]);
  });
});
