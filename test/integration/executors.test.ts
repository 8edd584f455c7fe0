/**
 * The model executors through real clients: sampling answered by a scripted client (one malformed reply,
 * one that never answers), and delegate work orders answered in two batches.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { call, callError, connect, only2025 } from "../helpers/server.js";
import { answer, connectSampling } from "../helpers/sampling-client.js";
import { fiveTaskRequest, timeline, type Status } from "../helpers/workflow.js";

const SCRIPTED: Record<string, string> = {
  t1: answer([["Edge accelerators run inference on a systolic array of multiply-accumulate units.", "technical.md"], ["Power draw stays under 5 watts.", "technical.md"]]),
  t2: answer([["The edge AI chip market reached 12 billion dollars in revenue in 2025.", "market.md"]], 0.8),
  t3: "- Three incumbent vendors hold roughly 60 percent of the market share.\n- Start-up competitors differentiate on power efficiency.",
  t4: answer([["Shipments grew every quarter from 410k to 700k units.", "shipments.csv"]]),
};

test("sampling: branches answered by the client's model; a malformed reply is failed and retried, a silent one times out", { skip: only2025 }, async () => {
  const s = await connectSampling(({ branch_id, attempt }) => {
    if (branch_id === null) return "# Scripted synthesis\n\nThe market reached 12 billion dollars (*market.md*).";
    if (branch_id === "t4" && attempt === 1) return '{"findings": [ {"text": "unterminated';
    if (branch_id === "t5") return "silent";
    return SCRIPTED[branch_id]!;
  });
  try {
    const done = await call<Status & { executor: string }>(s.client, "start_workflow", fiveTaskRequest({ approvals: [], branch_timeout_seconds: 1.5, wait_seconds: 60 }));
    assert.equal(done.executor, "sampling", "auto chose sampling for a client that declares it");
    assert.equal(done.status, "completed");
    assert.deepEqual(done.progress, { branches_total: 5, branches_completed: 4, branches_failed: 1 });
    assert.match(done.result!.report, /^# Scripted synthesis/);
    assert.match(done.result!.report, /## Source attribution/);

    const events = await timeline(s.client, done.run_id);
    const t4 = events.filter((e) => e.branch_id === "t4" && /branch_(failed|retried|completed)/.test(e.event)).map((e) => e.event);
    assert.deepEqual(t4, ["branch_failed", "branch_retried", "branch_completed"]);
    assert.match(String(events.find((e) => e.event === "branch_failed" && e.branch_id === "t4")!.data!.error), /looked like JSON but did not parse/);
    const t5 = events.filter((e) => e.event === "branch_failed" && e.branch_id === "t5");
    assert.ok(t5.length >= 2 && t5.every((e) => e.data!.status === "timed_out"), "t5 timed out on every attempt");

    const run = JSON.parse(((await s.client.readResource({ uri: `orchestrator://runs/${done.run_id}` })).contents[0] as { text: string }).text) as { completed_branches: Record<string, { findings: Array<{ text: string; source: string }> }> };
    assert.deepEqual(run.completed_branches.t2!.findings.map((f) => f.source), ["market.md"]);
    assert.equal(run.completed_branches.t3!.findings.length, 2, "plain text became one finding per line");
    assert.equal(run.completed_branches.t3!.findings[0]!.source, "competitive.md", "a quoted finding is attributed to its input");
    assert.equal(s.stats.perBranch.report, 1, "the synthesis agent wrote the report with the model");
    assert.ok(s.stats.maxTokensRequested > 0);
  } finally {
    await s.close();
  }
});

test("delegate: five work orders pending at once, answered in two batches", async () => {
  const s = await connect({ args: ["--pool-cpu", "4", "--pool-memory-mb", "4096"] });
  try {
    const started = await call<Status>(s.client, "start_workflow", fiveTaskRequest({ approvals: [], executor: "delegate", mode: "parallel" }));
    assert.equal(started.status, "interrupted");
    const orders = started.pending_interrupts;
    assert.deepEqual(orders.map((o) => o.point), Array(5).fill("branch_work"));
    assert.deepEqual(orders.map((o) => o.payload.branch_id).sort(), ["t1", "t2", "t3", "t4", "t5"]);
    const order = orders.find((o) => o.payload.branch_id === "t1")!;
    assert.match(String((order.payload.prompt as { user: string }).user), /systolic array/, "the work order carries the prompt with the inputs");
    assert.equal((order.payload.agent as { agent_type: string }).agent_type, "research_specialist");
    assert.ok(order.payload.expected_answer);

    assert.match(await callError(s.client, "approve_interrupt", { run_id: started.run_id, decision: "approve" }), /waits for branch work.*branch_results/);
    assert.match(await callError(s.client, "approve_interrupt", { run_id: started.run_id, decision: "approve", branch_results: [{ branch_id: "t1", findings: [] }] }), /branch "t1".*findings is empty.*stay paused/);
    assert.match(await callError(s.client, "approve_interrupt", { run_id: started.run_id, decision: "approve", branch_results: [{ branch_id: "t9", findings: ["x"] }] }), /branch "t9" is not waiting for work; waiting: /);
    assert.match(await callError(s.client, "approve_interrupt", { run_id: started.run_id, decision: "approve", branch_results: [{ branch_id: "t1", findings: [{ txt: "typo" }] }] }), /Invalid arguments for tool approve_interrupt: .*branch_results\.0\.findings/);

    const batch1 = await call<Status>(s.client, "approve_interrupt", { run_id: started.run_id, decision: "approve", branch_results: [
      { branch_id: "t1", findings: [{ text: "Delegated: accelerators use systolic arrays for inference.", source: "technical.md" }], confidence: 0.9 },
      { branch_id: "t2", findings: { "market.md": ["Delegated: the market reached 12 billion dollars in 2025."] }, confidence: 0.85 },
    ] });
    assert.equal(batch1.status, "interrupted");
    assert.deepEqual(batch1.pending_interrupts.map((o) => o.payload.branch_id).sort(), ["t3", "t4", "t5"], "the others stay paused");

    const done = await call<Status>(s.client, "approve_interrupt", { run_id: started.run_id, decision: "approve", branch_results: [
      { branch_id: "t3", findings: ["Delegated: three incumbents hold 60 percent of the market share."], confidence: 0.8 },
      { branch_id: "t4", findings: ["Delegated: shipments grew from 410k to 700k units."], confidence: 0.8 },
      { branch_id: "t5", findings: ["Delegated: the fastest chip answers in 2.1 ms."], confidence: 0.7 },
    ] });
    assert.equal(done.status, "completed");
    assert.equal(done.progress.branches_completed, 5);
    for (const t of ["systolic arrays", "12 billion", "three incumbents", "410k to 700k"]) assert.match(done.result!.report, new RegExp(`Delegated: [^\\n]*${t}`));
    const resumed = (await timeline(s.client, started.run_id)).filter((e) => e.event === "resumed");
    assert.equal(resumed.length, 5);
  } finally {
    await s.close();
  }
});
