/**
 * Which MCP revision a session's client speaks. A 2025-11-25 client opened with `initialize` and keeps a
 * connection the server may push requests on (sampling, elicitation) and log to; a 2026-07-28 client has no
 * such channel (its requests are self-contained; sampling and logging are deprecated there), so nothing of the
 * server's own is ever sent to it but progress and its listen streams' notifications.
 */
import type { McpServer } from "@modelcontextprotocol/server";

export const MODERN_REVISION = "2026-07-28";

/** Whether the session negotiated a 2025-era revision (the ones opened by `initialize`). */
export function speaksLegacy(server: McpServer): boolean {
  // Deprecated for per-request reads, but exact per instance: serveStdio and the HTTP sessions pin one instance
  // to one era, and an instance serving 2026-07-28 reports that revision.
  const version = server.server.getNegotiatedProtocolVersion();
  return version !== undefined && version < MODERN_REVISION;
}

/** Whether the server may send the session's client requests of its own (sampling, elicitation) and log records. */
export function acceptsServerRequests(server: McpServer): boolean {
  return server.isConnected() && speaksLegacy(server) && server.server.getClientCapabilities() !== undefined;
}
