/**
 * A newcomer's first run: starts the built server under a real MCP client (stdio), runs a five-branch
 * workflow on the sample documents in examples/edge-ai, answers both approvals, and prints the timeline
 * and the report.   npm run demo
 */
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const samples = path.join(root, "examples/edge-ai");
const db = path.join(os.tmpdir(), `conductor-demo-${process.pid}.db`);
const out = (line = "") => process.stdout.write(line + "\n");

const client = new Client({ name: "conductor-demo", version: "1.0.0" });
await client.connect(new StdioClientTransport({
  command: process.execPath, args: [path.join(root, "dist/server.js"), "--db", db, "--allow-dir", samples], stderr: "ignore",
}));

type Status = { run_id: string; status: string; pending_interrupts: Array<{ point: string; summary: string }>; result?: { report: string } };
async function tool(name: string, args: Record<string, unknown>): Promise<Status> {
  const res = (await client.callTool({ name, arguments: args })) as CallToolResult;
  if (res.isError) throw new Error(JSON.stringify(res.content));
  return res.structuredContent as Status;
}

out(`conductor-mcp demo: server spawned over stdio, database ${db}\n`);
let status = await tool("start_workflow", {
  objective: "Should we build an edge AI accelerator product? Assess technology, market and competition.",
  tasks: [
    { type: "research", focus: "technical", description: "accelerator architecture, inference latency and power", inputs: [{ path: "technical.md" }] },
    { type: "research", focus: "market", description: "market revenue, growth and customer demand", inputs: [{ path: "market.md" }] },
    { type: "research", focus: "competitive", description: "competitors, market share and competitive advantage", inputs: [{ path: "competitive.md" }] },
    { type: "analysis", priority: "high", description: "shipment units and average selling price trend", inputs: [{ path: "shipments.csv" }] },
    { type: "analysis", description: "chip latency and power benchmarks", inputs: [{ path: "benchmarks.csv" }] },
  ],
});
while (status.status === "interrupted") {
  const pause = status.pending_interrupts[0]!;
  out(`⏸  paused at ${pause.point}: ${pause.summary}`);
  out(`   -> approve_interrupt { decision: "approve" }\n`);
  status = await tool("approve_interrupt", { run_id: status.run_id, decision: "approve" });
}
out(`run ${status.run_id}: ${status.status}\n`);

const res = (await client.callTool({ name: "get_timeline", arguments: { run_id: status.run_id, limit: 1000 } })) as CallToolResult;
out("Timeline");
out((res.content[0] as { text: string }).text.split("\n").slice(1).map((l) => "  " + l.replace(/^(\d+) \S+ /, "$1 ")).join("\n"));
out("\n" + (status.result?.report ?? "(no report)"));
await client.close();
