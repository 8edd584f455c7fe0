/**
 * Run history and forks (get_run_history, fork_run) through a real MCP client: the history of a paused run and its
 * pages; a fork from the quality pause with other settings that re-runs nothing; a fork that edits a task and
 * re-runs it and its dependents only; the original untouched byte for byte (paused and completed); error results
 * (unknown run, another principal's run, unknown or foreign checkpoint, unknown task); and a fork of a fork.
 * Another principal is a second process over HTTP with bearer tokens on the same database, so that case runs in
 * every pass. A fork across a crash, and with the model executor: fork-recovery.test.ts.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { call, callError, connect, type Connected } from "../helpers/server.js";
import { type Checkpoint, type History, type ForkStatus, type RunState, history, qualityCheckpoint, pausedAtQuality, branchIds, sorted, findingLines, snapshot, assertNoBranchRan, assertDense, aliceOn } from "../helpers/forks.js";
import { fiveTaskRequest, readJson, timeline, type Status } from "../helpers/workflow.js";

// Three groups on their own servers and databases, run side by side (each is a few server starts and short runs);
// the tests on the shared server run one after another (the error test compares its list of runs).
describe("run history and forks", { concurrency: true }, () => {
  describe("get_run_history and fork_run", { concurrency: 1 }, () => {
    let s: Connected;
    before(async () => { s = await connect({ args: ["--pool-cpu", "4", "--pool-memory-mb", "4096"] }); });
    after(async () => { await s.close(); });

    test("tools/list: get_run_history is a read tool, fork_run creates idempotently and shows the run view like start_workflow", async () => {
      const tools = new Map<string, Tool>((await s.client.listTools()).tools.map((t) => [t.name, t]));
      const hist = tools.get("get_run_history");
      const fork = tools.get("fork_run");
      assert.ok(hist && fork, `listed: ${[...tools.keys()]}`);
      assert.deepEqual(hist.annotations && { r: hist.annotations.readOnlyHint, d: hist.annotations.destructiveHint }, { r: true, d: false });
      assert.deepEqual(fork.annotations && { r: fork.annotations.readOnlyHint, d: fork.annotations.destructiveHint, i: fork.annotations.idempotentHint },
        { r: false, d: false, i: true });
      for (const field of ["run_id", "after", "limit"]) assert.ok(field in (hist.inputSchema.properties ?? {}), `get_run_history takes ${field}`);
      for (const field of ["run_id", "checkpoint_id", "changes", "new_run_id", "wait_seconds"]) assert.ok(field in (fork.inputSchema.properties ?? {}), `fork_run takes ${field}`);
      assert.deepEqual(fork._meta, tools.get("start_workflow")!._meta, "the same run view as start_workflow");
    });

    test("get_run_history of a paused run: oldest first, the sync point's and the quality gate's pauses, settled branches, pages", async () => {
      const started = await call<Status>(s.client, "start_workflow", fiveTaskRequest({ wait_seconds: 60 }));
      assert.equal(started.pending_interrupts[0]?.point, "sync_point");
      const atSync = await history(s.client, started.run_id);
      assert.equal(atSync.run_id, started.run_id);
      assert.equal(atSync.checkpoints.at(-1)!.point, "sync_point", "the run waits at its sync point in its latest checkpoint");
      assert.ok(atSync.checkpoints.at(-1)!.next.includes("sync_point_manager"), JSON.stringify(atSync.checkpoints.at(-1)));

      const atQuality = await call<Status>(s.client, "approve_interrupt", { run_id: started.run_id, decision: "approve", wait_seconds: 60 });
      assert.equal(atQuality.pending_interrupts[0]?.point, "quality");
      const h = await history(s.client, started.run_id);
      const cps = h.checkpoints;
      assert.ok(cps.length > atSync.checkpoints.length, "the history grew while the run went on");
      assert.deepEqual(cps.slice(0, atSync.checkpoints.length), atSync.checkpoints, "a paused run keeps every checkpoint; the answered sync point still says sync_point");
      for (let i = 1; i < cps.length; i++) {
        assert.ok(cps[i]!.step > cps[i - 1]!.step, `steps ascend: ${cps.map((c) => c.step)}`);
        assert.ok(Date.parse(cps[i]!.created_at) >= Date.parse(cps[i - 1]!.created_at), `oldest first: ${cps.map((c) => c.created_at)}`);
        assert.ok(cps[i]!.branches_settled >= cps[i - 1]!.branches_settled, `branches_settled never shrinks: ${cps.map((c) => c.branches_settled)}`);
      }
      assert.ok(cps.every((c) => !Number.isNaN(Date.parse(c.created_at)) && Array.isArray(c.next)));
      assert.equal(new Set(cps.map((c) => c.checkpoint_id)).size, cps.length, "distinct ids");
      assert.equal(cps[0]!.branches_settled, 0);
      assert.ok(cps[0]!.next.every((n) => n === "__start__" || n === "task_analyzer"), `the first checkpoint: ${JSON.stringify(cps[0])}`);
      assert.equal(cps.at(-1)!.branches_settled, 5);
      assert.deepEqual(cps.filter((c) => c.point !== null).map((c) => c.point), ["sync_point", "quality"], "one pause each, in order");
      assert.equal(qualityCheckpoint(h).checkpoint_id, cps.at(-1)!.checkpoint_id, "the run waits at the quality gate in its latest checkpoint");
      assert.equal(cps.find((c) => c.point === "sync_point")!.branches_settled, 5, "the sync point's wave had settled");

      // Pages of two, each after the previous page's next_after, give the one page.
      const paged: Checkpoint[] = [];
      let after: string | undefined;
      let pages = 0;
      for (;;) {
        const page = await call<History>(s.client, "get_run_history", { run_id: started.run_id, limit: 2, ...(after ? { after } : {}) });
        pages++;
        assert.equal(page.total, cps.length);
        assert.ok(page.checkpoints.length <= 2);
        paged.push(...page.checkpoints);
        if (page.next_after === null) break;
        assert.ok(page.checkpoints.length === 2 && pages < 100, `a page before the last is full (page ${pages}: ${page.checkpoints.length})`);
        after = page.next_after;
      }
      assert.equal(pages, Math.ceil(cps.length / 2));
      assert.deepEqual(paged, cps);
      const middle = await call<History>(s.client, "get_run_history", { run_id: started.run_id, after: cps[2]!.checkpoint_id, limit: 3 });
      assert.deepEqual(middle.checkpoints, cps.slice(3, 6), "after is exclusive");
      const lastPage = await call<History>(s.client, "get_run_history", { run_id: started.run_id, after: cps.at(-2)!.checkpoint_id });
      assert.deepEqual(lastPage.checkpoints, [cps.at(-1)]);
      assert.equal(lastPage.next_after, null, "null on the last page");
      const defaultPage = await call<History>(s.client, "get_run_history", { run_id: started.run_id });
      assert.deepEqual(defaultPage.checkpoints, cps, "the default limit (100) holds this run");
      await callError(s.client, "get_run_history", { run_id: started.run_id, limit: 0 });
      await callError(s.client, "get_run_history", { run_id: started.run_id, limit: 501 });
      assert.match(await callError(s.client, "get_run_history", { run_id: "no-such-run-h" }), /unknown run_id "no-such-run-h"/);
      await call(s.client, "cancel_run", { run_id: started.run_id });
    });

    test("a fork from the quality pause with other settings re-runs no branch, completes, and keeps the original's results", async () => {
      const original = await pausedAtQuality(s.client);
      const originalState = await readJson<RunState & { forked_from?: unknown }>(s.client, `orchestrator://runs/${original.status.run_id}`);
      assert.equal("forked_from" in originalState, false, "a run that is no fork has no forked_from");
      const attribution = original.status.pending_interrupts[0]!.payload.source_attribution as Record<string, number>;

      const fork = await call<ForkStatus>(s.client, "fork_run", {
        run_id: original.status.run_id, checkpoint_id: original.checkpoint.checkpoint_id, changes: { approvals: [], quality_threshold: 0.1 }, wait_seconds: 60,
      });
      assert.match(fork.run_id, /^run-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      assert.notEqual(fork.run_id, original.status.run_id);
      assert.equal(fork.status, "completed", JSON.stringify(fork));
      assert.deepEqual(fork.forked_from, { run_id: original.status.run_id, checkpoint_id: original.checkpoint.checkpoint_id });
      assert.deepEqual(fork.progress, { branches_total: 5, branches_completed: 5, branches_failed: 0 });
      assert.deepEqual(fork.result!.source_attribution, attribution, "the merge of the kept branches, as the original's gate saw it");

      const events = await timeline(s.client, fork.run_id);
      assertDense(events);
      assert.equal(events[0]!.event, "run_forked", `the first event: ${JSON.stringify(events[0])}`);
      assert.equal(events.filter((e) => e.event === "run_forked").length, 1);
      assert.equal(events[0]!.data?.from_run_id, original.status.run_id);
      assert.equal(events[0]!.data?.checkpoint_id, original.checkpoint.checkpoint_id);
      assert.deepEqual(sorted(events[0]!.data?.kept as string[]), ["t1", "t2", "t3", "t4", "t5"]);
      assert.deepEqual(events[0]!.data?.rerun, []);
      assertNoBranchRan(events);
      assert.ok(!events.some((e) => e.event === "interrupted"), "approvals [] in the fork: no pause");
      assert.equal(events.at(-1)!.event, "run_completed");
      assert.equal(fork.timeline_length, events.length);

      const forkState = await readJson<RunState>(s.client, `orchestrator://runs/${fork.run_id}`);
      assert.deepEqual(forkState.forked_from, fork.forked_from, "the fork's RunStatus in its resource has forked_from too");
      assert.deepEqual(forkState.completed_branches, originalState.completed_branches, "results, findings, performance and agents kept as they were");
      assert.deepEqual(forkState.tasks, originalState.tasks);

      // new_run_id is an idempotency key: the same call again returns that fork, not run again.
      const named = await call<ForkStatus>(s.client, "fork_run", { run_id: original.status.run_id, checkpoint_id: original.checkpoint.checkpoint_id, changes: { approvals: [] }, new_run_id: "fork-named", wait_seconds: 60 });
      assert.equal(named.run_id, "fork-named");
      assert.equal(named.status, "completed");
      const again = await call<ForkStatus>(s.client, "fork_run", { run_id: original.status.run_id, checkpoint_id: original.checkpoint.checkpoint_id, changes: { approvals: [] }, new_run_id: "fork-named", wait_seconds: 60 });
      assert.equal(again.run_id, "fork-named");
      assert.equal(again.timeline_length, named.timeline_length, "not run again");
      assert.equal((await timeline(s.client, "fork-named")).filter((e) => e.event === "run_forked").length, 1);

      // The original, still paused, goes on by itself and writes the report the fork wrote.
      const done = await call<Status>(s.client, "approve_interrupt", { run_id: original.status.run_id, decision: "approve", wait_seconds: 60 });
      assert.equal(done.status, "completed");
      assert.deepEqual(fork.result!.source_attribution, done.result!.source_attribution);
      assert.ok(findingLines(done.result!.report).length >= 5, done.result!.report);
      assert.deepEqual(findingLines(fork.result!.report), findingLines(done.result!.report), "the same findings in the fork's report");
      assert.ok(!(await timeline(s.client, original.status.run_id)).some((e) => e.event === "run_forked"));
    });

    test("a fork that edits one task re-runs that task and the tasks depending on it (transitively), and keeps the others", async () => {
      // t2 depends on t1 and t3 on t2; t5 depends on t4. Editing t1 re-runs t1, t2, t3; t4 and t5 are kept.
      const original = await pausedAtQuality(s.client, {}, (tasks) => {
        tasks[1]!.depends_on = ["t1"];
        tasks[2]!.depends_on = ["t2"];
        tasks[4]!.depends_on = ["t4"];
      });
      const originalState = await readJson<RunState>(s.client, `orchestrator://runs/${original.status.run_id}`);
      const edited = "accelerator power draw, passive cooling and int8 quantization";
      const fork = await call<ForkStatus>(s.client, "fork_run", {
        run_id: original.status.run_id, checkpoint_id: original.checkpoint.checkpoint_id,
        changes: { approvals: [], quality_threshold: 0.1, tasks: [{ id: "t1", description: edited }] }, wait_seconds: 60,
      });
      assert.equal(fork.status, "completed", JSON.stringify(fork));
      const events = await timeline(s.client, fork.run_id);
      assertDense(events);
      assert.deepEqual(sorted(branchIds(events, "branch_dispatched")), ["t1", "t2", "t3"], "the edited task and its dependents, no other");
      assert.equal(events.filter((e) => e.event === "branch_dispatched").length, 3, "each once");
      assert.deepEqual(sorted(branchIds(events, "branch_completed")), ["t1", "t2", "t3"]);
      const dispatched = events.filter((e) => e.event === "branch_dispatched").map((e) => e.branch_id);
      assert.deepEqual(dispatched, ["t1", "t2", "t3"], "dependencies first");
      assert.equal(events[0]!.event, "run_forked");
      assert.deepEqual(sorted(events[0]!.data?.rerun as string[]), ["t1", "t2", "t3"]);
      assert.deepEqual(sorted(events[0]!.data?.kept as string[]), ["t4", "t5"]);

      const forkState = await readJson<RunState>(s.client, `orchestrator://runs/${fork.run_id}`);
      assert.equal(forkState.tasks.find((t) => t.id === "t1")!.description, edited);
      assert.deepEqual(forkState.tasks.find((t) => t.id === "t2")!.depends_on, ["t1"], "the rest of the task is as it was");
      for (const id of ["t4", "t5"]) assert.deepEqual(forkState.completed_branches[id], originalState.completed_branches[id], `${id} kept as it was`);
      assert.deepEqual(sorted(Object.keys(forkState.completed_branches)), ["t1", "t2", "t3", "t4", "t5"]);
      assert.notDeepEqual(forkState.completed_branches.t1, originalState.completed_branches.t1, "t1 is a new result");
      assert.deepEqual(sorted(Object.keys(fork.result!.source_attribution)), ["t1", "t2", "t3", "t4", "t5"]);
      const original1 = (await readJson<RunState>(s.client, `orchestrator://runs/${original.status.run_id}`)).tasks.find((t) => t.id === "t1")!;
      assert.equal(original1.description, "accelerator architecture, inference latency and power", "the original's task is unchanged");
    });

    test("forking leaves the original byte for byte as it was: a paused original and a completed one", async () => {
      const paused = await pausedAtQuality(s.client);
      const pausedBefore = await snapshot(s.client, paused.status.run_id);
      const plain = await call<ForkStatus>(s.client, "fork_run", { run_id: paused.status.run_id, checkpoint_id: paused.checkpoint.checkpoint_id, changes: { approvals: [] }, wait_seconds: 60 });
      assert.equal(plain.status, "completed");
      const editedFork = await call<ForkStatus>(s.client, "fork_run", {
        run_id: paused.status.run_id, checkpoint_id: paused.checkpoint.checkpoint_id, changes: { tasks: [{ id: "t2", description: "market revenue and pricing", priority: "high" }] }, wait_seconds: 60,
      });
      assert.equal(editedFork.status, "interrupted", "the fork pauses at the quality gate like the original");
      assert.deepEqual(await snapshot(s.client, paused.status.run_id), pausedBefore, "the paused original is as it was");
      await call(s.client, "cancel_run", { run_id: editedFork.run_id });
      assert.deepEqual(await snapshot(s.client, paused.status.run_id), pausedBefore, "cancelling the fork left the original as it was");

      const done = await call<Status>(s.client, "start_workflow", fiveTaskRequest({ approvals: [], wait_seconds: 60 }));
      assert.equal(done.status, "completed");
      const h = await history(s.client, done.run_id);
      const cps = h.checkpoints;
      assert.ok(cps.every((c, i) => i === cps.length - 1 || c.next.includes("sync_point_manager") || c.next.includes("quality_validator")),
        `a finished run keeps the checkpoints a fork starts from and its last: ${JSON.stringify(cps.map((c) => c.next))}`);
      assert.ok(cps.every((c) => c.point === null), "no pause in a run without approvals");
      const gate = cps.filter((c) => c.next.includes("quality_validator")).at(-1);
      assert.ok(gate, "the quality gate's checkpoint is kept");
      const doneBefore = await snapshot(s.client, done.run_id);
      const fromDone = await call<ForkStatus>(s.client, "fork_run", {
        run_id: done.run_id, checkpoint_id: gate.checkpoint_id, changes: { approvals: [], quality_threshold: 0.1, tasks: [{ id: "t3", focus: "market" }] }, wait_seconds: 60,
      });
      assert.equal(fromDone.status, "completed", JSON.stringify(fromDone));
      assert.deepEqual(sorted(branchIds(await timeline(s.client, fromDone.run_id), "branch_dispatched")), ["t3"]);
      assert.deepEqual(await snapshot(s.client, done.run_id), doneBefore, "the completed original is as it was");
      await call(s.client, "delete_run", { run_id: fromDone.run_id });
      assert.deepEqual(await snapshot(s.client, done.run_id), doneBefore, "deleting the fork left the original as it was");
    });

    test("error results: unknown run, another principal's run, unknown or foreign checkpoint, a checkpoint before planning, an unknown task", async () => {
      const mine = await pausedAtQuality(s.client);
      const other = await pausedAtQuality(s.client);
      const runsBefore = (await readJson<{ runs: Array<{ run_id: string }> }>(s.client, "orchestrator://runs")).runs.map((r) => r.run_id).sort();
      const cp = mine.checkpoint.checkpoint_id;

      const unknownRun = await callError(s.client, "fork_run", { run_id: "no-such-run-f", checkpoint_id: cp, new_run_id: "err-1" });
      assert.match(unknownRun, /unknown run_id "no-such-run-f"/);

      const unknownCp = "1f0c9a3e-0000-6000-8000-000000000000";
      const badCp = await callError(s.client, "fork_run", { run_id: mine.status.run_id, checkpoint_id: unknownCp, new_run_id: "err-2" });
      assert.ok(badCp.includes(unknownCp) && badCp.includes(mine.status.run_id), badCp);

      const foreignCp = await callError(s.client, "fork_run", { run_id: mine.status.run_id, checkpoint_id: other.checkpoint.checkpoint_id, new_run_id: "err-3" });
      assert.ok(foreignCp.includes(other.checkpoint.checkpoint_id) && foreignCp.includes(mine.status.run_id), foreignCp);

      // The first checkpoints (next __start__, then task_analyzer) are listed but come before the run planned its branches.
      const early = (await history(s.client, mine.status.run_id)).checkpoints.filter((c) => c.next.every((n) => n === "__start__" || n === "task_analyzer"));
      assert.ok(early.length >= 1, "the history lists the first checkpoints");
      for (const c of early) {
        const refused = await callError(s.client, "fork_run", { run_id: mine.status.run_id, checkpoint_id: c.checkpoint_id, new_run_id: "err-4" });
        assert.ok(refused.includes(c.checkpoint_id) && /before the run planned its branches/.test(refused), refused);
      }

      const badTask = await callError(s.client, "fork_run", { run_id: mine.status.run_id, checkpoint_id: cp, changes: { tasks: [{ id: "t9", description: "x" }] }, new_run_id: "err-5" });
      assert.ok(badTask.includes("t9") && /task/.test(badTask), badTask);

      // Another principal: alice's process on the same database; her run is unknown here, with the same message.
      const alice = await aliceOn(s.dbPath);
      try {
        const hers = await call<Status>(alice.client, "start_workflow", fiveTaskRequest({ approvals: ["quality"], wait_seconds: 60, run_id: "alice-forks-run" }));
        assert.equal(hers.status, "interrupted");
        const hersCp = qualityCheckpoint(await history(alice.client, hers.run_id)).checkpoint_id;
        const asUnknown = await callError(s.client, "fork_run", { run_id: "no-such-run-a", checkpoint_id: hersCp, new_run_id: "err-6" });
        const asOthers = await callError(s.client, "fork_run", { run_id: hers.run_id, checkpoint_id: hersCp, new_run_id: "err-6" });
        assert.equal(asOthers, asUnknown.replaceAll("no-such-run-a", hers.run_id), "another principal's run answers as an unknown one");
        assert.match(await callError(s.client, "get_run_history", { run_id: hers.run_id }), /unknown run_id "alice-forks-run"/);
        // Her own fork is hers: unknown here too.
        const hersFork = await call<ForkStatus>(alice.client, "fork_run", { run_id: hers.run_id, checkpoint_id: hersCp, changes: { approvals: [] }, new_run_id: "alice-fork", wait_seconds: 60 });
        assert.equal(hersFork.status, "completed");
        assert.match(await callError(s.client, "get_timeline", { run_id: "alice-fork" }), /unknown run_id "alice-fork"/);
        await assert.rejects(s.client.readResource({ uri: "orchestrator://runs/alice-fork" }), /unknown run_id/);
        // The id is hers: this principal cannot take it.
        await callError(s.client, "fork_run", { run_id: mine.status.run_id, checkpoint_id: cp, new_run_id: "alice-fork" });
      } finally {
        await alice.stop();
      }

      const runsAfter = (await readJson<{ runs: Array<{ run_id: string }> }>(s.client, "orchestrator://runs")).runs.map((r) => r.run_id).sort();
      assert.deepEqual(runsAfter, runsBefore, "no error result made a run");
      for (const id of ["err-1", "err-2", "err-3", "err-4", "err-5", "err-6"]) assert.match(await callError(s.client, "get_timeline", { run_id: id }), /unknown run_id/);
      await call(s.client, "cancel_run", { run_id: mine.status.run_id });
      await call(s.client, "cancel_run", { run_id: other.status.run_id });
      // Both say what to do: "checkpoint ... is not one of run ...'s; list them with get_run_history".
      for (const text of [badCp, foreignCp]) assert.match(text, /^checkpoint .+ is not one of run .+'s; list them with get_run_history/);
    });

    test("forking a fork: the second fork starts from the first fork's own checkpoint", async () => {
      const original = await pausedAtQuality(s.client);
      const first = await call<ForkStatus>(s.client, "fork_run", {
        run_id: original.status.run_id, checkpoint_id: original.checkpoint.checkpoint_id,
        changes: { quality_threshold: 0.1, tasks: [{ id: "t1", description: "accelerator power draw and passive cooling" }] }, new_run_id: "fork-gen-1", wait_seconds: 60,
      });
      assert.equal(first.status, "interrupted", JSON.stringify(first));
      assert.equal(first.pending_interrupts[0]?.point, "quality", "the first fork re-ran t1 and waits at its own quality gate");
      const firstState = await readJson<RunState>(s.client, `orchestrator://runs/fork-gen-1`);
      const firstAttribution = first.pending_interrupts[0]!.payload.source_attribution as Record<string, number>;
      const gate = qualityCheckpoint(await history(s.client, "fork-gen-1"));

      const second = await call<ForkStatus>(s.client, "fork_run", { run_id: "fork-gen-1", checkpoint_id: gate.checkpoint_id, changes: { approvals: [] }, new_run_id: "fork-gen-2", wait_seconds: 60 });
      assert.equal(second.status, "completed", JSON.stringify(second));
      assert.deepEqual(second.forked_from, { run_id: "fork-gen-1", checkpoint_id: gate.checkpoint_id });
      const events = await timeline(s.client, "fork-gen-2");
      assert.equal(events[0]!.event, "run_forked");
      assert.equal(events[0]!.data?.from_run_id, "fork-gen-1");
      assert.equal(events[0]!.data?.checkpoint_id, gate.checkpoint_id);
      assertNoBranchRan(events);
      const secondState = await readJson<RunState>(s.client, `orchestrator://runs/fork-gen-2`);
      assert.deepEqual(secondState.completed_branches, firstState.completed_branches, "the first fork's results, its new t1 included");
      assert.deepEqual(second.result!.source_attribution, firstAttribution);
      assert.equal(secondState.tasks.find((t) => t.id === "t1")!.description, "accelerator power draw and passive cooling");

      // The first fork is a run like any other: it still waits, and goes on by itself.
      const firstDone = await call<ForkStatus>(s.client, "approve_interrupt", { run_id: "fork-gen-1", decision: "approve", wait_seconds: 60 });
      assert.equal(firstDone.status, "completed");
      assert.deepEqual(firstDone.forked_from, { run_id: original.status.run_id, checkpoint_id: original.checkpoint.checkpoint_id });
      await call(s.client, "cancel_run", { run_id: original.status.run_id });
    });
  });
});
