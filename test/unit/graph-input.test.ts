import { test } from "node:test";
import assert from "node:assert/strict";
import { startInput, storedRunOptions } from "../../src/runs/graph-input.js";
import { InputAccess } from "../../src/runs/input-access.js";
import { prepareRun } from "../../src/runs/start-request.js";
import { StartWorkflowInput } from "../../src/tools/start-workflow.js";

const prepare = (req: Record<string, unknown>) => prepareRun(StartWorkflowInput.parse({ objective: "Study the market", ...req }), new InputAccess([], 1000));

test("a run's start input is the prepared run's tasks, sync points, dependencies, options and mode", async () => {
  const run = await prepare({
    tasks: [{ type: "research", description: "a" }, { id: "deep", type: "analysis", description: "b", depends_on: ["t1"] }],
    sync_points: { first: ["t1"], second: ["deep"] }, mode: "sequential", approvals: ["quality"],
  });
  assert.deepEqual(startInput("run-1", run.objective, storedRunOptions(run)), {
    workflow_id: "run-1", objective: "Study the market", options: run.options, requested_mode: "sequential",
    task_queue: run.tasks, sync_points: run.sync_points, branch_dependencies: run.dependencies,
  });
});

test("recovery rebuilds the same start input from the row's stored options (a JSON round trip)", async () => {
  const run = await prepare({ tasks: [{ type: "research", description: "a", inputs: [{ name: "n", text: "t" }] }, { type: "research", description: "b", depends_on: ["t1"] }] });
  const stored = storedRunOptions(run);
  const fromRow = JSON.parse(JSON.stringify(stored)) as typeof stored;
  assert.deepEqual(startInput("run-2", run.objective, fromRow), startInput("run-2", run.objective, stored));
  assert.equal(startInput("run-2", run.objective, fromRow).requested_mode, null, "mode auto is null: the analyzer decides");
});

test("the stored options keep the graph's options apart from what rebuilds the input", async () => {
  const run = await prepare({ tasks: [{ type: "research", description: "a" }] });
  const input = startInput("run-3", run.objective, storedRunOptions(run));
  assert.deepEqual(Object.keys(input.options!).sort(), Object.keys(run.options).sort(), "no tasks, sync_points or requested_mode in the graph's options");
});

test("a stored run without requested_mode (an older row) starts with the analyzer deciding", () => {
  const input = startInput("run-4", "o", { approvals: [], quality_threshold: 0.7, max_revisions: 2, branch_timeout_seconds: 300, retry_attempts: 2, executor: "builtin", tasks: [], sync_points: [] });
  assert.equal(input.requested_mode, null);
  assert.deepEqual(input.branch_dependencies, {});
});
