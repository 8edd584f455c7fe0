/**
 * Resource subscriptions: a client that subscribes to a run's URI (or its timeline or graph, the runs
 * list, or the active agents) gets `notifications/resources/updated` whenever that changes; a new run
 * sends `notifications/resources/list_changed`. Changes within one tick are coalesced into one notification
 * per URI.
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { ErrorCode, McpError, SubscribeRequestSchema, UnsubscribeRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import type { SessionContext } from "../server-context.js";

const RUN_URI = /^orchestrator:\/\/runs\/([^/]+)(?:\/(?:timeline|graph))?$/;

/** Wires subscriptions for one client: only to its principal's runs. Returns the function that unwires them. */
export function enableSubscriptions(server: McpServer, ctx: SessionContext): () => void {
  const subscribed = new Set<string>();
  const pending = new Set<string>();
  let flushing = false;

  server.server.registerCapabilities({ resources: { subscribe: true, listChanged: true } });
  server.server.setRequestHandler(SubscribeRequestSchema, async (request) => {
    const run = RUN_URI.exec(request.params.uri);
    const runId = run ? decodeURIComponent(run[1]!) : undefined;
    try {
      if (runId !== undefined) await ctx.manager.requireRun(runId, ctx.principal);
    } catch (error) {
      throw new McpError(ErrorCode.InvalidParams, (error as Error).message);
    }
    if (!subscribed.has(request.params.uri)) {
      subscribed.add(request.params.uri);
      if (runId !== undefined) ctx.interest.add(runId);
    }
    return {};
  });
  server.server.setRequestHandler(UnsubscribeRequestSchema, async (request) => {
    if (subscribed.delete(request.params.uri)) unwatch(request.params.uri);
    return {};
  });
  const unwatch = (uri: string) => {
    const run = RUN_URI.exec(uri);
    if (run) ctx.interest.remove(decodeURIComponent(run[1]!));
  };

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

  const mine = async (runId: string) => (await ctx.runs.principalOf(runId)) === ctx.principal;
  const onChanged = (runId: string) => {
    if (subscribed.size === 0) return;
    void mine(runId).then((yes) => {
      if (!yes) return;
      const run = `orchestrator://runs/${runId}`;
      touch([run, `${run}/timeline`, `${run}/graph`, "orchestrator://runs", "orchestrator://agents/active"]);
    }, () => undefined);
  };
  const onCreated = (runId: string) => {
    void mine(runId).then((yes) => {
      if (yes && server.isConnected()) server.sendResourceListChanged();
    }, () => undefined);
  };
  ctx.manager.events.on("changed", onChanged);
  ctx.manager.events.on("created", onCreated);
  return () => {
    ctx.manager.events.off("changed", onChanged);
    ctx.manager.events.off("created", onCreated);
    for (const uri of subscribed) unwatch(uri);
    subscribed.clear();
  };
}
