/**
 * What every backend's RunStorage must do. Ordering rule (every store): a list "newest first" is by time
 * descending and, at the same time, by id descending (the exact reverse of the oldest-first order); a list "oldest
 * first" is by time ascending, then id ascending. Ids compare bytewise (SQLite BINARY, PostgreSQL "C").
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createRuns, newRun, withStores, type OpenStores } from "./harness.js";

export function defineRunStoreBehaviour(open: OpenStores): void {
  describe("run store", () => {
    test("create and get round trip; a duplicate id is refused across principals and changes nothing", () => withStores(open, async ({ a, b }) => {
      const run = newRun("run-1", "p", { options: { approvals: ["merge"], n: 2 }, inputs: [{ task_id: "t1", idx: 0, name: "notes.txt", text: "hello" }] });
      assert.equal(await a.runs.create(run), true);
      assert.equal(await b.runs.create(run), false, "the same id from another process");
      assert.equal(await b.runs.create(newRun("run-1", "q", { objective: "q's" })), false, "another principal's create of a taken id");
      const row = (await b.runs.get("run-1"))!;
      assert.match(row.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.equal(row.updated_at, row.created_at);
      assert.deepEqual({ ...row, created_at: "", updated_at: "" }, {
        run_id: "run-1", principal: "p", status: "running", objective: "objective of run-1", options: { approvals: ["merge"], n: 2 },
        workflow_mode: null, executor: "builtin", result: null, error: null, created_at: "", updated_at: "",
      });
      assert.deepEqual(await b.runs.list("q"), []);
      assert.deepEqual(await a.runs.inlineInput("run-1", "t1", 0), { name: "notes.txt", text: "hello" });
    }));

    test("inlineInputs lists a run's inline inputs by task id (bytewise) then index, and nothing of other runs", () => withStores(open, async ({ a, b }) => {
      const inputs = [
        { task_id: "t2", idx: 1, name: "b.md", text: "two-one" }, { task_id: "T9", idx: 0, name: "z.md", text: "upper" },
        { task_id: "t2", idx: 0, name: "a.md", text: "two-zero" }, { task_id: "t10", idx: 0, name: "c.md", text: "ten" },
      ];
      assert.equal(await a.runs.create(newRun("run-1", "p", { inputs })), true);
      assert.equal(await a.runs.create(newRun("run-2", "p", { inputs: [{ task_id: "t1", idx: 0, name: "x", text: "other run" }] })), true);
      assert.deepEqual((await b.runs.inlineInputs("run-1")).map((i) => [i.task_id, i.idx, i.name, i.text]), [
        ["T9", 0, "z.md", "upper"], ["t10", 0, "c.md", "ten"], ["t2", 0, "a.md", "two-zero"], ["t2", 1, "b.md", "two-one"],
      ]);
      assert.deepEqual(await b.runs.inlineInputs("nope"), []);
    }));

    test("not found: get, inlineInput and principalOf are undefined; update of an unknown run does nothing", () => withStores(open, async ({ a, b }) => {
      assert.equal(await a.runs.get("nope"), undefined);
      assert.equal(await a.runs.inlineInput("nope", "t1", 0), undefined);
      assert.equal(await a.runs.create(newRun("run-1", "p", { inputs: [{ task_id: "t1", idx: 0, name: "n", text: "t" }] })), true);
      assert.equal(await a.runs.inlineInput("run-1", "t1", 1), undefined);
      assert.equal(await a.runs.inlineInput("run-1", "t2", 0), undefined);
      assert.equal(await a.runs.principalOf("later"), undefined);
      assert.equal(await b.runs.create(newRun("later", "q")), true);
      assert.equal(await a.runs.principalOf("later"), "q", "an unknown run is not remembered as unknown");
      assert.equal(await a.runs.principalOf("run-1"), "p");
      await a.runs.update("nope", { status: "failed", error: "x" });
      assert.equal(await a.runs.get("nope"), undefined);
      assert.deepEqual(await a.runs.idsWithStatus("failed"), []);
    }));

    test("update sets the status, keeps mode and result when not given, replaces the error, moves updated_at", () => withStores(open, async ({ a, b }) => {
      assert.equal(await a.runs.create(newRun("run-1")), true);
      const created = (await a.runs.get("run-1"))!.created_at;
      await new Promise((r) => setTimeout(r, 5));
      await a.runs.update("run-1", { status: "interrupted", workflow_mode: "parallel" });
      await b.runs.update("run-1", { status: "completed", result: { answer: 42, items: [1, "two"] } });
      let row = (await a.runs.get("run-1"))!;
      assert.deepEqual([row.status, row.workflow_mode, row.result, row.error], ["completed", "parallel", { answer: 42, items: [1, "two"] }, null]);
      assert.equal(row.created_at, created);
      assert.ok(row.updated_at > created, "updated_at moves");
      await a.runs.update("run-1", { status: "failed", workflow_mode: null, error: "boom" });
      row = (await b.runs.get("run-1"))!;
      assert.deepEqual([row.status, row.workflow_mode, row.result, row.error], ["failed", "parallel", { answer: 42, items: [1, "two"] }, "boom"]);
      await a.runs.update("run-1", { status: "running" });
      row = (await b.runs.get("run-1"))!;
      assert.deepEqual([row.status, row.error], ["running", null], "an error not given is cleared");
    }));

    test("list: the principal's runs, newest first, ties by run_id descending; limit; summaries only", () => withStores(open, async (h) => {
      await createRuns(h, [["r-old", 0], ["r-b", 1], ["r-a", 1], ["other", 1, "q"], ["r-c", 1], ["r-new", 2]]);
      assert.deepEqual((await h.b.runs.list("p")).map((r) => r.run_id), ["r-new", "r-c", "r-b", "r-a", "r-old"]);
      assert.deepEqual((await h.b.runs.list("p", 2)).map((r) => r.run_id), ["r-new", "r-c"]);
      assert.deepEqual((await h.b.runs.list("p", 4)).map((r) => r.run_id), ["r-new", "r-c", "r-b", "r-a"], "a limit inside a tie cuts it in the same order");
      assert.deepEqual((await h.b.runs.list("q")).map((r) => r.run_id), ["other"]);
      assert.deepEqual(await h.b.runs.list("nobody"), []);
      const [summary] = await h.b.runs.list("q");
      assert.deepEqual(summary, { run_id: "other", status: "running", objective: "objective of other", created_at: summary!.created_at, updated_at: summary!.updated_at });
      assert.equal(summary!.created_at, "2025-01-01T00:00:01.000Z");
    }));

    test("idsStartingWith: the principal's ids, newest first with ties by run_id descending; limit", () => withStores(open, async (h) => {
      // The tied runs are created in ascending id order: an unordered (or insertion-ordered) tie comes out wrong.
      await createRuns(h, [["run-1", 0], ["run-2", 1, "q"], ["run-10", 2], ["run-a", 2], ["run-b", 2], ["other", 3], ["run-9", 4]]);
      assert.deepEqual(await h.a.runs.idsStartingWith("p", "run-"), ["run-9", "run-b", "run-a", "run-10", "run-1"]);
      assert.deepEqual(await h.a.runs.idsStartingWith("p", "run-", 3), ["run-9", "run-b", "run-a"]);
      assert.deepEqual(await h.a.runs.idsStartingWith("p", ""), ["run-9", "other", "run-b", "run-a", "run-10", "run-1"]);
      assert.deepEqual(await h.a.runs.idsStartingWith("p", "run-1"), ["run-10", "run-1"]);
      assert.deepEqual(await h.a.runs.idsStartingWith("q", "run-"), ["run-2"]);
      assert.deepEqual(await h.a.runs.idsStartingWith("q", "run-1"), []);
      assert.deepEqual(await h.a.runs.idsStartingWith("nobody", ""), []);
    }));

    test("idsStartingWith: % _ and \\ are literal; ASCII letters match either case, others exactly", () => withStores(open, async (h) => {
      await createRuns(h, [["a_b", 0], ["axb", 1], ["50%", 2], ["500", 3], ["x\\y", 4], ["xy", 5], ["Run-X", 6], ["Éclair", 7], ["éclair", 8]]);
      assert.deepEqual(await h.a.runs.idsStartingWith("p", "a_"), ["a_b"]);
      assert.deepEqual(await h.a.runs.idsStartingWith("p", "50%"), ["50%"]);
      assert.deepEqual(await h.a.runs.idsStartingWith("p", "x\\"), ["x\\y"]);
      assert.deepEqual(await h.a.runs.idsStartingWith("p", "run-x"), ["Run-X"]);
      assert.deepEqual(await h.a.runs.idsStartingWith("p", "RUN-"), ["Run-X"]);
      assert.deepEqual(await h.a.runs.idsStartingWith("p", "A_B"), ["a_b"]);
      assert.deepEqual(await h.a.runs.idsStartingWith("p", "é"), ["éclair"], "no case folding beyond ASCII");
      assert.deepEqual(await h.a.runs.idsStartingWith("p", "É"), ["Éclair"]);
    }));

    test("idsWithStatus: every principal's runs of that status, oldest first, ties by run_id ascending", () => withStores(open, async (h) => {
      // Created in an order that is neither the ids' nor the times', so neither insertion order nor id order alone passes.
      await createRuns(h, [["z", 1], ["late", 2, "q"], ["a", 1, "q"], ["done", 1], ["m", 1], ["b0", 0], ["M", 1]]);
      await h.a.runs.update("done", { status: "completed" });
      assert.deepEqual(await h.b.runs.idsWithStatus("running"), ["b0", "M", "a", "m", "z", "late"]);
      assert.deepEqual(await h.b.runs.idsWithStatus("completed"), ["done"]);
      assert.deepEqual(await h.b.runs.idsWithStatus("cancelled"), []);
      await h.b.runs.update("z", { status: "interrupted" });
      await h.b.runs.update("a", { status: "interrupted" });
      assert.deepEqual(await h.a.runs.idsWithStatus("interrupted"), ["a", "z"], "by creation time, not by when the status changed");
    }));

    test("amongWithStatus: which of the given runs have the status, in one read; unknown ids and an empty list give nothing", () => withStores(open, async (h) => {
      await createRuns(h, [["r1", 1], ["r2", 1, "q"], ["r3", 2]]);
      await h.a.runs.update("r1", { status: "cancelled" });
      await h.a.runs.update("r2", { status: "cancelled" });
      assert.deepEqual((await h.b.runs.amongWithStatus(["r1", "r2", "r3", "nope"], "cancelled")).sort(), ["r1", "r2"], "every principal's");
      assert.deepEqual(await h.b.runs.amongWithStatus(["r3"], "cancelled"), []);
      assert.deepEqual(await h.b.runs.amongWithStatus(["r3", "r3"], "running"), ["r3"], "an id given twice is one run");
      assert.deepEqual(await h.b.runs.amongWithStatus([], "cancelled"), []);
    }));
  });
}
