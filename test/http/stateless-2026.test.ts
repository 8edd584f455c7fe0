/**
 * MCP 2026-07-28 over HTTP is stateless: two server processes on one database, and a 2026 client (SDK v2) whose
 * requests go to one and the other in turn, as behind a load balancer without sticky sessions. It starts a run,
 * answers both of its approvals and reads its resources; every request is answered, wherever it lands. Bearer
 * tokens hold there too: another principal's token sees none of it.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { Client, StreamableHTTPClientTransport, type CallToolResult, type ClientCapabilities } from "@modelcontextprotocol/client";
import { SERVER, startHttpServer, tempDir, type HttpServerProcess } from "../helpers/server.js";
import { fiveTaskRequest, type Status } from "../helpers/workflow.js";

const TOKEN_ALICE = "token-of-alice-0123456789";
const TOKEN_BOB = "token-of-bob-0123456789ab";

/** A 2026-07-28 client whose every HTTP request goes to the next of `urls` in turn; `served` counts them per URL. */
async function alternatingClient(urls: string[], token: string, served: Map<string, number>, capabilities?: ClientCapabilities): Promise<Client> {
  let next = 0;
  const roundRobin: typeof fetch = (input, init) => {
    const target = urls[next++ % urls.length]!;
    served.set(target, (served.get(target) ?? 0) + 1);
    const url = new URL(input instanceof Request ? input.url : String(input));
    return fetch(new URL(url.pathname + url.search, target), init);
  };
  const client = new Client({ name: "stateless-2026", version: "0.0.0" }, { versionNegotiation: { mode: { pin: "2026-07-28" } }, ...(capabilities ? { capabilities } : {}) });
  await client.connect(new StreamableHTTPClientTransport(new URL(urls[0]!), { fetch: roundRobin, requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
  return client;
}

async function readText(client: Client, uri: string): Promise<string> {
  const first = (await client.readResource({ uri })).contents[0];
  if (!first || !("text" in first)) throw new Error(`${uri} has no text content`);
  return first.text;
}

async function callTool<T>(client: Client, name: string, args: Record<string, unknown>): Promise<T> {
  const result: CallToolResult = await client.callTool({ name, arguments: args });
  if (result.isError) throw new Error(`${name} answered an error: ${JSON.stringify(result.content)}`);
  return result.structuredContent as T;
}

describe("MCP 2026-07-28 over HTTP, two processes on one database", () => {
  let a: HttpServerProcess;
  let b: HttpServerProcess;
  const served = new Map<string, number>();
  let alice: Client;
  let bob: Client;
  before(async () => {
    const dir = tempDir();
    const tokens = path.join(dir, "tokens.txt");
    fs.writeFileSync(tokens, `${TOKEN_ALICE} alice\n${TOKEN_BOB} bob\n`);
    const args = [SERVER, "--db", path.join(dir, "shared.db"), "--auth-tokens", tokens, "--pool-cpu", "4", "--pool-memory-mb", "4096"];
    [a, b] = await Promise.all([startHttpServer(args), startHttpServer(args)]);
    alice = await alternatingClient([a.url, b.url], TOKEN_ALICE, served);
    bob = await alternatingClient([b.url, a.url], TOKEN_BOB, new Map());
  });
  after(async () => {
    await Promise.all([alice?.close(), bob?.close()]);
    await Promise.all([a?.stop(), b?.stop()]);
  });

  test("a run started on one process is answered and read on either, with no session", async () => {
    assert.equal(alice.getNegotiatedProtocolVersion(), "2026-07-28");
    const started = await callTool<Status>(alice, "start_workflow", fiveTaskRequest({ wait_seconds: 60 }));
    assert.equal(started.status, "interrupted", JSON.stringify(started));
    const atQuality = await callTool<Status>(alice, "approve_interrupt", { run_id: started.run_id, decision: "approve", wait_seconds: 60 });
    assert.equal(atQuality.status, "interrupted", JSON.stringify(atQuality));
    assert.equal(atQuality.pending_interrupts[0]?.point, "quality");
    const done = await callTool<Status>(alice, "approve_interrupt", { run_id: started.run_id, decision: "approve", wait_seconds: 60 });
    assert.equal(done.status, "completed", JSON.stringify(done));

    const uri = `orchestrator://runs/${started.run_id}`;
    for (const resource of [`${uri}/timeline`, `${uri}/graph`, "orchestrator://runs"]) assert.ok((await readText(alice, resource)).length > 0, resource);
    const run = JSON.parse(await readText(alice, uri)) as Status;
    assert.equal(run.status, "completed");

    // Both processes answered: the requests alternated, and none of them was refused.
    assert.equal(served.size, 2);
    for (const [url, n] of served) assert.ok(n >= 4, `${url} served ${n} requests`);

    // Bob's token, on either process, sees nothing of Alice's run.
    await assert.rejects(bob.readResource({ uri }), /unknown run|not found/i);
    const listed = JSON.parse(await readText(bob, "orchestrator://runs")) as { runs: Array<{ run_id: string }> };
    assert.ok(!listed.runs.some((r) => r.run_id === started.run_id));
  });

  test("subscriptions/listen: a stream held by one process hears of the run another drives; another principal's run is refused", { timeout: 60_000 }, async () => {
    // One client listens on process A only; another drives the run on process B only.
    const listener = await alternatingClient([a.url], TOKEN_ALICE, new Map());
    const driver = await alternatingClient([b.url], TOKEN_ALICE, new Map());
    try {
      const started = await callTool<Status>(driver, "start_workflow", fiveTaskRequest({ wait_seconds: 60 }));
      assert.equal(started.status, "interrupted", JSON.stringify(started));
      const uri = `orchestrator://runs/${started.run_id}`;
      const updates: string[] = [];
      let created = 0;
      let wake = () => {};
      listener.setNotificationHandler("notifications/resources/updated", (n) => { updates.push(n.params.uri); wake(); });
      listener.setNotificationHandler("notifications/resources/list_changed", () => { created++; wake(); });
      const until = (done: () => boolean) => new Promise<void>((resolve) => {
        wake = () => { if (done()) resolve(); };
        wake();
      });
      const subscription = await listener.listen({ resourceSubscriptions: [uri, `${uri}/timeline`], resourcesListChanged: true });
      assert.deepEqual(subscription.honoredFilter, { resourceSubscriptions: [uri, `${uri}/timeline`], resourcesListChanged: true });

      const resumed = await callTool<Status>(driver, "approve_interrupt", { run_id: started.run_id, decision: "approve", wait_seconds: 60 });
      assert.equal(resumed.pending_interrupts[0]?.point, "quality", JSON.stringify(resumed));
      await until(() => updates.includes(uri) && updates.includes(`${uri}/timeline`));
      assert.ok(updates.every((u) => u === uri || u === `${uri}/timeline`), `only the URIs listened to: ${JSON.stringify(updates)}`);
      // The stream carries what it was opened for: the run's new state is readable on either process.
      assert.equal((JSON.parse(await readText(listener, uri)) as Status).pending_interrupts[0]?.point, "quality");

      // Bob may not listen to Alice's runs (as he may not subscribe to or read them), on either process...
      await assert.rejects(bob.listen({ resourceSubscriptions: [uri] }), /unknown run_id/);
      // ...nor hear of hers on a stream of his own: each principal's streams are fed from its own runs only.
      let bobHeard = 0;
      let bobWake = () => {};
      bob.setNotificationHandler("notifications/resources/list_changed", () => { bobHeard++; bobWake(); });
      bob.setNotificationHandler("notifications/resources/updated", () => { bobHeard++; bobWake(); });
      const bobs = await bob.listen({ resourcesListChanged: true, resourceSubscriptions: ["orchestrator://runs"] });
      await callTool<Status>(driver, "start_workflow", fiveTaskRequest({ approvals: [], wait_seconds: 60 }));
      await until(() => created >= 1); // Alice's stream (on A) heard of her new run (made on B)
      assert.equal(bobHeard, 0, "Bob heard of Alice's run");
      const his = await callTool<Status>(bob, "start_workflow", fiveTaskRequest({ approvals: [], wait_seconds: 60 }));
      assert.equal(his.status, "completed");
      await new Promise<void>((resolve) => { bobWake = () => { if (bobHeard > 0) resolve(); }; bobWake(); });
      await Promise.all([subscription.close(), bobs.close()]);
      assert.equal(await subscription.closed, "local");
    } finally {
      await Promise.all([listener.close(), driver.close()]);
    }
  });

  test("approvals in-band: each retried call may land on the other process and still resumes the run", { timeout: 60_000 }, async () => {
    const landed = new Map<string, number>();
    const asking = await alternatingClient([a.url, b.url], TOKEN_ALICE, landed, { elicitation: { form: {} } });
    try {
      const asked: string[] = [];
      asking.setRequestHandler("elicitation/create", async (request) => {
        asked.push((request.params as { message: string }).message);
        return { action: "accept", content: { decision: "approve" } };
      });
      const done = await callTool<Status>(asking, "start_workflow", fiveTaskRequest({ elicit: true, wait_seconds: 60 }));
      assert.equal(done.status, "completed", JSON.stringify(done.pending_interrupts));
      assert.equal(asked.length, 2);
      // server/discover, then the call and its two retries, alternating: the rounds went to B, A and B, and each
      // retry was answered by a process other than the one that asked.
      assert.deepEqual([landed.get(a.url), landed.get(b.url)], [2, 2]);
    } finally {
      await asking.close();
    }
  });
});
