/**
 * The resources: the runs list, a run's state, timeline and graph, the templates with list and completion,
 * and the tool list with output schemas.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { call, connect, type Connected } from "../helpers/server.js";
import { fiveTaskRequest, readJson, type Status } from "../helpers/workflow.js";

describe("resources", () => {
  let s: Connected;
  let done: Status;
  let paused: Status;
  before(async () => {
    s = await connect();
    done = await call<Status>(s.client, "start_workflow", fiveTaskRequest({ approvals: [], run_id: "res-done" }));
    paused = await call<Status>(s.client, "start_workflow", fiveTaskRequest({ run_id: "res-paused" }));
  });
  after(async () => { await s.close(); });

  test("tools/list has exactly the contract's tools, each with an output schema", async () => {
    const { tools } = await s.client.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), [
      "approve_interrupt", "cancel_run", "delete_run", "fork_run", "generate_agent", "get_run_history", "get_timeline", "register_agent_template", "retire_agent", "start_workflow",
    ]);
    for (const t of tools) {
      assert.equal(t.outputSchema?.type, "object", `${t.name} outputSchema`);
      assert.ok(t.description && t.description.length > 80, `${t.name} description`);
      assert.ok(t.annotations, `${t.name} annotations`);
    }
  });

  test("orchestrator://runs lists runs newest first", async () => {
    const { runs } = await readJson<{ runs: Array<{ run_id: string; status: string; objective: string; created_at: string }> }>(s.client, "orchestrator://runs");
    assert.deepEqual(runs.map((r) => r.run_id).slice(0, 2), ["res-paused", "res-done"]);
    assert.equal(runs[0]!.status, "interrupted");
    assert.match(runs[1]!.objective, /edge AI/);
  });

  test("a run's resource has its status, tasks and completed branches with findings best first", async () => {
    const run = await readJson<Status & { tasks: Array<{ id: string }>; completed_branches: Record<string, { node: string; status: string; findings: Array<{ text: string; source: string; score: number }> }> }>(s.client, "orchestrator://runs/res-done");
    assert.equal(run.status, "completed");
    assert.equal(run.tasks.length, 5);
    const alpha = run.completed_branches.t1!;
    assert.equal(alpha.node, "research_branch_alpha");
    assert.equal(alpha.status, "success");
    assert.equal(alpha.findings[0]!.source, "technical.md");
    const scores = alpha.findings.map((f) => f.score);
    assert.deepEqual(scores, [...scores].sort((a, b) => b - a));
  });

  test("resource templates list and complete run ids", async () => {
    const { resourceTemplates } = await s.client.listResourceTemplates();
    assert.deepEqual(resourceTemplates.map((t) => t.uriTemplate).sort(), [
      "orchestrator://runs/{run_id}", "orchestrator://runs/{run_id}/graph", "orchestrator://runs/{run_id}/timeline",
    ]);
    const { resources } = await s.client.listResources();
    assert.ok(resources.some((r) => r.uri === "orchestrator://runs/res-done"));
    const completion = await s.client.complete({ ref: { type: "ref/resource", uri: "orchestrator://runs/{run_id}" }, argument: { name: "run_id", value: "res-p" } });
    assert.deepEqual(completion.completion.values, ["res-paused"]);
  });

  test("the timeline resource and the graph resource", async () => {
    const tl = await readJson<{ events: Array<{ seq: number; event: string }>; total: number }>(s.client, "orchestrator://runs/res-done/timeline");
    assert.equal(tl.events[0]!.event, "run_started");
    assert.equal(tl.total, done.timeline_length);
    const graph = await s.client.readResource({ uri: `orchestrator://runs/${paused.run_id}/graph` });
    const text = (graph.contents[0] as { text: string; mimeType: string }).text;
    assert.equal(graph.contents[0]!.mimeType, "text/vnd.mermaid");
    assert.match(text, /^graph TD|\ngraph TD/);
    for (const node of ["task_analyzer", "parallel_coordinator", "research_branch_gamma", "load_balancer", "quality_validator", "final_integrator"]) {
      assert.match(text, new RegExp(node));
    }
    assert.match(text, /class [^\n]*task_analyzer[^\n]* passed;/);
    assert.match(text, /class sync_point_manager waiting;/);
    assert.doesNotMatch(text, /class [^\n]*final_integrator[^\n]* passed;/, "a paused run has not reached the integrator");
  });

  test("reading an unknown run is an error", async () => {
    await assert.rejects(s.client.readResource({ uri: "orchestrator://runs/nope" }), /unknown run_id "nope"/);
  });
});
