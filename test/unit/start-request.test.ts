import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { findCycle, prepareRun } from "../../src/runs/start-request.js";
import { StartWorkflowInput } from "../../src/tools/start-workflow.js";
import { InputAccess } from "../../src/runs/input-access.js";

type Raw = Record<string, unknown>;
const research = (extra: Raw = {}): Raw => ({ type: "research", description: "look into it", ...extra });
const prepare = (req: Raw) => prepareRun(StartWorkflowInput.parse({ objective: "Study the market", ...req }), new InputAccess([], 1000));

describe("prepareRun: normalization", () => {
  test("default ids t1..tn, default sync point `all`, defaults filled", async () => {
    const run = await prepare({ tasks: [research(), research({ focus: "market" }), { type: "analysis", description: "numbers", priority: "high" }] });
    assert.deepEqual(run.tasks.map((t) => t.id), ["t1", "t2", "t3"]);
    assert.deepEqual(run.sync_points, [{ name: "all", branch_ids: ["t1", "t2", "t3"] }]);
    assert.deepEqual(run.tasks.map((t) => t.priority), ["normal", "normal", "high"]);
    assert.equal(run.tasks[1]!.focus, "market");
    assert.equal(run.executor, "delegate", "auto without sampling and without inputs on every task is delegate");
    assert.equal(run.requested_mode, null);
    assert.deepEqual(run.options, {
      approvals: ["sync_point", "quality"], quality_threshold: 0.7, max_revisions: 2, branch_timeout_seconds: 300, retry_attempts: 2,
      executor: "delegate", elicit: false,
    });
  });

  test("explicit ids mix with positional defaults; dependencies deduplicated", async () => {
    const run = await prepare({
      tasks: [research(), research({ id: "deep", depends_on: ["t1", "t1"] }), research({ depends_on: ["deep", "t1"] })],
      mode: "sequential", approvals: [],
    });
    assert.deepEqual(run.tasks.map((t) => t.id), ["t1", "deep", "t3"]);
    assert.deepEqual(run.dependencies, { t1: [], deep: ["t1"], t3: ["deep", "t1"] });
    assert.equal(run.requested_mode, "sequential");
    assert.deepEqual(run.options.approvals, []);
  });

  test("inline inputs become references; the text is kept apart", async () => {
    const run = await prepare({ tasks: [research({ inputs: [{ name: "a.txt", text: "héllo" }, { name: "b.txt", text: "" }] })] });
    assert.deepEqual(run.tasks[0]!.inputs, [
      { kind: "inline", index: 0, name: "a.txt", chars: 5 },
      { kind: "inline", index: 1, name: "b.txt", chars: 0 },
    ]);
    assert.deepEqual(run.inline, [
      { task_id: "t1", idx: 0, name: "a.txt", text: "héllo" },
      { task_id: "t1", idx: 1, name: "b.txt", text: "" },
    ]);
  });

  test("given sync points keep their order and members", async () => {
    const run = await prepare({
      tasks: [research(), research(), research({ depends_on: ["t1"] })],
      sync_points: { gather: ["t1", "t2"], conclude: ["t3"] },
    });
    assert.deepEqual(run.sync_points, [{ name: "gather", branch_ids: ["t1", "t2"] }, { name: "conclude", branch_ids: ["t3"] }]);
  });

  test("sync points keep the caller's order even when a name looks like an integer (or the name is refused)", async () => {
    // JSON as a client sends it: "gather" first, then "2".
    const req = JSON.parse('{"tasks":[{"type":"research","description":"a"},{"type":"research","description":"b"}],' +
      '"sync_points":{"gather":["t1"],"2":["t2"]}}') as Raw;
    const outcome = await prepare(req).then((run) => run.sync_points.map((p) => p.name), (e: Error) => e);
    if (outcome instanceof Error) assert.match(`${outcome.name}: ${outcome.message}`, /^UserError: .*"2"/);
    else assert.deepEqual(outcome, ["gather", "2"]);
  });

  test("a task named twice in one point is one member, not 'in two points'", async () => {
    const run = await prepare({ tasks: [research(), research()], sync_points: { a: ["t1", "t1"], b: ["t2"] } });
    assert.deepEqual(run.sync_points, [{ name: "a", branch_ids: ["t1"] }, { name: "b", branch_ids: ["t2"] }]);
  });

  test("a dependency within the same point is allowed", async () => {
    const run = await prepare({ tasks: [research(), research({ depends_on: ["t1"] })], sync_points: { one: ["t2", "t1"] } });
    assert.deepEqual(run.sync_points, [{ name: "one", branch_ids: ["t2", "t1"] }]);
  });
});

