/**
 * delete_run: a finished run is deleted with all of it (afterwards an unknown id everywhere, and on SQLite its
 * document text is gone from the database file and its write-ahead log, not only unlinked); other runs stay as
 * they were; a running or paused run must be cancelled first. Another principal's run: test/http/http.test.ts.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import { BACKEND, call, callError, connect } from "../helpers/server.js";
import { fiveTaskRequest, readJson, timeline, type Status } from "../helpers/workflow.js";

/** A five-task run whose first document carries `marker` in every sentence (so findings and report carry it too). */
function markedRequest(marker: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const request = fiveTaskRequest({ approvals: [], wait_seconds: 60, ...extra }) as { tasks: Array<{ inputs: Array<{ name: string; text: string }> }> };
  const first = request.tasks[0]!.inputs[0]!;
  first.text = first.text.split(/(?<=\.)\s+/).map((sentence) => `${sentence} (${marker})`).join(" ");
  return request;
}

/** Whether the SQLite database file or its write-ahead log holds `text`. */
function fileHolds(dbPath: string, text: string): boolean {
  return [dbPath, `${dbPath}-wal`].some((file) => fs.existsSync(file) && fs.readFileSync(file).includes(text));
}

test("delete_run: the run is unknown afterwards, its text is gone from the file and the log, and other runs are intact", { timeout: 120_000 }, async () => {
  const s = await connect();
  try {
    const marker = `ZEBRA-${randomUUID()}`;
    const doomed = await call<Status>(s.client, "start_workflow", markedRequest(marker));
    const kept = await call<Status>(s.client, "start_workflow", markedRequest("KEPT-MARKER"));
    assert.equal(doomed.status, "completed");
    assert.equal(kept.status, "completed");
    const keptTimeline = await timeline(s.client, kept.run_id);
    if (BACKEND === "sqlite") assert.ok(fileHolds(s.dbPath, marker), "before: the database holds the run's text (else this test could not fail)");

    const deleted = await call<{ run_id: string; deleted: boolean }>(s.client, "delete_run", { run_id: doomed.run_id });
    assert.deepEqual(deleted, { run_id: doomed.run_id, deleted: true });

    await assert.rejects(s.client.readResource({ uri: `orchestrator://runs/${doomed.run_id}` }), /unknown run_id/);
    assert.match(await callError(s.client, "get_timeline", { run_id: doomed.run_id }), /unknown run_id/);
    assert.match(await callError(s.client, "delete_run", { run_id: doomed.run_id }), /unknown run_id/);
    assert.match(await callError(s.client, "approve_interrupt", { run_id: doomed.run_id, decision: "approve" }), /unknown run_id/);
    const listed = await readJson<{ runs: Array<{ run_id: string }> }>(s.client, "orchestrator://runs");
    assert.deepEqual(listed.runs.map((r) => r.run_id), [kept.run_id]);
    if (BACKEND === "sqlite") assert.ok(!fileHolds(s.dbPath, marker), "after: neither the file nor the log holds the deleted run's text");

    assert.equal((await readJson<Status>(s.client, `orchestrator://runs/${kept.run_id}`)).status, "completed");
    assert.deepEqual(await timeline(s.client, kept.run_id), keptTimeline, "the other run's timeline is as it was");
    if (BACKEND === "sqlite") assert.ok(fileHolds(s.dbPath, "KEPT-MARKER"), "the other run's text is still there");

    // The same principal may use the id again: a new run.
    const again = await call<Status>(s.client, "start_workflow", { ...markedRequest("AGAIN"), run_id: doomed.run_id });
    assert.equal(again.status, "completed");
    assert.equal((await timeline(s.client, again.run_id)).filter((e) => e.event === "run_started").length, 1);
  } finally {
    await s.close();
  }
});

test("delete_run refuses a paused or running run until it is cancelled, and an unknown id", { timeout: 60_000 }, async () => {
  const s = await connect();
  try {
    const paused = await call<Status>(s.client, "start_workflow", fiveTaskRequest());
    assert.equal(paused.status, "interrupted");
    assert.match(await callError(s.client, "delete_run", { run_id: paused.run_id }), /is interrupted; only a finished run can be deleted: cancel it first with cancel_run/);
    assert.equal((await readJson<Status>(s.client, `orchestrator://runs/${paused.run_id}`)).status, "interrupted", "the refused deletion changed nothing");
    await call(s.client, "cancel_run", { run_id: paused.run_id });
    await call(s.client, "delete_run", { run_id: paused.run_id });
    assert.match(await callError(s.client, "delete_run", { run_id: "no-such-run" }), /unknown run_id "no-such-run"/);
  } finally {
    await s.close();
  }
});
