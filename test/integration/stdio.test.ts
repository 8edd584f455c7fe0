/**
 * Nothing but JSON-RPC on stdout; the command line's --help and bad flags.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import { test } from "node:test";
import { SERVER, sqliteOnly, tempDir } from "../helpers/server.js";
import { fiveTaskRequest } from "../helpers/workflow.js";

// sqliteOnly: spawns the server itself with --db <tmp>/c.db (not through connect()), so under the Postgres pass it
// would only test SQLite again.
test("every line the server writes to stdout during a run is a JSON-RPC message", { skip: sqliteOnly }, async () => {
  const child = spawn(process.execPath, [SERVER, "--db", path.join(tempDir(), "c.db"), "--log-level", "debug"], { stdio: ["pipe", "pipe", "pipe"] });
  const lines: string[] = [];
  const responses = new Map<number, unknown>();
  const waiting = new Map<number, () => void>();
  createInterface({ input: child.stdout }).on("line", (line) => {
    lines.push(line);
    const msg = JSON.parse(line) as { id?: number };
    if (typeof msg.id === "number") { responses.set(msg.id, msg); waiting.get(msg.id)?.(); }
  });
  const send = (id: number | undefined, method: string, params: unknown) => {
    child.stdin.write(JSON.stringify({ jsonrpc: "2.0", ...(id === undefined ? {} : { id }), method, params }) + "\n");
    return id === undefined ? Promise.resolve() : new Promise<void>((resolve) => waiting.set(id, resolve));
  };
  await send(1, "initialize", { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "0" } });
  await send(undefined, "notifications/initialized", {});
  await send(2, "tools/call", { name: "start_workflow", arguments: fiveTaskRequest({ approvals: [], run_id: "raw-1" }) });
  await send(3, "tools/call", { name: "get_timeline", arguments: { run_id: "raw-1" } });
  await send(4, "tools/call", { name: "get_timeline", arguments: { run_id: "missing" } });
  child.kill("SIGTERM");
  await new Promise((resolve) => child.on("exit", resolve));
  assert.ok(lines.length >= 4);
  for (const line of lines) assert.equal((JSON.parse(line) as { jsonrpc: string }).jsonrpc, "2.0", line);
  const run = responses.get(2) as { result: { structuredContent: { status: string } } };
  assert.equal(run.result.structuredContent.status, "completed");
});

test("a client that stops reading stdout does not crash the server: it logs why and exits 0 when stdin ends", { skip: sqliteOnly }, async () => {
  const child = spawn(process.execPath, [SERVER, "--db", path.join(tempDir(), "p.db")], { stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => { stderr += d.toString(); });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  child.stdout.destroy(); // the read end closes: the server's next write fails with EPIPE
  child.stdin.write(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "gone", version: "0" } } }) + "\n");
  await new Promise<void>((resolve) => { const check = () => (/EPIPE/.test(stderr) ? resolve() : child.stderr.once("data", check)); check(); });
  child.stdin.end();
  assert.equal(await exited, 0, stderr);
  assert.doesNotMatch(stderr, /Unhandled 'error' event/);
  assert.match(stderr, /stdio: .*EPIPE/);
});

test("--help prints every setting and exits 0; a bad flag exits 2", () => {
  const help = spawnSync(process.execPath, [SERVER, "--help"], { encoding: "utf8" });
  assert.equal(help.status, 0);
  for (const flag of ["--db", "--allow-dir", "--log-level", "--max-input-bytes", "CONDUCTOR_DB", "CONDUCTOR_ALLOW_DIRS"]) assert.match(help.stdout, new RegExp(flag));
  const bad = spawnSync(process.execPath, [SERVER, "--nope"], { encoding: "utf8" });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /nope/);
});
