import { test } from "node:test";
import assert from "node:assert/strict";
import { MemorySaver } from "@langchain/langgraph";
import { emptyCheckpoint } from "@langchain/langgraph-checkpoint";
import { writeAfter } from "../../src/orchestration/ordered-checkpointer.js";

test("a thread's writes and checkpoints are stored only after its barrier settles; a rejected barrier stores nothing", async () => {
  const saver = new MemorySaver();
  let open!: () => void;
  const gate = new Promise<void>((resolve) => { open = resolve; });
  const asked: string[] = [];
  writeAfter(saver, (thread) => { asked.push(thread); return thread === "waits" ? gate : thread === "fails" ? Promise.reject(new Error("timeline write failed")) : undefined; });
  const config = (thread: string) => ({ configurable: { thread_id: thread, checkpoint_ns: "" } });
  const checkpoint = emptyCheckpoint();

  const put = saver.put(config("waits"), checkpoint, { source: "loop", step: 0, parents: {} });
  await new Promise((r) => setImmediate(r));
  assert.equal(await saver.getTuple(config("waits")), undefined, "not stored while the barrier waits");
  open();
  const saved = await put;
  assert.equal((await saver.getTuple(saved))?.checkpoint.id, checkpoint.id);
  await saver.putWrites(saved, [["channel", 1]], "task-1");
  assert.deepEqual((await saver.getTuple(saved))?.pendingWrites, [["task-1", "channel", 1]]);

  await assert.rejects(saver.put(config("fails"), emptyCheckpoint(), { source: "loop", step: 0, parents: {} }), /timeline write failed/);
  assert.equal(await saver.getTuple(config("fails")), undefined);
  const free = await saver.put(config("free"), emptyCheckpoint(), { source: "loop", step: 0, parents: {} });
  assert.ok(await saver.getTuple(free), "no barrier pending: stored at once");
  assert.deepEqual(asked, ["waits", "waits", "fails", "free"]);
});
