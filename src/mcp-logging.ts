/**
 * MCP logging: server log records become `notifications/message` for the connected client, filtered at the
 * level the client chose with `logging/setLevel`, or at the server's --log-level until it chooses one.
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { SetLevelRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import type { LogLevel } from "./config.js";
import { fromMcpLevel, safeJson, type ServerLogger } from "./log.js";

export function attachMcpLogging(server: McpServer, log: ServerLogger, serverLevel: LogLevel): void {
  let clientLevel: LogLevel | undefined;
  server.server.setRequestHandler(SetLevelRequestSchema, async (request) => {
    clientLevel = fromMcpLevel(request.params.level);
    log.info(`client set the log level to ${request.params.level}`);
    return {};
  });
  log.attach((level, message, data) => {
    if (!server.isConnected()) return;
    const payload = data === undefined ? { message } : { message, data: data instanceof Error ? safeJson(data) : data };
    void server.server.notification({ method: "notifications/message", params: { level, logger: "conductor", data: payload } }).catch(() => undefined);
  }, () => clientLevel ?? serverLevel);
}
