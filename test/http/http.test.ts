/**
 * The Streamable HTTP transport: bearer authentication, Host and Origin checks, /healthz, and isolation
 * between principals (runs, timelines, subscriptions, templates, agents). The rest of the client suite runs
 * over HTTP too (CONDUCTOR_TEST_TRANSPORT=http in npm test).
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { SERVER, call, callError, tempDir } from "../helpers/server.js";
import { fiveTaskRequest, readJson, type Status } from "../helpers/workflow.js";

const TOKEN_A = "token-of-alice-0123456789";
const TOKEN_B = "token-of-bob-0123456789ab";

async function startServer(args: string[]): Promise<{ child: ChildProcess; url: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [SERVER, "--transport", "http", "--port", "0", ...args], { stdio: ["ignore", "ignore", "pipe"] });
  let err = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr!.on("data", (d: Buffer) => {
      err += d.toString();
      const m = /serving Streamable HTTP on (http:\/\/\S+)/.exec(err);
      if (m) resolve(m[1]!);
    });
    void exited.then(() => reject(new Error(err)));
  });
  return { child, url, async stop() { child.kill("SIGTERM"); await exited; } };
}

async function clientFor(url: string, token: string): Promise<Client> {
  const client = new Client({ name: `http-test-${token.slice(9, 12)}`, version: "0.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
  return client;
}

const initialize = { jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "0" } } };
const post = (url: string, headers: Record<string, string>, body: unknown = initialize) =>
  fetch(url, { method: "POST", headers: { "Content-Type": "application/json", Accept: "application/json, text/event-stream", ...headers }, body: JSON.stringify(body) });

describe("Streamable HTTP with bearer tokens", () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let alice: Client;
  let bob: Client;
  before(async () => {
    const dir = tempDir();
    const tokens = path.join(dir, "tokens.txt");
    fs.writeFileSync(tokens, `# token principal\n${TOKEN_A} alice\n${TOKEN_B} bob\n`);
    server = await startServer(["--db", path.join(dir, "c.db"), "--auth-tokens", tokens, "--pool-cpu", "4", "--pool-memory-mb", "4096"]);
    alice = await clientFor(server.url, TOKEN_A);
    bob = await clientFor(server.url, TOKEN_B);
  });
  after(async () => {
    await Promise.all([alice.close(), bob.close()]);
    await server.stop();
  });

  test("no token or an unknown one: 401 with WWW-Authenticate: Bearer", async () => {
    const attempts: Array<Record<string, string>> = [{}, { Authorization: "Bearer not-a-token-of-anyone" }, { Authorization: "Basic YWxpY2U6eA==" }];
    for (const headers of attempts) {
      const res = await post(server.url, headers);
      assert.equal(res.status, 401);
      assert.match(res.headers.get("www-authenticate") ?? "", /^Bearer /);
      await res.body?.cancel();
    }
  });

  test("GET /healthz answers status, version and backend", async () => {
    const res = await fetch(new URL("/healthz", server.url));
    assert.equal(res.status, 200);
    const body = (await res.json()) as Record<string, unknown>;
    assert.equal(body.status, "ok");
    assert.equal(body.backend, "sqlite");
    assert.match(String(body.version), /^\d+\.\d+\.\d+/);
  });

  test("a foreign Origin or Host is refused (DNS rebinding)", async () => {
    const evilOrigin = await post(server.url, { Authorization: `Bearer ${TOKEN_A}`, Origin: "https://evil.example" });
    assert.equal(evilOrigin.status, 403);
    await evilOrigin.body?.cancel();
    const localOrigin = await post(server.url, { Authorization: `Bearer ${TOKEN_A}`, Origin: "http://localhost:5173" });
    assert.equal(localOrigin.status, 200);
    await localOrigin.body?.cancel();
    // fetch may not set Host; node:http may.
    const evilHost = await new Promise<number>((resolve, reject) => {
      const req = http.request(server.url, { method: "POST", headers: { Host: "evil.example", Authorization: `Bearer ${TOKEN_A}`, "Content-Type": "application/json", Accept: "application/json, text/event-stream" } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.once("error", reject);
      req.end(JSON.stringify(initialize));
    });
    assert.equal(evilHost, 403);
  });

  test("another principal's session id is an unknown session", async () => {
    const res = await post(server.url, { Authorization: `Bearer ${TOKEN_A}` });
    const sessionId = res.headers.get("mcp-session-id")!;
    await res.body?.cancel();
    const stolen = await post(server.url, { Authorization: `Bearer ${TOKEN_B}`, "Mcp-Session-Id": sessionId, "Mcp-Protocol-Version": "2025-06-18" }, { jsonrpc: "2.0", id: 2, method: "tools/list" });
    assert.equal(stolen.status, 404);
    await stolen.body?.cancel();
  });

  test("principal B cannot see, read, approve, cancel or subscribe to A's run", async () => {
    const run = await call<Status>(alice, "start_workflow", fiveTaskRequest({ run_id: "alice-run" }));
    assert.equal(run.status, "interrupted");
    const unknown = /unknown run_id "alice-run"/;
    assert.match(await callError(bob, "approve_interrupt", { run_id: "alice-run", decision: "approve" }), unknown);
    assert.match(await callError(bob, "cancel_run", { run_id: "alice-run" }), unknown);
    assert.match(await callError(bob, "get_timeline", { run_id: "alice-run" }), unknown);
    assert.match(await callError(bob, "get_run_history", { run_id: "alice-run" }), unknown);
    const [quality] = (await call<{ checkpoints: Array<{ checkpoint_id: string }> }>(alice, "get_run_history", { run_id: "alice-run" })).checkpoints.slice(-1);
    assert.match(await callError(bob, "fork_run", { run_id: "alice-run", checkpoint_id: quality!.checkpoint_id }), unknown);
    await assert.rejects(bob.readResource({ uri: "orchestrator://runs/alice-run" }), unknown);
    await assert.rejects(bob.subscribeResource({ uri: "orchestrator://runs/alice-run" }), unknown);
    assert.match(await callError(bob, "start_workflow", fiveTaskRequest({ run_id: "alice-run" })), /run_id "alice-run" cannot be used/);
    const bobsList = await readJson<{ runs: Array<{ run_id: string }> }>(bob, "orchestrator://runs");
    assert.ok(!bobsList.runs.some((r) => r.run_id === "alice-run"), "B's list leaves A's run out");
    assert.ok(!(await bob.listResources()).resources.some((r) => r.uri.endsWith("/alice-run")));
    const alicesList = await readJson<{ runs: Array<{ run_id: string }> }>(alice, "orchestrator://runs");
    assert.ok(alicesList.runs.some((r) => r.run_id === "alice-run"));
    const cancelled = await call<Status>(alice, "cancel_run", { run_id: "alice-run" });
    assert.equal(cancelled.status, "cancelled");
    // Finished: B still cannot delete it, A can; and the deleted id never becomes B's.
    assert.match(await callError(bob, "delete_run", { run_id: "alice-run" }), unknown);
    assert.equal((await readJson<Status>(alice, "orchestrator://runs/alice-run")).status, "cancelled", "B's attempt deleted nothing");
    await call(alice, "delete_run", { run_id: "alice-run" });
    assert.match(await callError(bob, "start_workflow", fiveTaskRequest({ run_id: "alice-run" })), /run_id "alice-run" cannot be used/);
  });

  test("registered templates and generated agents belong to their principal", async () => {
    const template = { agent_type: "patent_scout", description: "Finds patents", capabilities: ["research"], instructions: "Search patents." };
    assert.equal((await call<{ created: boolean }>(alice, "register_agent_template", template)).created, true);
    const templatesOf = async (c: Client) => (await readJson<{ templates: Array<{ agent_type: string }> }>(c, "orchestrator://agents/templates")).templates.map((t) => t.agent_type);
    assert.ok((await templatesOf(alice)).includes("patent_scout"));
    assert.ok(!(await templatesOf(bob)).includes("patent_scout"), "B does not see A's template");
    assert.ok((await templatesOf(bob)).includes("research_specialist"), "both see the built-ins");
    assert.equal((await call<{ created: boolean; version: number }>(bob, "register_agent_template", { ...template, description: "Bob's" })).version, 1, "B registers the same name independently");

    const generated = await call<{ agent_id: string }>(alice, "generate_agent", { task_requirements: { task_description: "research chips", capabilities_needed: ["research"] } });
    assert.match(await callError(bob, "retire_agent", { agent_id: generated.agent_id }), new RegExp(`unknown agent_id "${generated.agent_id}"`));
    const activeOf = async (c: Client) => (await readJson<{ agents: Array<{ agent_id: string }> }>(c, "orchestrator://agents/active")).agents.map((a) => a.agent_id);
    assert.ok(!(await activeOf(bob)).includes(generated.agent_id));
    assert.ok((await activeOf(alice)).includes(generated.agent_id));
    await call(alice, "retire_agent", { agent_id: generated.agent_id });
  });
});

test("listening on a non-loopback address without tokens is refused at start", async () => {
  const child = spawn(process.execPath, [SERVER, "--transport", "http", "--host", "0.0.0.0", "--port", "0", "--db", path.join(tempDir(), "c.db")], { stdio: ["ignore", "ignore", "pipe"] });
  let err = "";
  child.stderr!.on("data", (d: Buffer) => { err += d.toString(); });
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  assert.equal(code, 2);
  assert.match(err, /refusing to listen on 0\.0\.0\.0 without authentication/);
});
