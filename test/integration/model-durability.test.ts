/**
 * The model executor across a crash: a branch whose answer was recorded is never asked again (counted at the
 * provider, which outlives the killed server), and the run's usage counts each billed call once.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import Database from "better-sqlite3";
import { call, connect, sqliteOnly } from "../helpers/server.js";
import { findingsResponder } from "../helpers/scripted-provider.js";
import { ANTHROPIC_KEY, markedTasks, OPENAI_KEY, startModelServer } from "../helpers/model-server.js";
import { timeline, type Status } from "../helpers/workflow.js";

// sqliteOnly: polls the SQLite file for the saved branch writes before the kill.
test("SIGKILL while model branches run: after the restart only the unanswered branches are asked again", { skip: sqliteOnly }, async () => {
  const answer = findingsResponder();
  let answerAll = false;
  const { server: first, provider, close } = await startModelServer("openai", {
    responder: (r, i) => (answerAll || r.key === "t1" || r.key === "t2" ? answer(r, i) : { kind: "hang" }),
  });
  const runId = "model-killed";
  try {
    await call(first.client, "start_workflow", { objective: "Edge accelerators", mode: "parallel", tasks: markedTasks(5), approvals: [], quality_threshold: 0, max_revisions: 0, run_id: runId, wait_seconds: 0 });
    await provider.until(() => provider.requests.length >= 5, 10_000, "all five branches asked");
    const db = new Database(first.dbPath, { readonly: true, fileMustExist: true });
    const saved = db.prepare(`SELECT COUNT(DISTINCT task_id) AS n FROM writes WHERE thread_id = @t AND channel = 'completed_branches'
      AND checkpoint_id = (SELECT MAX(checkpoint_id) FROM checkpoints WHERE thread_id = @t)`);
    for (let i = 0; (saved.get({ t: runId }) as { n: number }).n < 2; i++) {
      assert.ok(i < 100_000, "t1 and t2 were saved");
      await new Promise((r) => setImmediate(r));
    }
    db.close();
    process.kill(first.pid, "SIGKILL");
    await first.exited;
    answerAll = true;

    const second = await connect({
      dbPath: first.dbPath,
      args: ["--model", "openai:gpt-test", "--model-base-url", `${provider.url}/v1`],
      env: { OPENAI_API_KEY: OPENAI_KEY, ANTHROPIC_API_KEY: ANTHROPIC_KEY },
    });
    try {
      const done = await call<Status & { usage: { model_calls: number } }>(second.client, "start_workflow", {
        objective: "x", tasks: markedTasks(1), run_id: runId, wait_seconds: 60,
      });
      assert.equal(done.status, "completed", done.error);
      const calls = provider.callsByKey();
      assert.deepEqual({ t1: calls.t1, t2: calls.t2 }, { t1: 1, t2: 1 }, "answered branches were not asked again");
      assert.deepEqual([calls.t3, calls.t4, calls.t5], [2, 2, 2], "the ones in flight were asked again");
      assert.equal(calls.report, 1);
      assert.equal(done.usage.model_calls, 6, "five answered branch calls and the report, each billed once");
      assert.ok((await timeline(second.client, runId)).some((e) => e.event === "run_recovered"));
    } finally {
      await second.close();
    }
  } finally {
    await close().catch(() => undefined);
  }
});
