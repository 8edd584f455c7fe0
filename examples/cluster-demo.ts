/**
 * Three server processes on one PostgreSQL database, over Streamable HTTP with bearer tokens: a run started on
 * the first is watched from the third (a resource subscription) and approved on the second; then the first is
 * SIGKILLed while its next run works, and another process takes that run over and finishes it.
 *
 *   npm run demo:cluster                                   (starts a throwaway PostgreSQL: scripts/with-postgres.sh)
 *   CONDUCTOR_DB=postgres://user:pass@host/db node --import tsx examples/cluster-demo.ts   (your own database)
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ResourceUpdatedNotificationSchema, type CallToolResult } from "@modelcontextprotocol/sdk/types.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const db = process.env.CONDUCTOR_DB ?? process.env.CONDUCTOR_TEST_POSTGRES_URL;
if (!db?.startsWith("postgres")) {
  process.stderr.write("set CONDUCTOR_DB to a postgres:// URL, or run `npm run demo:cluster` (it starts a throwaway PostgreSQL)\n");
  process.exit(2);
}
const out = (line = "") => process.stdout.write(line + "\n");
const tokens = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "conductor-cluster-")), "tokens.txt");
fs.writeFileSync(tokens, "alice-demo-token-0123456789 alice\n");
const samples = path.join(root, "examples/edge-ai");

/** Starts `dist/server.js --transport http --port 0` and resolves with its URL once it listens. */
function startProcess(name: string): Promise<{ name: string; url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [path.join(root, "dist/server.js"), "--transport", "http", "--port", "0", "--db", db!,
    "--auth-tokens", tokens, "--allow-dir", samples, "--lease-seconds", "2"], { stdio: ["ignore", "ignore", "pipe"] });
  let err = "";
  return new Promise((resolve, reject) => {
    child.stderr!.on("data", (d: Buffer) => {
      err += d.toString();
      const m = /serving Streamable HTTP on (\S+)/.exec(err);
      if (m) resolve({ name, url: m[1]!, child });
    });
    child.once("exit", (code) => reject(new Error(`${name} exited (${code}) before listening:\n${err}`)));
  });
}

async function clientOf(url: string): Promise<Client> {
  const client = new Client({ name: "cluster-demo", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: "Bearer alice-demo-token-0123456789" } } }));
  return client;
}

type Status = { run_id: string; status: string; pending_interrupts: Array<{ point: string; summary: string }>; timeline_length: number };
async function tool(client: Client, name: string, args: Record<string, unknown>): Promise<Status> {
  const res = (await client.callTool({ name, arguments: args })) as CallToolResult;
  if (res.isError) throw new Error(JSON.stringify(res.content));
  return res.structuredContent as Status;
}
const request = (extra: Record<string, unknown>) => ({
  objective: "Should we build an edge AI accelerator product?",
  tasks: [
    { type: "research", focus: "technical", description: "architecture, latency and power", inputs: [{ path: "technical.md" }] },
    { type: "research", focus: "market", description: "market revenue and growth", inputs: [{ path: "market.md" }] },
    { type: "research", focus: "competitive", description: "competitors and market share", inputs: [{ path: "competitive.md" }] },
    { type: "analysis", description: "shipment units trend", inputs: [{ path: "shipments.csv" }] },
  ],
  ...extra,
});

const processes = await Promise.all(["A", "B", "C"].map(startProcess));
try {
  out(`three processes on one PostgreSQL database: ${processes.map((p) => `${p.name} ${p.url}`).join(", ")}\n`);
  const [a, b, c] = await Promise.all(processes.map((p) => clientOf(p.url)));

  const paused = await tool(a!, "start_workflow", request({ approvals: ["sync_point"], wait_seconds: 30 }));
  out(`A started ${paused.run_id}: ${paused.status} at ${paused.pending_interrupts[0]?.point} (${paused.pending_interrupts[0]?.summary})`);
  const uri = `orchestrator://runs/${paused.run_id}`;
  let updates = 0;
  c!.setNotificationHandler(ResourceUpdatedNotificationSchema, async (n) => { if (n.params.uri === uri) updates++; });
  await c!.subscribeResource({ uri });
  out("C subscribed to the run");
  const done = await tool(b!, "approve_interrupt", { run_id: paused.run_id, decision: "approve", wait_seconds: 30 });
  out(`B approved it and drove it to the end: ${done.status}, ${done.timeline_length} timeline events`);
  for (let i = 0; i < 50 && updates === 0; i++) await new Promise((r) => setTimeout(r, 100));
  out(`C received ${updates} resources/updated notification(s) for a run it never touched\n`);

  const slow = await tool(a!, "start_workflow", request({ approvals: [], mode: "sequential", wait_seconds: 0 }));
  out(`A started ${slow.run_id} (sequential); SIGKILL A now`);
  processes[0]!.child.kill("SIGKILL");
  const taken = await tool(c!, "start_workflow", request({ approvals: [], mode: "sequential", run_id: slow.run_id, wait_seconds: 1 }));
  let final = taken;
  for (let i = 0; i < 100 && final.status === "running"; i++) {
    await new Promise((r) => setTimeout(r, 200));
    final = await tool(c!, "start_workflow", request({ approvals: [], mode: "sequential", run_id: slow.run_id, wait_seconds: 5 }));
  }
  const status = `${final.status}${(final as { error?: string }).error ? ` (${(final as { error?: string }).error})` : ""}`;
  const events = (await c!.callTool({ name: "get_timeline", arguments: { run_id: slow.run_id, event: "run_recovered" } })) as CallToolResult;
  const recovered = (events.structuredContent as { events: Array<{ data?: { owner?: string } }> }).events;
  out(`after the lease ran out another process took it over (${recovered.length} run_recovered event, owner ${recovered[0]?.data?.owner ?? "?"}): ${status}`);
  await Promise.all([b!.close(), c!.close(), a!.close().catch(() => undefined)]);
} finally {
  for (const p of processes) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGTERM");
  await Promise.all(processes.map((p) => (p.child.exitCode === null && p.child.signalCode === null ? new Promise((r) => p.child.once("exit", r)) : undefined)));
}
