/**
 * Metrics: with --metrics the HTTP server answers GET /metrics in Prometheus text; after a few runs (two completed,
 * one paused, one cancelled, and a model run against a scripted provider on loopback) the counters, the gauges and
 * the histograms say what happened. Without --metrics there is no /metrics, and --metrics over stdio is refused.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { call, SERVER, startHttpServer, tempDir, type HttpServerProcess } from "../helpers/server.js";
import { findingsResponder, startScriptedProvider, type ScriptedProvider } from "../helpers/scripted-provider.js";
import { OPENAI_KEY } from "../helpers/model-server.js";
import { fiveTaskRequest, type Status } from "../helpers/workflow.js";

/** The value of the sample `name{labels}` (labels given as a subset, in any order); undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split("\n")) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})? (\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return undefined;
}

describe("metrics at GET /metrics", () => {
  let server: HttpServerProcess;
  let provider: ScriptedProvider;
  let client: Client;
  before(async () => {
    provider = await startScriptedProvider({ responder: (request, index) => ({ ...findingsResponder()(request, index), usage: { input_tokens: 1000, output_tokens: 50 } }) as never });
    const dir = tempDir();
    server = await startHttpServer([SERVER, "--db", path.join(dir, "c.db"), "--metrics", "--model", "openai:gpt-test", "--model-base-url", `${provider.url}/v1`],
      { ...(process.env as Record<string, string>), OPENAI_API_KEY: OPENAI_KEY });
    client = new Client({ name: "metrics-test", version: "0" });
    await client.connect(new StreamableHTTPClientTransport(new URL(server.url)));
  });
  after(async () => {
    await client?.close();
    await server?.stop();
    await provider?.close();
  });

  test("counters, gauges and histograms match the runs", { timeout: 120_000 }, async () => {
    for (let i = 0; i < 2; i++) assert.equal((await call<Status>(client, "start_workflow", fiveTaskRequest({ approvals: [], executor: "builtin" }))).status, "completed");
    const paused = await call<Status>(client, "start_workflow", fiveTaskRequest({ executor: "builtin" }));
    assert.equal(paused.status, "interrupted");
    const toCancel = await call<Status>(client, "start_workflow", fiveTaskRequest({ executor: "builtin" }));
    await call(client, "cancel_run", { run_id: toCancel.run_id });
    const modelRun = await call<Status>(client, "start_workflow", fiveTaskRequest({ approvals: [], executor: "model" }));
    assert.equal(modelRun.status, "completed", modelRun.error);

    const res = await fetch(new URL("/metrics", server.url));
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /text\/plain/);
    const text = await res.text();
    assert.equal(sample(text, "conductor_runs_started_total"), 5, text);
    assert.equal(sample(text, "conductor_runs_completed_total"), 3);
    assert.equal(sample(text, "conductor_runs_cancelled_total"), 1);
    assert.equal(sample(text, "conductor_runs_failed_total") ?? 0, 0);
    assert.equal(sample(text, "conductor_runs_waiting"), 1, "the paused run");
    assert.equal(sample(text, "conductor_runs_queued"), 0);
    // 5 runs x 5 branches, none failed.
    assert.equal(sample(text, "conductor_branch_duration_count", { conductor_branch_outcome: "completed" }), 25);
    // The model run: one call per branch and one for the report, each billed 1000 in and 50 out.
    const calls = provider.requests.length;
    assert.equal(calls, 6);
    const model = { gen_ai_request_model: "gpt-test", gen_ai_provider_name: "openai" };
    assert.equal(sample(text, "gen_ai_client_operation_duration_count", model), calls);
    assert.equal(sample(text, "gen_ai_client_token_usage_count", { ...model, gen_ai_token_type: "input" }), calls);
    assert.equal(sample(text, "gen_ai_client_token_usage_sum", { ...model, gen_ai_token_type: "input" }), 1000 * calls);
    assert.equal(sample(text, "gen_ai_client_token_usage_sum", { ...model, gen_ai_token_type: "output" }), 50 * calls);
    assert.ok(!text.includes(OPENAI_KEY), "no secret in the metrics");
  });
});

test("without --metrics there is no /metrics; --metrics over stdio is refused at start", async () => {
  const server = await startHttpServer([SERVER, "--db", path.join(tempDir(), "c.db")]);
  try {
    assert.equal((await fetch(new URL("/metrics", server.url))).status, 404);
  } finally {
    await server.stop();
  }
  const stdio = spawnSync(process.execPath, [SERVER, "--metrics"], { encoding: "utf8", input: "" });
  assert.equal(stdio.status, 2);
  assert.match(stdio.stderr, /--metrics serves GET \/metrics over HTTP/);
});
