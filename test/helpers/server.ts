/**
 * Test fixture: spawns the built server (dist/server.js) and connects a real MCP client, over stdio or, when
 * CONDUCTOR_TEST_TRANSPORT=http, over Streamable HTTP (the server listens on a free loopback port). The same
 * integration suite runs over both.
 *
 * The client speaks MCP 2025-11-25 (the v1 SDK's Client, as 2025 hosts do) unless CONDUCTOR_TEST_PROTOCOL=2026-07-28:
 * then it is the SDK v2 Client pinned to 2026-07-28 (stateless: no initialize, capabilities in every request's
 * _meta). Either way connect() checks the revision the connection negotiated. Tests of features a 2026-07-28
 * client does not have (sampling, requests pushed by the server, MCP logging, resources/subscribe) skip with
 * `{ skip: only2025 }`.
 *
 * The backend is SQLite (a new file per connect()) unless CONDUCTOR_TEST_BACKEND=postgres: then each
 * connect() without a dbPath gets a new database on CONDUCTOR_TEST_POSTGRES_URL's server (see postgres.ts)
 * and passes its URL as --db. Tests that open the SQLite file themselves skip with `{ skip: sqliteOnly }`.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Client as ModernClient, ProtocolError, StreamableHTTPClientTransport as ModernHttpTransport, type ClientCapabilities } from "@modelcontextprotocol/client";
import { StdioClientTransport as ModernStdioTransport } from "@modelcontextprotocol/client/stdio";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { RequestOptions } from "@modelcontextprotocol/sdk/shared/protocol.js";
import { McpError, type CallToolRequest, type CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { freshDatabase, SKIP_POSTGRES } from "./postgres.js";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const SERVER = path.join(ROOT, "dist/server.js");
export const FIXTURES = path.join(ROOT, "test/fixtures");
export const TRANSPORT: "stdio" | "http" = process.env.CONDUCTOR_TEST_TRANSPORT === "http" ? "http" : "stdio";
export const BACKEND: "sqlite" | "postgres" = process.env.CONDUCTOR_TEST_BACKEND === "postgres" ? "postgres" : "sqlite";
export const MODERN = "2026-07-28";
export const LEGACY = "2025-11-25";
export const PROTOCOL: typeof MODERN | typeof LEGACY = process.env.CONDUCTOR_TEST_PROTOCOL === MODERN ? MODERN : LEGACY;

/** For `{ skip: only2025 }`: tests of what only a 2025-11-25 client has (sampling, pushed elicitation, MCP logging, resources/subscribe). */
export const only2025: string | false = PROTOCOL === MODERN
  ? "2025-11-25 only: a 2026-07-28 client has no sampling, requests pushed by the server, MCP logging or resources/subscribe (CONDUCTOR_TEST_PROTOCOL=2026-07-28)"
  : false;

/** For `{ skip: only2026 }`: tests of what only a 2026-07-28 client has (subscriptions/listen, input_required). */
export const only2026: string | false = PROTOCOL === MODERN
  ? false
  : "2026-07-28 only: subscriptions/listen and input_required are 2026-07-28 features (the 2026 passes run them: CONDUCTOR_TEST_PROTOCOL=2026-07-28)";

/** The connection's client as the SDK v2 Client it is in the 2026-07-28 passes (for what only it has: listen, input_required). */
export function modernClient(s: Pick<Connected, "client">): ModernClient {
  if (PROTOCOL !== MODERN) throw new Error("modernClient(): this pass's client speaks 2025-11-25");
  return s.client as unknown as ModernClient;
}

/** For `{ skip: sqliteOnly }`: tests that open the SQLite file directly, or run the server on a file path themselves. */
export const sqliteOnly: string | false = BACKEND === "postgres"
  ? "SQLite only: reads the SQLite file directly or starts the server on a file path (CONDUCTOR_TEST_BACKEND=postgres)"
  : false;

export function tempDir(prefix = "conductor-test-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface Connected {
  client: Client;
  /** What --db was: the SQLite file, or with CONDUCTOR_TEST_BACKEND=postgres the database's URL. */
  dbPath: string;
  stderr: () => string;
  close(): Promise<void>;
  /** The server process id (for kill tests). */
  pid: number;
  /** Resolves when the server process has exited. */
  exited: Promise<void>;
}

