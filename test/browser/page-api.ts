/**
 * What the test host page and the Node test share: the functions the test exposes on the page's window (its MCP
 * client, see harness.ts) and the host object host.ts puts there for the test to drive. Imported by host.ts
 * (page code, type-checked by test/browser/tsconfig.json) and, through its global Window, in scope for the
 * Node side's page.evaluate callbacks (test/tsconfig.json).
 */
import type { CallToolRequest, CallToolResult, ReadResourceRequest, ReadResourceResult, Tool } from "@modelcontextprotocol/sdk/types.js";

export interface TestHost {
  /** What the view asked the server for, in order (tool names and resource URIs). */
  calls: string[];
  /** Calls a tool as the assistant would and shows its view under it; returns the tool's result. */
  showToolCall(name: string, args: Record<string, unknown>): Promise<CallToolResult>;
  /** Switches every view to the host's light or dark theme. */
  setTheme(theme: "light" | "dark"): void;
}

declare global {
  interface Window {
    mcpListTools(): Promise<Tool[]>;
    mcpCallTool(params: CallToolRequest["params"]): Promise<CallToolResult>;
    mcpReadResource(params: ReadResourceRequest["params"]): Promise<ReadResourceResult>;
    host: TestHost;
  }
}
