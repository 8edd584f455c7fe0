/**
 * The built server (dist/server.js) as clients meet it: spawned over stdio (one client) or Streamable HTTP (a
 * process listening on a loopback port, any number of client sessions), on a SQLite file or a PostgreSQL URL,
 * and the five-branch run a client sends it (`start_workflow` waiting until the run has settled).
 */
import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { call, SERVER } from "../../test/helpers/server.js";
import { fiveBranchRequest } from "./requests.js";

/**
 * The server's settings in every serving measurement: logs at error only (as the other MCP rows), and an agent
 * pool (an accounting of cpu units and MB, not a real limit on this machine; agents of the built-in templates ask
 * 0.1–0.5 cpu each, scaled by detail) large enough for every run in flight, so that runs do not wait for pool
 * capacity: what is measured is the server, not that admission limit.
 * --max-concurrent-runs stays at its default (16 per process; more runs queue).
 */
export const SERVER_ARGS = ["--log-level", "error", "--pool-cpu", "64", "--pool-memory-mb", "65536"];

/** The last bytes of a process's stderr, for error messages. */
function tail(): { push(d: Buffer): void; text(): string } {
  let s = "";
  return { push: (d) => { s = (s + d.toString()).slice(-8000); }, text: () => s };
}

export interface Session {
  client: Client;
  close(): Promise<void>;
}

export interface StdioServer extends Session {
  /** The server process id (for its CPU time). */
  pid: number;
  stderr(): string;
}

/**
 * Spawns the server on `db` over stdio and connects one client; closing the client ends the process.
 * `nodeFlags` go before the script (e.g. `--import` of a preload), `env` over this process's environment.
 */
export async function stdioServer(db: string, opts: { nodeFlags?: string[]; env?: Record<string, string> } = {}): Promise<StdioServer> {
  const transport = new StdioClientTransport({
    command: process.execPath, args: [...(opts.nodeFlags ?? []), SERVER, "--db", db, ...SERVER_ARGS], stderr: "pipe",
    env: { ...(process.env as Record<string, string>), ...opts.env },
  });
  const err = tail();
  transport.stderr?.on("data", err.push);
  const client = new Client({ name: "bench-stdio", version: "0.0.0" });
  await client.connect(transport);
  const pid = transport.pid!;
  return {
    client, pid, stderr: err.text,
    async close() {
      await client.close();
      await exitOf(pid);
    },
  };
}

export interface HttpServer {
  url: URL;
  pid: number;
  stderr(): string;
  stop(): Promise<void>;
}

/** A port nothing listens on now (the kernel's pick, released at once for the server to take). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/**
 * Spawns `dist/server.js --transport http` on `db` on a free loopback port and waits until `GET /healthz`
 * answers 200 (the server has opened its storage and listens). Stop: SIGTERM, the server's clean shutdown.
 */
export async function httpServer(db: string): Promise<HttpServer> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = spawn(process.execPath, [SERVER, "--db", db, ...SERVER_ARGS, "--transport", "http", "--host", "127.0.0.1", "--port", String(port)], { stdio: ["ignore", "ignore", "pipe"] });
    const err = tail();
    child.stderr!.on("data", err.push);
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    const base = `http://127.0.0.1:${port}`;
    const ready = await untilHealthy(base, child);
    if (ready) {
      return {
        url: new URL(`${base}/mcp`), pid: child.pid!, stderr: err.text,
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
          await exited;
        },
      };
    }
    await exited;
    // Someone took the port between our pick and the server's listen: pick again.
    if (!/EADDRINUSE/.test(err.text()) || attempt >= 5) throw new Error(`the server did not start on ${db.replace(/\/\/[^@]*@/, "//")}:\n${err.text()}`);
  }
}

async function untilHealthy(base: string, child: ChildProcess): Promise<boolean> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) return false;
    try {
      const res = await fetch(`${base}/healthz`);
      if (res.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill("SIGKILL");
  throw new Error(`${base}/healthz did not answer 200 within 60 s`);
}

/** One MCP client session over Streamable HTTP. */
export async function httpSession(url: URL, name = "bench-http"): Promise<Session> {
  const client = new Client({ name, version: "0.0.0" });
  await client.connect(new StreamableHTTPClientTransport(url));
  return { client, close: () => client.close() };
}

/** Resolves when process `pid` no longer exists (polling: it is not our child over stdio). */
async function exitOf(pid: number): Promise<void> {
  for (let i = 0; i < 600; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The unit of work: a five-branch run (bench/lib/requests.ts, mode parallel, approvals [], builtin executor). */
export const RUN_REQUEST = { ...fiveBranchRequest("parallel"), wait_seconds: 120 };

/** One run through `client`: start_workflow, which returns once the run has settled. Returns its wall time in ms. */
export async function timedRun(client: Client): Promise<number> {
  const t0 = performance.now();
  const status = await call<{ status: string; run_id: string; error?: string }>(client, "start_workflow", RUN_REQUEST);
  const ms = performance.now() - t0;
  if (status.status !== "completed") throw new Error(`run ${status.run_id} ended ${status.status}${status.error ? `: ${status.error}` : ""}`);
  return ms;
}

/** The p-th percentile (0..100) by nearest rank. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) throw new Error("no values");
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