export interface ConnectOptions {
  /** --db: a Connected.dbPath to reconnect to; omitted, a new SQLite file (or a new Postgres database). */
  dbPath?: string;
  args?: string[];
  env?: Record<string, string>;
  /** The client's name and capabilities (e.g. sampling). */
  clientName?: string;
  capabilities?: ClientCapabilities;
  /** Called with the client before it connects (to set request handlers). */
  prepare?: (client: Client) => void;
}

export async function connect(opts: ConnectOptions = {}): Promise<Connected> {
  const dbPath = BACKEND === "postgres" ? await postgresDb(opts.dbPath) : opts.dbPath ?? path.join(tempDir(), "conductor.db");
  const args = [SERVER, "--db", dbPath, "--log-level", "debug", ...(opts.args ?? [])];
  const env = { ...(process.env as Record<string, string>), ...opts.env };
  const info = { name: opts.clientName ?? "conductor-test", version: "0.0.0" };
  const server = TRANSPORT === "http" ? await spawnHttp(args, env) : spawnStdio(args, env);
  let client: Client;
  if (PROTOCOL === MODERN) {
    if (opts.prepare) throw new Error("connect({ prepare }) sets 2025-11-25 request handlers; skip the test with { skip: only2025 }");
    const modern = new ModernClient(info, { versionNegotiation: { mode: { pin: MODERN } }, ...(opts.capabilities ? { capabilities: opts.capabilities } : {}) });
    await modern.connect(server.transport as never);
    assertNegotiated(modern.getNegotiatedProtocolVersion());
    // The v2 Client answers every call the suite makes (callTool, readResource, list*, getPrompt, complete, ping)
    // with the same shapes; the suite is typed against one Client.
    client = modern as unknown as Client;
  } else {
    client = new Client(info, opts.capabilities ? { capabilities: opts.capabilities } : {});
    opts.prepare?.(client);
    const negotiated = watchNegotiation(server.transport);
    await client.connect(server.transport);
    assertNegotiated(negotiated());
  }
  const exited = server.exited ?? new Promise<void>((resolve) => { client.onclose = resolve; });
  return {
    client, dbPath, stderr: server.stderr, pid: server.pid, exited,
    async close() {
      await client.close();
      await server.stop();
    },
  };
}

function assertNegotiated(version: string | undefined): void {
  if (version !== PROTOCOL) throw new Error(`the connection negotiated MCP ${version ?? "nothing"}, expected ${PROTOCOL}`);
}

/** The protocol version of the server's initialize result, seen on `transport` (the v1 Client keeps it to itself). */
function watchNegotiation(transport: Transport): () => string | undefined {
  let version: string | undefined;
  const start = transport.start.bind(transport);
  transport.start = async () => {
    const deliver = transport.onmessage;
    transport.onmessage = (message, extra) => {
      const result = "result" in message ? (message.result as { protocolVersion?: unknown }) : undefined;
      if (version === undefined && typeof result?.protocolVersion === "string") version = result.protocolVersion;
      deliver?.(message, extra);
    };
    return start();
  };
  return () => version;
}

/** SQLite file paths a test named, each with the Postgres database that stands in for it. */
const databasesForPaths = new Map<string, Promise<string>>();

/**
 * The --db URL under CONDUCTOR_TEST_BACKEND=postgres: a new database, or for a URL from an earlier connect() the
 * same one. A file path (helpers such as connectSampling always name a new SQLite file) gets a new database of
 * its own, the same one each time that path is named again, so the run really is on PostgreSQL.
 */
