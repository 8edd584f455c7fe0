/**
 * Token rotation without a restart: the `--auth-tokens` file replaced (a new file renamed over it, as `mv` and
 * editors do) takes effect within a second: the revoked token gets 401, 2025-11-25 and 2026-07-28 requests alike,
 * its open session and listen stream are closed, and a session of a token still listed (of the same principal)
 * goes on. SIGHUP reloads too, a malformed file keeps the tokens in force and the log says why, and no token is
 * ever written to the server's stderr.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { Client as ModernClient, StreamableHTTPClientTransport as ModernTransport } from "@modelcontextprotocol/client";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { SERVER, startHttpServer, tempDir, type HttpServerProcess } from "../helpers/server.js";

const ALICE_OLD = "alice-old-token-0123456789";
const ALICE_OTHER = "alice-other-token-012345678";
const ALICE_NEW = "alice-new-token-0123456789a";
const BOB = "bob-token-0123456789abcdef";
const CAROL = "carol-token-0123456789abcd";
const ALL = [ALICE_OLD, ALICE_OTHER, ALICE_NEW, BOB, CAROL];

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

/** A 2025-11-25 client (SDK v1) with its transport, for the session id. */
async function legacyClient(url: string, token: string): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const client = new Client({ name: "rotation-2025", version: "0.0.0" });
  client.onerror = () => {}; // its GET stream, refused once the token is revoked
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: auth(token) } });
  await client.connect(transport);
  return { client, transport };
}

async function modernClient(url: string, token: string): Promise<ModernClient> {
  const client = new ModernClient({ name: "rotation-2026", version: "0.0.0" }, { versionNegotiation: { mode: { pin: "2026-07-28" } } });
  await client.connect(new ModernTransport(new URL(url), { requestInit: { headers: auth(token) } }));
  return client;
}

/**
 * The status of a request with `token` that changes nothing: a ping with no session and no 2026 envelope,
 * answered 400 once the token is accepted, 401 when it is not.
 */
async function probe(url: string, token: string): Promise<number> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json, text/event-stream", ...auth(token) },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }),
  });
  await res.body?.cancel();
  return res.status;
}

