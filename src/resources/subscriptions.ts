/**
 * Resource subscriptions: a client that subscribes to a run's URI (or its timeline or graph, the runs
 * list, or the active agents) gets `notifications/resources/updated` whenever that changes; a new run
 * sends `notifications/resources/list_changed`. Changes within one tick are coalesced into one notification
 * per URI.
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { SubscribeRequestSchema, UnsubscribeRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import type { ServerContext } from "../server-context.js";

export function enableSubscriptions(server: McpServer, ctx: ServerContext): void {
  const subscribed = new Set<string>();
  const pending = new Set<string>();
  let flushing = false;

  server.server.registerCapabilities({ resources: { subscribe: true, listChanged: true } });
  server.server.setRequestHandler(SubscribeRequestSchema, async (request) => {
    subscribed.add(request.params.uri);
    return {};
  });
  server.server.setRequestHandler(UnsubscribeRequestSchema, async (request) => {
    subscribed.delete(request.params.uri);
    return {};
  });

  const flush = () => {
    flushing = false;
    for (const uri of pending) void server.server.sendResourceUpdated({ uri }).catch(() => undefined);
    pending.clear();
  };
  const touch = (uris: string[]) => {
    for (const uri of uris) if (subscribed.has(uri)) pending.add(uri);
    if (pending.size > 0 && !flushing) {
      flushing = true;
      setImmediate(flush);
    }
  };

  ctx.manager.events.on("changed", (runId: string) => {
    const run = `orchestrator://runs/${runId}`;
    touch([run, `${run}/timeline`, `${run}/graph`, "orchestrator://runs", "orchestrator://agents/active"]);
  });
  ctx.manager.events.on("created", () => {
    if (server.isConnected()) server.sendResourceListChanged();
  });
}