async function postgresDb(dbPath: string | undefined): Promise<string> {
  if (SKIP_POSTGRES) throw new Error(`CONDUCTOR_TEST_BACKEND=postgres, but ${SKIP_POSTGRES}`);
  if (dbPath && /^postgres(ql)?:\/\//i.test(dbPath)) return dbPath;
  if (!dbPath) return (await freshDatabase("conductor_test")).url;
  let url = databasesForPaths.get(dbPath);
  if (!url) {
    url = freshDatabase("conductor_test").then((db) => db.url);
    databasesForPaths.set(dbPath, url);
  }
  return url;
}

interface Spawned {
  transport: Transport;
  pid: number;
  stderr: () => string;
  /** Over stdio the client's connection closing is the process ending. */
  exited?: Promise<void>;
  stop(): Promise<void>;
}

function spawnStdio(args: string[], env: Record<string, string>): Spawned {
  const params = { command: process.execPath, args, env, stderr: "pipe" as const };
  const transport = PROTOCOL === LEGACY ? new StdioClientTransport(params)
    // The v2 Client probes the version with a throwaway copy of the server (server/discover, then stdin closed), as
    // hosts using it do; the server resumes no run in that copy (stdio-transport.ts, beforeFirstRequest).
    : new ModernStdioTransport(params);
  let err = "";
  transport.stderr?.on("data", (d: Buffer) => { err += d.toString(); });
  return {
    transport, stderr: () => err,
    get pid() { return transport.pid!; },
    async stop() { /* closing the client closed the server's stdin; it exits by itself */ },
  };
}

export interface HttpServerProcess {
  url: string;
  pid: number;
  stderr: () => string;
  exited: Promise<void>;
  /** SIGTERM (unless it has exited) and wait for the exit. */
  stop(): Promise<void>;
}

/** Starts `node ARGS --transport http --host 127.0.0.1 --port 0` (ARGS begin with the server's path) and waits for the URL it logs. */
export async function startHttpServer(args: string[], env: Record<string, string> = process.env as Record<string, string>): Promise<HttpServerProcess> {
  const child = spawn(process.execPath, [...args, "--transport", "http", "--host", "127.0.0.1", "--port", "0"], { env, stdio: ["ignore", "ignore", "pipe"] });
  let err = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.on("data", (d: Buffer) => {
      err += d.toString();
      const m = /serving Streamable HTTP on (http:\/\/\S+)/.exec(err);
      if (m) resolve(m[1]!);
    });
    void exited.then(() => reject(new Error(`the server exited before listening:\n${err}`)));
  });
  return {
    url, pid: child.pid!, stderr: () => err, exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

/** Starts the server over HTTP and makes the client transport for the URL it logs. */
async function spawnHttp(args: string[], env: Record<string, string>): Promise<Spawned> {
  const server = await startHttpServer(args, env);
  const token = env.CONDUCTOR_TEST_TOKEN;
  const options = token ? { requestInit: { headers: { Authorization: `Bearer ${token}` } } } : {};
  const url = new URL(server.url);
  const transport = PROTOCOL === MODERN ? new ModernHttpTransport(url, options) : new StreamableHTTPClientTransport(url, options);
  return { transport, pid: server.pid, stderr: server.stderr, exited: server.exited, stop: server.stop };
}

/** Calls a tool and returns its structured content; fails the test if the tool answered an error. */
export async function call<T = Record<string, unknown>>(client: Client, name: string, args: Record<string, unknown>): Promise<T> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  if (result.isError) throw new Error(`${name} answered an error: ${JSON.stringify(result.content)}`);
  return structuredContent<T>(result);
}

/** A tool result's structured content, as the type the test expects (for a result that did not come from `call`). */
export function structuredContent<T = Record<string, unknown>>(result: CallToolResult): T {
  return result.structuredContent as T;
}

/** Calls a tool expecting an error result; returns its text. */
export async function callError(client: Client, name: string, args: Record<string, unknown>): Promise<string> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  if (!result.isError) throw new Error(`${name} should have answered an error, got ${JSON.stringify(result.structuredContent)}`);
  return result.content.map((c) => (c.type === "text" ? c.text : "")).join("\n");
}

/** A round trip that does no work: ping on 2025-11-25; 2026-07-28 has no ping, so server/discover. */
export async function ping(client: Client): Promise<void> {
  if (PROTOCOL === MODERN) await (client as unknown as ModernClient).discover();
  else await client.ping();
}

/** callTool with request options (progress, signal, timeouts): the v1 Client takes a result schema before them, the v2 one does not. */
export async function callToolWith(client: Client, params: CallToolRequest["params"], options: RequestOptions): Promise<CallToolResult> {
  if (PROTOCOL === MODERN) return (client as unknown as ModernClient).callTool(params, options as never) as Promise<CallToolResult>;
  return (await client.callTool(params, undefined, options)) as CallToolResult;
}

/** Whether a rejected request was a JSON-RPC error from the server (v1 McpError, v2 ProtocolError). */
export function isJsonRpcError(error: unknown): boolean {
  return error instanceof McpError || error instanceof ProtocolError;
}