/** Polls `check` every 10 ms until it holds; fails after `ms`. */
async function until(what: string, check: () => boolean | Promise<boolean>, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** `promise`, or a failure naming `what` after `ms`. */
async function within<T>(what: string, promise: Promise<T>, ms = 5_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => { timer = setTimeout(() => reject(new Error(`not within ${ms} ms: ${what}`)), ms); });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

describe("bearer tokens reloaded while serving", () => {
  let dir: string;
  let file: string;
  let server: HttpServerProcess;
  /** Replaces the token file as `mv` does: a new file renamed over it (a new inode). */
  const replace = (text: string) => {
    fs.writeFileSync(`${file}.tmp`, text);
    fs.renameSync(`${file}.tmp`, file);
  };
  /** What the server logs from now on, and a way to await a line of it. */
  const logFromNow = () => {
    const from = server.stderr().length;
    const text = () => server.stderr().slice(from);
    return { text, line: (pattern: RegExp) => until(`a log line matching ${pattern}`, () => pattern.test(text())).then(() => pattern.exec(text())![0]) };
  };

  before(async () => {
    dir = tempDir();
    file = path.join(dir, "tokens.txt");
    fs.writeFileSync(file, `# rotated by the test\n${ALICE_OLD} alice\n${ALICE_OTHER} alice\n${BOB} bob\n`);
    server = await startHttpServer([SERVER, "--db", path.join(dir, "c.db"), "--auth-tokens", file, "--log-level", "debug", "--pool-cpu", "4", "--pool-memory-mb", "4096"]);
  });
  after(async () => {
    await server?.stop();
    // No token, old or new, reached the log: not at start, on reloads, on 401s or on closing what they opened.
    const stderr = server?.stderr() ?? "";
    for (const token of ALL) assert.ok(!stderr.includes(token), `the server's stderr holds a token (${token.slice(0, 8)}...)`);
  });

  test("token rotation: the replaced file's old token gets 401 within a second, the new one works, no restart", { timeout: 60_000 }, async (t) => {
    const old = await legacyClient(server.url, ALICE_OLD);
    const other = await legacyClient(server.url, ALICE_OTHER);
    const bob = await legacyClient(server.url, BOB);
    const listener = await modernClient(server.url, ALICE_OLD);
    try {
      await Promise.all([old.client.listTools(), other.client.listTools(), bob.client.listTools(), listener.listTools()]);
      const stream = await listener.listen({ resourcesListChanged: true });
      assert.equal(await probe(server.url, ALICE_OLD), 400, "the probe is accepted while the token is listed");
      assert.equal(await probe(server.url, ALICE_NEW), 401);
      const log = logFromNow();

      const replaced = performance.now();
      replace(`${ALICE_NEW} alice\n${ALICE_OTHER} alice\n${BOB} bob\n`);
      await until("the old token is refused", async () => (await probe(server.url, ALICE_OLD)) === 401);
      const elapsed = performance.now() - replaced;
      t.diagnostic(`file replaced -> first 401 for the old token: ${elapsed.toFixed(0)} ms`);
      assert.ok(elapsed < 1_000, `the old token was refused after ${elapsed.toFixed(0)} ms`);

      // The new token works, for a new client of either revision.
      assert.equal(await probe(server.url, ALICE_NEW), 400);
      const fresh = await legacyClient(server.url, ALICE_NEW);
      const freshModern = await modernClient(server.url, ALICE_NEW);
      await Promise.all([fresh.client.listTools(), freshModern.listTools()]);
      await Promise.all([fresh.client.close(), freshModern.close()]);

      // The old token's 2025 session is closed: its requests fail, and its id is unknown even with a valid token of alice.
      await assert.rejects(old.client.listTools(), /401|nauthorized|invalid_token/);
      const sessionId = old.transport.sessionId!;
      await until("the old token's session is closed", async () => {
        const res = await fetch(server.url, {
          method: "POST",
          headers: { "Content-Type": "application/json", Accept: "application/json, text/event-stream", "Mcp-Session-Id": sessionId, "Mcp-Protocol-Version": "2025-11-25", ...auth(ALICE_OTHER) },
          body: JSON.stringify({ jsonrpc: "2.0", id: 7, method: "ping" }),
        });
        await res.body?.cancel();
        return res.status === 404;
      });
      // Its 2026 listen stream is closed by the server, and its 2026 requests are refused too.
      assert.equal(await within("the old token's listen stream is closed", stream.closed), "remote");
      await assert.rejects(listener.listTools(), /401|nauthorized|invalid_token/);

      // Alice's session of her other token, still listed, and Bob's go on.
      await other.client.listTools();
      await bob.client.listTools();
      await log.line(/reloaded \S*tokens\.txt: 3 tokens of 2 principals \(1 added, 1 revoked\)/);
      await log.line(/revoked tokens: closed 1 HTTP session\(s\) and 1 listen stream\(s\) opened with them/);
    } finally {
      await Promise.all([old.client.close(), other.client.close(), bob.client.close(), listener.close()].map((p) => p.catch(() => undefined)));
    }
  });

  test("SIGHUP re-reads the file, and serving goes on", { timeout: 30_000 }, async () => {
    const log = logFromNow();
    process.kill(server.pid, "SIGHUP");
    await log.line(/SIGHUP: reloading \S*tokens\.txt/);
    await log.line(/tokens\.txt holds the tokens in force: 3 tokens of 2 principals/);
    assert.equal(await probe(server.url, ALICE_NEW), 400);

    // A change with a SIGHUP right behind it: one reload or two, the new table is in force.
    replace(`${ALICE_NEW} alice\n${ALICE_OTHER} alice\n${BOB} bob\n${CAROL} carol\n`);
    process.kill(server.pid, "SIGHUP");
    await until("carol's token is accepted", async () => (await probe(server.url, CAROL)) === 400);
    await log.line(/reloaded \S*tokens\.txt: 4 tokens of 3 principals \(1 added, 0 revoked\)/);
  });

  test("a malformed file keeps the tokens in force, and the log names the file and the line", { timeout: 30_000 }, async () => {
    const log = logFromNow();
    replace(`${ALICE_NEW} alice\n${BOB}\n`); // Bob's principal is missing, and Carol's line gone
    const warning = await log.line(/\[warning\] not reloaded: \S*tokens\.txt, line 2: expected "TOKEN PRINCIPAL"; keeping the 4 tokens of 3 principals in force[^\n]*/);
    assert.ok(warning.length > 0);
    for (const token of [ALICE_OTHER, BOB, CAROL]) assert.equal(await probe(server.url, token), 400, "a token of the old table is still accepted");

    // Fixed, the file is reloaded.
    replace(`${ALICE_NEW} alice\n${BOB} bob\n`);
    await log.line(/reloaded \S*tokens\.txt: 2 tokens of 2 principals \(0 added, 2 revoked\)/);
    assert.equal(await probe(server.url, CAROL), 401);
    assert.equal(await probe(server.url, BOB), 400);
  });
});