describe("prepareRun: errors", () => {
  test("duplicate ids", async () => {
    await assert.rejects(prepare({ tasks: [research({ id: "t2" }), research()] }), /task id "t2" is used twice/);
  });

  test("unknown dependency", async () => {
    await assert.rejects(prepare({ tasks: [research({ depends_on: ["zz"] })] }), /task "t1" depends on unknown task "zz"; known ids: t1/);
  });

  test("self-dependency", async () => {
    await assert.rejects(prepare({ tasks: [research(), research({ depends_on: ["t2"] })] }), /task "t2" depends on itself/);
  });

  test("a cycle, with its path in the message", async () => {
    const tasks = [research({ depends_on: ["t3"] }), research({ depends_on: ["t1"] }), research({ depends_on: ["t2"] })];
    await assert.rejects(prepare({ tasks }), /in a cycle: t1 -> t3 -> t2 -> t1;/);
  });

  test("a sync point naming an unknown task", async () => {
    await assert.rejects(prepare({ tasks: [research()], sync_points: { a: ["t1", "t9"] } }), /sync point "a" names unknown task "t9"/);
  });

  test("a task in two points", async () => {
    await assert.rejects(prepare({ tasks: [research(), research()], sync_points: { a: ["t1"], b: ["t1", "t2"] } }), /task "t1" is in two sync points/);
  });

  test("a task in no point", async () => {
    await assert.rejects(prepare({ tasks: [research(), research(), research()], sync_points: { a: ["t2"] } }), /tasks t1, t3 are in no sync point/);
  });

  test("a dependency on a task in a later sync point", async () => {
    const req = { tasks: [research({ depends_on: ["t2"] }), research()], sync_points: { first: ["t1"], second: ["t2"] } };
    await assert.rejects(prepare(req), /task "t1" depends on "t2", which is in a later sync point/);
  });

  test("inline text over maxBytes counts bytes, not characters", async () => {
    await assert.rejects(prepare({ tasks: [research({ inputs: [{ name: "big.txt", text: "x".repeat(1001) }] })] }),
      /input "big.txt" of task "t1" has 1001 bytes, more than the limit of 1000/);
    await assert.rejects(prepare({ tasks: [research({ inputs: [{ name: "u.txt", text: "é".repeat(501) }] })] }), /has 1002 bytes/);
    const atLimit = await prepare({ tasks: [research({ inputs: [{ name: "ok.txt", text: "x".repeat(1000) }] })] });
    assert.equal(atLimit.inline[0]!.text.length, 1000);
  });

  test("a path input with no allowed dirs", async () => {
    await assert.rejects(prepare({ tasks: [research({ inputs: [{ path: "data/a.csv" }] })] }), /input path "data\/a.csv" cannot be read: no directory is allowed/);
  });

  test("executor: auto picks sampling, else builtin with inputs everywhere, else delegate; sampling needs the client's capability", async () => {
    const withInputs = { tasks: [research({ inputs: [{ name: "a", text: "words" }] })] };
    const opts = StartWorkflowInput.parse({ objective: "o", ...withInputs });
    assert.equal((await prepareRun(opts, new InputAccess([], 1000), true)).executor, "sampling");
    assert.equal((await prepareRun(opts, new InputAccess([], 1000), false)).executor, "builtin");
    assert.equal((await prepare({ tasks: [research({ inputs: [{ name: "a", text: "words" }] }), research()] })).executor, "delegate");
    assert.equal((await prepare({ ...withInputs, executor: "delegate" })).executor, "delegate");
    await assert.rejects(prepare({ tasks: [research()], executor: "sampling" }), /executor "sampling" needs a client that declares the sampling capability/);
  });

  test("errors are UserErrors", async () => {
    await assert.rejects(prepare({ tasks: [research({ depends_on: ["t1"] })] }), (e: Error) => e.name === "UserError");
  });
});

describe("findCycle", () => {
  test("null for an acyclic graph, including diamonds and unknown ids", () => {
    assert.equal(findCycle({}), null);
    assert.equal(findCycle({ a: [], b: ["a"], c: ["a"], d: ["b", "c"] }), null);
    assert.equal(findCycle({ a: ["ghost"] }), null);
  });

  test("returns the cycle path, closed on its first id", () => {
    assert.deepEqual(findCycle({ a: ["b"], b: ["a"] }), ["a", "b", "a"]);
    assert.deepEqual(findCycle({ a: ["a"] }), ["a", "a"]);
  });

  test("the path starts at the cycle, not at the id leading into it", () => {
    assert.deepEqual(findCycle({ x: ["a"], a: ["b"], b: ["c"], c: ["a"] }), ["a", "b", "c", "a"]);
  });
});
