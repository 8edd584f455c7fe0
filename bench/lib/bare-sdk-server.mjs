// The baseline of bench/startup.ts: a bare MCP SDK v2 server on stdio with one tool, nothing else (plain
// JavaScript, so no loader stands between node and the SDK).
import { McpServer } from "@modelcontextprotocol/server";
import { StdioServerTransport } from "@modelcontextprotocol/server/stdio";
import * as z from "zod";

const server = new McpServer({ name: "bare", version: "0.0.0" });
server.registerTool("echo", { description: "Echoes its text", inputSchema: z.object({ text: z.string() }) }, async ({ text }) => ({ content: [{ type: "text", text }] }));
await server.connect(new StdioServerTransport());
process.stdin.on("end", () => process.exit(0));
