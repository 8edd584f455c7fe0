/**
 * Run leases between processes on one database: a run this process has queued is its own however long it waits
 * (its lease is renewed from its creation on, not only while it executes), so another process never takes it over.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { call, connect } from "../helpers/server.js";
import { findingsResponder } from "../helpers/scripted-provider.js";
import { markedTasks, OPENAI_KEY, startModelServer } from "../helpers/model-server.js";
import { timeline, type Status } from "../helpers/workflow.js";

const LEASE = ["--lease-seconds", "1"];
const straight = { approvals: [], quality_threshold: 0, max_revisions: 0 };

test("a run waiting for a run slot for longer than the lease is not taken over by another process, and each model call is made once", async () => {
  // Every model call takes 1.2 s: the first run (a branch and its report) holds A's only run slot for about 2.4 s,
  // more than two leases, while the second waits for it.
  const answer = findingsResponder();
  const { server: a, provider, close } = await startModelServer("openai", {
    args: [...LEASE, "--max-concurrent-runs", "1"],
    responder: async (r, i) => ({ ...(await answer(r, i)), delayMs: 1200 }) as never,
  });
  const b = await connect({
    dbPath: a.dbPath,
    args: ["--model", "openai:gpt-test", "--model-base-url", `${provider.url}/v1`, ...LEASE],
    env: { OPENAI_API_KEY: OPENAI_KEY },
  });
  try {
    const request = { objective: "Edge accelerators", tasks: markedTasks(1), ...straight, wait_seconds: 0 };
    const first = await call<Status>(a.client, "start_workflow", request);
    const second = await call<Status>(a.client, "start_workflow", request);
    for (const run of [first, second]) {
      const done = await call<Status>(a.client, "start_workflow", { ...request, run_id: run.run_id, wait_seconds: 60 });
      assert.equal(done.status, "completed", JSON.stringify(done.error));
      const events = await timeline(a.client, run.run_id);
      assert.deepEqual(events.filter((e) => e.event === "run_recovered"), [], `no process took ${run.run_id} over`);
    }
    const queued = (await timeline(a.client, second.run_id)).filter((e) => e.event === "run_queued");
    assert.equal(queued.length, 1, "the second run waited for the first one's slot");
    assert.equal(provider.calls, 4, "one branch and one report per run, each asked once");
    assert.doesNotMatch(b.stderr(), /resuming run/);
  } finally {
    await b.close();
    await close();
  }
});
