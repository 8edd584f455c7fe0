/**
 * Test fixture: spawns the built server (dist/server.js) over stdio and connects a real MCP client.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const SERVER = path.join(ROOT, "dist/server.js");
export const FIXTURES = path.join(ROOT, "test/fixtures");

export function tempDir(prefix = "conductor-test-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface Connected {
  client: Client;
  transport: StdioClientTransport;
  dbPath: string;
  stderr: () => string;
  close(): Promise<void>;
  /** The server process id (for kill tests). */
  pid: number;
}

export async function connect(opts: { dbPath?: string; args?: string[]; env?: Record<string, string> } = {}): Promise<Connected> {
  const dbPath = opts.dbPath ?? path.join(tempDir(), "conductor.db");
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [SERVER, "--db", dbPath, "--log-level", "debug", ...(opts.args ?? [])],
    env: { ...(process.env as Record<string, string>), ...opts.env },
    stderr: "pipe",
  });
  let err = "";
  transport.stderr?.on("data", (d: Buffer) => { err += d.toString(); });
  const client = new Client({ name: "conductor-test", version: "0.0.0" });
  await client.connect(transport);
  return {
    client, transport, dbPath, stderr: () => err, pid: transport.pid!,
    async close() { await client.close(); },
  };
}

/** Calls a tool and returns its structured content; fails the test if the tool answered an error. */
export async function call<T = Record<string, unknown>>(client: Client, name: string, args: Record<string, unknown>): Promise<T> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  if (result.isError) throw new Error(`${name} answered an error: ${JSON.stringify(result.content)}`);
  return result.structuredContent as T;
}

/** Calls a tool expecting an error result; returns its text. */
export async function callError(client: Client, name: string, args: Record<string, unknown>): Promise<string> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  if (!result.isError) throw new Error(`${name} should have answered an error, got ${JSON.stringify(result.structuredContent)}`);
  return result.content.map((c) => (c.type === "text" ? c.text : "")).join("\n");
}
