/**
 * Forks beyond one quiet process (fork_run through a real MCP client): a fork killed with SIGKILL mid-run that
 * resumes on restart, each re-run branch once; and with the model executor, the model calls a fork makes (counted
 * at a scripted provider that the real LangChain client talks to). The rest of the fork tests: forks.test.ts.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { call, connect } from "../helpers/server.js";
import { markTasks, startModelServer } from "../helpers/model-server.js";
import { type Checkpoint, type ForkStatus, history, qualityCheckpoint, pausedAtQuality, branchIds, sorted, assertDense } from "../helpers/forks.js";
import { fiveTaskRequest, readJson, timeline, type Status } from "../helpers/workflow.js";

describe("forks across a crash and with the model executor", { concurrency: true }, () => {
  test("a fork killed with SIGKILL mid-run resumes on restart and completes, each re-run branch once", { timeout: 90_000 }, async () => {
    const setup = await connect();
    const dbPath = setup.dbPath;
    let original: { status: Status; checkpoint: Checkpoint };
    try {
      // t2 depends on t1 and t3 on t2: editing t1 re-runs three waves, one after another.
      original = await pausedAtQuality(setup.client, {}, (tasks) => {
        tasks[1]!.depends_on = ["t1"];
        tasks[2]!.depends_on = ["t2"];
      });
    } finally {
      await setup.close();
    }
    const forkArgs = {
      run_id: original.status.run_id, checkpoint_id: original.checkpoint.checkpoint_id, new_run_id: "fork-killed",
      changes: { approvals: [], quality_threshold: 0.1, tasks: [{ id: "t1", description: "accelerator power draw and passive cooling" }] },
    };
    // This process writes only the fork's checkpoints; it kills itself right after its 4th.
    const doomed = await connect({ dbPath, env: { CONDUCTOR_FAILPOINT_KILL_AFTER_CHECKPOINTS: "4" } });
    void call(doomed.client, "fork_run", { ...forkArgs, wait_seconds: 0 }).catch(() => undefined);
    await doomed.exited;
    await doomed.client.close().catch(() => undefined);

    const restarted = await connect({ dbPath });
    try {
      const done = await call<ForkStatus>(restarted.client, "fork_run", { ...forkArgs, wait_seconds: 60 });
      assert.equal(done.run_id, "fork-killed");
      assert.equal(done.status, "completed", JSON.stringify(done));
      assert.deepEqual(done.forked_from, { run_id: original.status.run_id, checkpoint_id: original.checkpoint.checkpoint_id });
      const events = await timeline(restarted.client, "fork-killed");
      assertDense(events);
      assert.equal(events[0]!.event, "run_forked");
      assert.equal(events.filter((e) => e.event === "run_forked").length, 1, "forked once, resumed, not forked again");
      const recovered = events.findIndex((e) => e.event === "run_recovered");
      assert.ok(recovered > 0, "the restarted process took the fork over");
      assert.equal(events.filter((e) => e.event === "run_recovered").length, 1);
      const beforeKill = events.slice(0, recovered);
      const afterKill = events.slice(recovered);
      assert.ok(beforeKill.some((e) => e.event === "branch_dispatched"), `the fork had started re-running branches before the kill: ${beforeKill.map((e) => e.event)}`);
      assert.ok(afterKill.some((e) => e.event === "branch_completed"), `and re-ran the rest after it: ${afterKill.map((e) => `${e.event}:${e.branch_id ?? ""}`)}`);
      assert.ok(!beforeKill.some((e) => e.event === "run_completed"));
      for (const id of ["t1", "t2", "t3"]) assert.equal(events.filter((e) => e.event === "branch_completed" && e.branch_id === id).length, 1, `${id} completed once`);
      assert.deepEqual(sorted(branchIds(events, "branch_dispatched")), ["t1", "t2", "t3"], "the kept branches never ran");
      assert.equal(events.filter((e) => e.event === "run_completed").length, 1);
      assert.equal(events.at(-1)!.event, "run_completed");
      // The original waits at its gate as it did.
      const originalNow = await readJson<Status>(restarted.client, `orchestrator://runs/${original.status.run_id}`);
      assert.equal(originalNow.status, "interrupted");
      assert.equal(originalNow.timeline_length, original.status.timeline_length);
    } finally {
      await restarted.close();
    }
  });

  test("model executor: a fork from the quality pause that edits one task asks the model once for that branch and once for the report", { timeout: 60_000 }, async () => {
    const { server, provider, close } = await startModelServer("openai");
    try {
      const request = markTasks(fiveTaskRequest({ approvals: ["quality"], quality_threshold: 0, max_revisions: 0, wait_seconds: 60 }));
      const paused = await call<Status>(server.client, "start_workflow", request);
      assert.equal(paused.status, "interrupted", JSON.stringify(paused));
      assert.deepEqual(sorted(provider.requests.map((r) => r.key)), ["t1", "t2", "t3", "t4", "t5"], "the original asked once per branch");
      const gate = qualityCheckpoint(await history(server.client, paused.run_id));

      const before = provider.requests.length;
      const fork = await call<ForkStatus>(server.client, "fork_run", {
        run_id: paused.run_id, checkpoint_id: gate.checkpoint_id, wait_seconds: 60,
        changes: { approvals: [], tasks: [{ id: "t2", description: "[t2] edge accelerator pricing and gross margins" }] },
      });
      assert.equal(fork.status, "completed", JSON.stringify(fork));
      const asked = provider.requests.slice(before);
      assert.deepEqual(sorted(asked.map((r) => r.key)), ["report", "t2"], `the fork's calls: ${asked.map((r) => r.key)}`);
      assert.match(asked.find((r) => r.key === "t2")!.userText, /pricing and gross margins/, "the edited task reached the model");
      assert.match(fork.result!.report, /^# Report/m, "the scripted model wrote the fork's report");
    } finally {
      await close();
    }
  });
});

