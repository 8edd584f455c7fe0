import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { openDatabase } from "../../src/storage/database.js";
import { createCheckpointPruner } from "../../src/storage/checkpoint-pruner.js";
import { SqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";
import { VersionedSqliteSaver } from "../../src/storage/versioned-saver.js";
import { StoredVersions } from "../../src/storage/stored-versions.js";

/** A graph of three steps: a big channel written once, a counter written every step. */
function graphWith(saver: SqliteSaver, interruptBefore: Array<"fill" | "two" | "three"> = []) {
  const S = Annotation.Root({
    big: Annotation<string[]>({ reducer: (_a, b) => b, default: () => [] }),
    n: Annotation<number>({ reducer: (_a, b) => b, default: () => 0 }),
  });
  return new StateGraph(S)
    .addNode("fill", () => ({ big: Array.from({ length: 200 }, (_, i) => `item ${i} `.repeat(10)), n: 1 }))
    .addNode("two", (s) => ({ n: s.n + 1 }))
    .addNode("three", (s) => ({ n: s.n + 1 }))
    .addEdge(START, "fill").addEdge("fill", "two").addEdge("two", "three").addEdge("three", END)
    .compile({ checkpointer: saver, interruptBefore });
}

describe("VersionedSqliteSaver", () => {
  test("stores an unchanged channel once, and every checkpoint reads back whole", async () => {
    const db = openDatabase(":memory:");
    const saver = new VersionedSqliteSaver(db);
    const graph = graphWith(saver);
    const config = { configurable: { thread_id: "t" } };
    const out = await graph.invoke({}, config);
    assert.equal(out.n, 3);
    const bigBlobs = (db.prepare("SELECT COUNT(*) AS n FROM conductor_checkpoint_blobs WHERE thread_id = 't' AND channel = 'big'").get() as { n: number }).n;
    assert.equal(bigBlobs, 1, "the big channel was written once although three checkpoints follow it");
    const state = await graph.getState(config);
    assert.equal(state.values.big.length, 200);
    assert.equal(state.values.n, 3);
    const history = [];
    for await (const s of graph.getStateHistory(config)) history.push(s.values.n ?? 0);
    assert.deepEqual(history.slice(0, 3), [3, 2, 1], "older checkpoints read back too");
    const rowBytes = (db.prepare("SELECT MAX(length(checkpoint)) AS n FROM checkpoints WHERE thread_id = 't'").get() as { n: number }).n;
    assert.ok(rowBytes < 2000, `a checkpoint row holds versions, not values (${rowBytes} bytes)`);
  });

  test("a thread continued by another saver (another process) keeps the values it did not write", async () => {
    const db = openDatabase(":memory:");
    const first = graphWith(new VersionedSqliteSaver(db), ["three"]);
    const config = { configurable: { thread_id: "c" } };
    await first.invoke({}, config);
    assert.equal((await first.getState(config)).values.n, 2, "paused before step three");
    const second = graphWith(new VersionedSqliteSaver(db), ["three"]);
    const out = await second.invoke(null, config);
    assert.equal(out.n, 3);
    assert.equal(out.big.length, 200, "the big channel, written by the first saver, is still referred to and read back");
    const fresh = await graphWith(new VersionedSqliteSaver(db)).getState(config);
    assert.equal(fresh.values.big.length, 200);
    const bigBlobs = (db.prepare("SELECT COUNT(*) AS n FROM conductor_checkpoint_blobs WHERE thread_id = 'c' AND channel = 'big'").get() as { n: number }).n;
    assert.equal(bigBlobs, 1);
  });

  test("a thread begun by LangGraph's plain SqliteSaver (values inline) gets the unchanged values it never stored", async () => {
    const db = openDatabase(":memory:");
    const config = { configurable: { thread_id: "old" } };
    await graphWith(new SqliteSaver(db), ["three"]).invoke({}, config);
    const out = await graphWith(new VersionedSqliteSaver(db), ["three"]).invoke(null, config);
    assert.equal(out.n, 3);
    const fresh = await graphWith(new VersionedSqliteSaver(db)).getState(config);
    assert.equal(fresh.values.big.length, 200, "the big channel, unchanged by step three, was stored by the new saver");
    assert.equal(fresh.values.n, 3);
  });

  test("the versions a saver remembers are bounded: the thread used least recently is forgotten", () => {
    const stored = new StoredVersions(2);
    stored.of("a", "").add("ch", "1");
    stored.of("b", "").add("ch", "1");
    assert.ok(stored.of("a", "").has("ch", "1"), "using a makes b the least recent");
    stored.of("c", "").add("ch", "1");
    assert.equal(stored.of("b", "").has("ch", "1"), false, "b was forgotten");
    assert.ok(stored.of("c", "").has("ch", "1"));
    stored.forget("c");
    assert.equal(stored.of("c", "").has("ch", "1"), false);
  });

  test("pruning keeps the last checkpoint whole and deletes the values nothing refers to", async () => {
    const db = openDatabase(":memory:");
    const saver = new VersionedSqliteSaver(db);
    const graph = graphWith(saver);
    await graph.invoke({}, { configurable: { thread_id: "p" } });
    const blobs = () => (db.prepare("SELECT COUNT(*) AS n FROM conductor_checkpoint_blobs WHERE thread_id = 'p'").get() as { n: number }).n;
    const before = blobs();
    createCheckpointPruner(db)("p");
    assert.ok(blobs() < before, `${before} -> ${blobs()}`);
    const state = await graph.getState({ configurable: { thread_id: "p" } });
    assert.equal(state.values.big.length, 200);
    assert.equal(state.values.n, 3);
  });

  test("deleteThread removes its values; a missing value is a clear error", async () => {
    const db = openDatabase(":memory:");
    const saver = new VersionedSqliteSaver(db);
    await graphWith(saver).invoke({}, { configurable: { thread_id: "d" } });
    db.prepare("DELETE FROM conductor_checkpoint_blobs WHERE channel = 'big'").run();
    await assert.rejects(saver.getTuple({ configurable: { thread_id: "d" } }), /refers to a missing value: big version/);
    await saver.deleteThread("d");
    assert.equal((db.prepare("SELECT COUNT(*) AS n FROM conductor_checkpoint_blobs WHERE thread_id = 'd'").get() as { n: number }).n, 0);
  });

  test("a map channel is stored entry by entry: a step that changes one entry writes one entry", async () => {
    const db = openDatabase(":memory:");
    const saver = new VersionedSqliteSaver(db);
    const S = Annotation.Root({
      branches: Annotation<Record<string, { id: string; status: string }>>({ reducer: (a, b) => ({ ...a, ...b }), default: () => ({}) }),
    });
    const ids = Array.from({ length: 40 }, (_, i) => `b${i}`);
    const graph = new StateGraph(S)
      .addNode("fill", () => ({ branches: Object.fromEntries(ids.map((id) => [id, { id, status: "pending" }])) }))
      .addNode("one", () => ({ branches: { b1: { id: "b1", status: "done" } } }))
      .addNode("two", () => ({ branches: { b2: { id: "b2", status: "done" } } }))
      .addEdge(START, "fill").addEdge("fill", "one").addEdge("one", "two").addEdge("two", END)
      .compile({ checkpointer: saver });
    const config = { configurable: { thread_id: "m" } };
    await graph.invoke({}, config);
    const entries = () => (db.prepare("SELECT COUNT(*) AS n FROM conductor_checkpoint_entries WHERE thread_id = 'm'").get() as { n: number }).n;
    assert.equal(entries(), 42, "40 entries once, then one per step that changed one");
    const state = await graph.getState(config);
    assert.deepEqual(state.values.branches.b1, { id: "b1", status: "done" });
    assert.deepEqual(state.values.branches.b2, { id: "b2", status: "done" });
    assert.deepEqual(state.values.branches.b3, { id: "b3", status: "pending" });
    assert.equal(Object.keys(state.values.branches).length, 40);
    const history: string[] = [];
    for await (const h of graph.getStateHistory(config)) history.push(h.values.branches?.b1?.status ?? "-");
    assert.deepEqual(history.slice(0, 3), ["done", "done", "pending"], "older versions read back as they were");

    createCheckpointPruner(db)("m");
    assert.equal(entries(), 40, "pruning keeps the entries the last checkpoint lists");
    assert.equal(Object.keys((await graph.getState(config)).values.branches).length, 40);

    db.prepare("DELETE FROM conductor_checkpoint_entries WHERE thread_id = 'm' AND hash IN (SELECT hash FROM conductor_checkpoint_entries WHERE thread_id = 'm' LIMIT 1)").run();
    await assert.rejects(new VersionedSqliteSaver(db).getTuple(config), /refers to a missing entry: branches\[/);
    await saver.deleteThread("m");
    assert.equal(entries(), 0);
  });
});
