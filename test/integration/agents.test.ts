/**
 * The agent factory through a real MCP client: registration and selection, persistence across restarts,
 * the resource pool (errors, release after many runs), learning from failures, pinning and retiring.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { test } from "node:test";
import { call, callError, connect, FIXTURES } from "../helpers/server.js";
import { fiveTaskRequest, readJson, sample, timeline, type Status } from "../helpers/workflow.js";

const POOL = ["--pool-cpu", "4", "--pool-memory-mb", "4096"];
type Generated = { agent_id?: string; specification: { agent_type: string; resource_requirements: { cpu: number; memory_mb: number }; specialization_parameters: Record<string, unknown> }; selection: { chosen: string; candidates: Array<{ agent_type: string; score: number; capability_match: number; performance_score: number; resource_efficiency: number }> } };
type Active = { pool: { used: { cpu: number; memory_mb: number }; free: { cpu: number } }; agents: Array<{ agent_id: string; run_id: string | null; allocated: { cpu: number } }> };
type Templates = { templates: Array<{ agent_type: string; version: number; builtin: boolean; runs: number; success_rate: number; creation_count: number }> };

const lightResearcher = {
  agent_type: "market_scout", description: "A light research agent for market questions", capabilities: ["research"],
  instructions: "Find market evidence in the sources.", resource_requirements: { cpu: 0.1, memory_mb: 64 },
  default_parameters: { depth_level: "brief" },
};

test("a registered template is chosen when it scores best, and survives a restart", async () => {
  const s = await connect({ args: POOL });
  let dbPath = s.dbPath;
  try {
    const reg = await call(s.client, "register_agent_template", lightResearcher);
    assert.deepEqual(reg, { agent_type: "market_scout", version: 1, capabilities: ["research"], created: true });
    assert.match(await callError(s.client, "register_agent_template", lightResearcher), /exists already \(version 1\); pass replace: true/);
    assert.match(await callError(s.client, "register_agent_template", { ...lightResearcher, agent_type: "research_specialist" }), /built-in/);

    const gen = await call<Generated>(s.client, "generate_agent", { task_requirements: { task_description: "market size", capabilities_needed: ["research"], domain: "market" }, instantiate: false });
    assert.equal(gen.selection.chosen, "market_scout");
    const scout = gen.selection.candidates.find((c) => c.agent_type === "market_scout")!;
    const specialist = gen.selection.candidates.find((c) => c.agent_type === "research_specialist")!;
    assert.ok(scout.score > specialist.score);
    assert.equal(scout.capability_match, 1);
    assert.equal(gen.specification.specialization_parameters.research_focus, "market");
    assert.equal(gen.specification.specialization_parameters.depth_level, "brief", "template default used");

    const run = await call<Status>(s.client, "start_workflow", fiveTaskRequest({ approvals: [] }));
    const generated = (await timeline(s.client, run.run_id)).filter((e) => e.event === "agent_generated");
    const types = Object.fromEntries(generated.map((e) => [e.branch_id, e.data!.agent_type]));
    assert.deepEqual(types, { t1: "market_scout", t2: "market_scout", t3: "market_scout", t4: "analysis_specialist", t5: "analysis_specialist" });
  } finally {
    await s.close();
  }
  const again = await connect({ dbPath, args: POOL });
  try {
    const { templates } = await readJson<Templates>(again.client, "orchestrator://agents/templates");
    const scout = templates.find((t) => t.agent_type === "market_scout")!;
    assert.equal(scout.version, 1);
    assert.equal(scout.runs, 3, "three branches ran as market_scout");
    assert.equal(scout.creation_count, 3);
    assert.equal(templates.filter((t) => t.builtin).length, 5);
    const replaced = await call(again.client, "register_agent_template", { ...lightResearcher, replace: true, description: "v2" });
    assert.deepEqual(replaced, { agent_type: "market_scout", version: 2, capabilities: ["research"], created: false });
  } finally {
    await again.close();
  }
});

test("generate_agent beyond the pool's free room is an error naming the free capacity; retire_agent frees it", async () => {
  const s = await connect({ args: ["--pool-cpu", "1", "--pool-memory-mb", "1024"] });
  try {
    const req = { task_requirements: { task_description: "analyze the sales data", capabilities_needed: ["analysis"], detail_level: "comprehensive" } };
    const first = await call<Generated>(s.client, "generate_agent", req);
    assert.equal(first.specification.resource_requirements.cpu, 0.75);
    assert.match(first.agent_id!, /^analysis_specialist-/);
    const err = await callError(s.client, "generate_agent", req);
    assert.match(err, /no room in the resource pool.*cpu 0\.25 of 1 .*free/);
    const active = await readJson<Active>(s.client, "orchestrator://agents/active");
    assert.equal(active.pool.used.cpu, 0.75);
    assert.equal(active.agents[0]!.allocated.cpu, 0.75);
    const retired = await call<{ released: { cpu: number } }>(s.client, "retire_agent", { agent_id: first.agent_id });
    assert.deepEqual(retired.released, { cpu: 0.75, memory_mb: 384 });
    assert.match(await callError(s.client, "retire_agent", { agent_id: first.agent_id }), /retired already/);
    assert.match(await callError(s.client, "retire_agent", { agent_id: "nope" }), /unknown agent_id "nope"/);
    assert.equal((await readJson<Active>(s.client, "orchestrator://agents/active")).pool.used.cpu, 0);
    assert.match(await callError(s.client, "generate_agent", { task_requirements: { task_description: "x", capabilities_needed: ["research", "monitoring"] } }), /no agent template covers every needed capability \(research, monitoring\); registered types: .*research_specialist \[research\].*register_agent_template/);
  } finally {
    await s.close();
  }
});

test("a parallel run's wave is how many of its own agents the free pool holds at once, not a fixed unit", async () => {
  // 1 cpu: three research agents (0.25 each) and the first analysis agent (0.5) would take 1.25, so 3 fit together;
  // counting fixed 0.25-cpu units said 4.
  const s = await connect({ args: ["--pool-cpu", "1", "--pool-memory-mb", "4096"] });
  try {
    const done = await call<Status>(s.client, "start_workflow", fiveTaskRequest({ approvals: [], mode: "parallel" }));
    const events = await timeline(s.client, done.run_id);
    const needs = events.filter((e) => e.event === "agent_generated").map((e) => (e.data!.resources as { cpu: number }).cpu);
    assert.deepEqual(needs, [0.25, 0.25, 0.25, 0.5, 0.5]);
    const mode = events.find((e) => e.event === "mode_selected")!;
    assert.deepEqual([mode.data!.max_concurrent, mode.data!.wave_size], [3, 3]);
  } finally {
    await s.close();
  }
});

test("20 runs in parallel leave the pool's usage at zero and no run agent active", async () => {
  const s = await connect({ args: POOL });
  try {
    const runs = await Promise.all(Array.from({ length: 20 }, () => call<Status>(s.client, "start_workflow", fiveTaskRequest({ approvals: [], wait_seconds: 120 }))));
    assert.deepEqual(runs.map((r) => r.status), Array(20).fill("completed"));
    const active = await readJson<Active>(s.client, "orchestrator://agents/active");
    assert.deepEqual(active.pool.used, { cpu: 0, memory_mb: 0 });
    assert.equal(active.agents.length, 0);
  } finally {
    await s.close();
  }
});

test("a template whose runs keep failing loses selection to a healthier one", async () => {
  const s = await connect({ args: [...POOL, "--allow-dir", FIXTURES] });
  try {
    await call(s.client, "register_agent_template", {
      agent_type: "quick_analyst", description: "Fast, light analysis", capabilities: ["analysis"],
      instructions: "Compute the statistics.", resource_requirements: { cpu: 0.1, memory_mb: 64 },
    });
    const req = { task_requirements: { task_description: "table statistics", capabilities_needed: ["analysis"] }, instantiate: false };
    assert.equal((await call<Generated>(s.client, "generate_agent", req)).selection.chosen, "quick_analyst");
    const failing = await call<Status>(s.client, "start_workflow", {
      objective: "Broken tables", approvals: [],
      tasks: [{ type: "analysis", description: "broken table", inputs: [{ path: path.join(FIXTURES, "malformed.csv") }] }],
    });
    assert.equal(failing.status, "failed");
    const after = await call<Generated>(s.client, "generate_agent", req);
    assert.equal(after.selection.chosen, "analysis_specialist");
    assert.equal(after.selection.candidates.find((c) => c.agent_type === "quick_analyst")!.performance_score, 0);
  } finally {
    await s.close();
  }
});

test("a task pins a generated agent with agent_id; an unknown agent_id is an error", async () => {
  const s = await connect({ args: POOL });
  try {
    const gen = await call<Generated>(s.client, "generate_agent", { task_requirements: { task_description: "find evidence", capabilities_needed: ["research"] } });
    const request = { objective: "Pinned", approvals: [], tasks: [{ type: "research", description: "market revenue growth", agent_id: gen.agent_id, inputs: [{ name: "market.md", text: sample("market.md") }] }] };
    const done = await call<Status>(s.client, "start_workflow", request);
    assert.equal(done.status, "completed");
    const ev = (await timeline(s.client, done.run_id)).find((e) => e.event === "agent_generated")!;
    assert.equal(ev.data!.agent_id, gen.agent_id);
    assert.equal(ev.data!.pinned, true);
    const active = await readJson<Active>(s.client, "orchestrator://agents/active");
    assert.deepEqual(active.agents.map((a) => a.agent_id), [gen.agent_id], "a pinned agent outlives the run");
    assert.match(await callError(s.client, "start_workflow", { ...request, tasks: [{ ...request.tasks[0], agent_id: "ghost" }] }), /agent_id "ghost" is not an active generated agent; generate one with generate_agent/);
    assert.match(await callError(s.client, "start_workflow", { ...request, tasks: [{ ...request.tasks[0], type: "analysis" }] }), /lacks the capability "analysis"/);
  } finally {
    await s.close();
  }
});
