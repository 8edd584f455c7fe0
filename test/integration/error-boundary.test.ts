/**
 * The error boundary: an internal error (here a corrupt timeline row, written into the SQLite file behind the
 * server's back) reaches the client as `internal error <id>` and nothing more, in a tool's error result and in
 * a resource read's error, while the server's stderr has the stack under the same id. The client's MCP log
 * never carries it; a caller's error (an unknown run) still says what was wrong.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import Database from "better-sqlite3";
import { LoggingMessageNotificationSchema, type CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { call, callError, connect, sqliteOnly, type Connected, only2025 } from "../helpers/server.js";
import type { Status } from "../helpers/workflow.js";

const INTERNAL = /^internal error ([0-9a-f]{8})$/;

/** Resolves with stderr once it has the line of internal error `id` (stderr may arrive after the response). */
async function stderrWith(s: Connected, id: string): Promise<string> {
  const deadline = Date.now() + 5000;
  while (!s.stderr().includes(`internal error ${id} `) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  return s.stderr();
}

/** The stack logged for internal error `id`: its line and the `at ...` frames after it. */
function loggedStack(stderr: string, id: string): string {
  const start = stderr.indexOf(`internal error ${id} `);
  assert.ok(start >= 0, `stderr has internal error ${id}:\n${stderr.slice(-2000)}`);
  return stderr.slice(start).split(/\n(?=\d{4}-\d\d-\d\dT)/)[0]!;
}

// sqliteOnly: corrupts a row of the SQLite file (better-sqlite3) under the running server.
describe("error boundary", { skip: sqliteOnly || only2025 }, () => {
  let s: Connected;
  let runId: string;
  const logged: string[] = [];

  before(async () => {
    s = await connect({
      prepare: (client) => client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void logged.push(JSON.stringify(n.params))),
    });
    const done = await call<Status>(s.client, "start_workflow", {
      objective: "Check the boundary", approvals: [], executor: "builtin", quality_threshold: 0,
      tasks: [{ type: "research", description: "latency", inputs: [{ name: "notes.md", text: "Latency fell by half. Power stayed flat." }] }],
    });
    assert.equal(done.status, "completed");
    runId = done.run_id;
    const db = new Database(s.dbPath);
    try {
      db.pragma("busy_timeout = 5000");
      const changed = db.prepare("UPDATE conductor_events SET data = '{\"truncated' WHERE run_id = ? AND data IS NOT NULL").run(runId).changes;
      assert.ok(changed > 0, "the run has timeline rows with data to corrupt");
    } finally {
      db.close();
    }
  });
  after(async () => { await s.close(); });

  test("a tool's internal error is 'internal error <id>' to the client, its stack on stderr under the id", async () => {
    const result = (await s.client.callTool({ name: "get_timeline", arguments: { run_id: runId } })) as CallToolResult;
    assert.equal(result.isError, true);
    assert.equal(result.content.length, 1);
    const text = result.content[0]!.type === "text" ? result.content[0]!.text : "";
    const id = INTERNAL.exec(text)?.[1];
    assert.ok(id, `the client sees only "internal error <id>", got ${JSON.stringify(text)}`);
    assert.equal(result.structuredContent, undefined);

    const stack = loggedStack(await stderrWith(s, id), id);
    assert.match(stack, new RegExp(`internal error ${id} in tools/call get_timeline`));
    assert.match(stack, /SyntaxError/, "the error itself is logged");
    assert.match(stack, /\n\s+at .*timeline-store/, "with its stack, down to the store that read the row");
    assert.ok(!logged.some((m) => m.includes(id) || m.includes("SyntaxError")), "the stack goes to stderr only, never to the client's MCP log");
  });

  test("a resource read's internal error is the request error 'internal error <id>'", async () => {
    const error = await s.client.readResource({ uri: `orchestrator://runs/${runId}/timeline` }).then(() => undefined, (e: Error) => e);
    assert.ok(error, "the read fails");
    const id = /internal error ([0-9a-f]{8})$/.exec(error.message)?.[1];
    assert.ok(id, `the client sees only "internal error <id>", got ${JSON.stringify(error.message)}`);
    assert.doesNotMatch(error.message, /JSON|SyntaxError|Unexpected|Unterminated/);
    const stack = loggedStack(await stderrWith(s, id), id);
    assert.match(stack, new RegExp(`internal error ${id} in resources/read run_timeline`));
    assert.match(stack, /SyntaxError[\s\S]*\n\s+at /);
  });

  test("each internal error has its own id", async () => {
    const ids = await Promise.all([1, 2].map(async () => INTERNAL.exec(await callError(s.client, "get_timeline", { run_id: runId }))?.[1]));
    assert.ok(ids[0] && ids[1] && ids[0] !== ids[1], `two ids: ${ids.join(", ")}`);
  });

  test("a caller's error still says what was wrong", async () => {
    assert.match(await callError(s.client, "get_timeline", { run_id: "no-such-run" }), /unknown run_id "no-such-run"; list runs with the resource orchestrator:\/\/runs/);
    assert.match(await callError(s.client, "get_timeline", { run_id: runId, limit: 0 }), /limit/, "and the SDK's input validation as before");
    assert.match(await callError(s.client, "cancel_run", { run_id: runId }), /is completed already; only a running or paused run can be cancelled/);
  });
});
