/**
 * Approvals in-band for MCP 2026-07-28 clients: a run started with `elicit: true` by a client that declared
 * elicitation pauses, and the call answers `input_required` with the decision form; the SDK v2 client asks its
 * elicitation handler and retries the call with the answer, which resumes the run. A declined form leaves the pause
 * to approve_interrupt (whose call then asks about the next pause in-band). Without elicit nothing is asked.
 * 2025-11-25 clients are asked by a request the server pushes instead (mcp-features.test.ts).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { call, connect, modernClient, only2026 } from "../helpers/server.js";
import { fiveTaskRequest, timeline, type Status } from "../helpers/workflow.js";

type Answer = { action: "accept" | "decline" | "cancel"; content?: Record<string, string> };

test("input_required at each pause: the retried start_workflow resumes the run and completes it", { skip: only2026, timeout: 120_000 }, async () => {
  const e = await connect({ clientName: "eliciting-2026", capabilities: { elicitation: { form: {} } } });
  try {
    const client = modernClient(e);
    const asked: Array<{ message: string; options: unknown }> = [];
    let answers: Answer[] = [];
    client.setRequestHandler("elicitation/create", async (request) => {
      const params = request.params as { message: string; requestedSchema?: { properties?: { decision?: { enum?: unknown } } } };
      asked.push({ message: params.message, options: params.requestedSchema?.properties?.decision?.enum });
      return answers.shift() ?? { action: "cancel" };
    });

    answers = [{ action: "accept", content: { decision: "approve" } }, { action: "accept", content: { decision: "approve" } }];
    const done = await call<Status>(e.client, "start_workflow", fiveTaskRequest({ elicit: true, wait_seconds: 60 }));
    assert.equal(done.status, "completed", JSON.stringify(done.pending_interrupts));
    assert.equal(asked.length, 2, "one form per pause");
    assert.match(asked[0]!.message, /paused at sync_point/);
    assert.match(asked[1]!.message, /paused at quality/);
    assert.deepEqual(asked[0]!.options, ["approve", "revise", "reject"]);
    const resumedFirst = (await timeline(e.client, done.run_id)).filter((ev) => ev.event === "resumed");
    assert.deepEqual(resumedFirst.map((ev) => ev.data!.via), ["elicitation", "elicitation"]);

    // Declined: the run waits for approve_interrupt, whose call asks about the next pause in-band.
    asked.length = 0;
    answers = [{ action: "decline" }];
    const waiting = await call<Status>(e.client, "start_workflow", fiveTaskRequest({ elicit: true, wait_seconds: 60 }));
    assert.equal(waiting.status, "interrupted", "a declined form leaves the run paused");
    assert.equal(waiting.pending_interrupts[0]?.point, "sync_point");
    assert.equal(asked.length, 1, "a declined form is not asked again in the same call");
    // The form's revise runs the branches again: they pause at the sync point, then at the quality gate, each asked.
    answers = ["revise", "approve", "approve"].map((decision) => ({ action: "accept" as const, content: { decision, ...(decision === "revise" ? { feedback: "cite the benchmark tables" } : {}) } }));
    const finished = await call<Status>(e.client, "approve_interrupt", { run_id: waiting.run_id, decision: "approve", wait_seconds: 60 });
    assert.equal(finished.status, "completed", JSON.stringify(finished.pending_interrupts));
    assert.deepEqual(asked.slice(1).map((a) => /paused at (\w+)/.exec(a.message)?.[1]), ["quality", "sync_point", "quality"]);
    const resumed = (await timeline(e.client, waiting.run_id)).filter((ev) => ev.event === "resumed").map((ev) => ev.data!);
    assert.deepEqual(resumed.map((d) => [d.point, d.decision, d.via ?? "approve_interrupt"]), [
      ["sync_point", "approve", "approve_interrupt"],
      ["quality", "revise", "elicitation"],
      ["sync_point", "approve", "elicitation"],
      ["quality", "approve", "elicitation"],
    ]);
    assert.equal(resumed[1]!.feedback, "cite the benchmark tables", "the form's feedback reached the run");
  } finally {
    await e.close();
  }
});

test("without elicit, or from a client that declared no elicitation, a pause is a plain result", { skip: only2026, timeout: 60_000 }, async () => {
  const e = await connect({ clientName: "eliciting-2026", capabilities: { elicitation: { form: {} } } });
  const plain = await connect({ clientName: "plain-2026" });
  try {
    let asked = 0;
    modernClient(e).setRequestHandler("elicitation/create", async () => { asked++; return { action: "cancel" }; });
    const paused = await call<Status>(e.client, "start_workflow", fiveTaskRequest({ wait_seconds: 60 }));
    assert.equal(paused.status, "interrupted");
    assert.equal(asked, 0);
    const alsoPaused = await call<Status>(plain.client, "start_workflow", fiveTaskRequest({ elicit: true, wait_seconds: 60 }));
    assert.equal(alsoPaused.status, "interrupted");
  } finally {
    await Promise.all([e.close(), plain.close()]);
  }
});
