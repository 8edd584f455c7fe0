/**
 * MCP logging: server log records become `notifications/message` for a connected client, filtered at the
 * level the client chose with `logging/setLevel`, or at the server's --log-level until it chooses one.
 * A record about a run (its data carries `run_id`) goes only to clients of the run's principal. Only 2025-11-25
 * clients get them: logging is deprecated in 2026-07-28, whose clients' records stay on stderr.
 */
import type { McpServer } from "@modelcontextprotocol/server";
import type { LogLevel } from "./config.js";
import { fromMcpLevel, safeJson, type ServerLogger } from "./log.js";
import { speaksLegacy } from "./sessions/protocol-era.js";

/** What one client's MCP logging works with: the log, the server's level, and whose runs are whose. */
export interface McpLoggingDeps {
  log: ServerLogger;
  /** --log-level: the level until the client sets its own. */
  serverLevel: LogLevel;
  /** The client's principal: records about a run reach it only when the run is theirs. */
  principal: string;
  ownerOf(runId: string): string | undefined | Promise<string | undefined>;
}

/** Returns the function that detaches the client from the log. */
export function attachMcpLogging(server: McpServer, deps: McpLoggingDeps): () => void {
  const { log, serverLevel } = deps;
  let clientLevel: LogLevel | undefined;
  server.server.setRequestHandler('logging/setLevel', async (request) => {
    clientLevel = fromMcpLevel(request.params.level);
    log.info(`client set the log level to ${request.params.level}`);
    return {};
  });
  return log.attach((level, message, data) => {
    if (!server.isConnected() || !speaksLegacy(server)) return;
    const runId = (data as { run_id?: unknown } | undefined)?.run_id;
    const payload = data === undefined ? { message } : { message, data: data instanceof Error ? safeJson(data) : data };
    const send = () => void server.server.notification({ method: "notifications/message", params: { level, logger: "conductor", data: payload } }).catch(() => undefined);
    if (typeof runId !== "string") return send();
    // A record about a run goes only to its principal's clients.
    void Promise.resolve(deps.ownerOf(runId)).then((owner) => owner === deps.principal && send(), () => undefined);
  }, () => clientLevel ?? serverLevel);
}
