/**
 * Resource subscriptions: a client that subscribes to a run's URI (or its timeline or graph, the runs
 * list, or the active agents) gets `notifications/resources/updated` whenever that changes; a new run
 * sends `notifications/resources/list_changed`. Changes within one tick are coalesced into one notification
 * per URI.
 */
import { ProtocolError, ProtocolErrorCode } from "@modelcontextprotocol/server";
import type { McpServer } from "@modelcontextprotocol/server";
import type { RunManager } from "../runs/run-manager.js";
import type { RunQueries } from "../runs/run-queries.js";
import { isCallerError, type ErrorBoundary } from "../tools/error-boundary.js";
import type { RunInterest } from "./run-interest.js";
import { decodeRunId, RUN_URI } from "./run-uri.js";

/** What subscriptions call. */
export interface SubscriptionDeps {
  principal: string;
  queries: Pick<RunQueries, "requireRun" | "isOwnedBy">;
  /** Its `changed` and `created` events (run id). */
  manager: Pick<RunManager, "events">;
  interest: Pick<RunInterest, "add" | "remove">;
  boundary: ErrorBoundary;
}

/** Wires subscriptions for one client: only to its principal's runs. Returns the function that unwires them. */
export function enableSubscriptions(server: McpServer, deps: SubscriptionDeps): () => void {
  const { principal, queries, manager, interest, boundary } = deps;
  const subscribed = new Set<string>();
  const pending = new Set<string>();
  let flushing = false;

  server.server.registerCapabilities({ resources: { subscribe: true, listChanged: true } });
  server.server.setRequestHandler('resources/subscribe', async (request) => {
    const run = RUN_URI.exec(request.params.uri);
    let runId: string | undefined;
    try {
      runId = run ? decodeRunId(run[1]!) : undefined;
      if (runId !== undefined) await queries.requireRun(runId, principal);
    } catch (error) {
      // An unknown run is the client's mistake; anything else goes through the error boundary.
      if (isCallerError(error)) throw new ProtocolError(ProtocolErrorCode.InvalidParams, (error as Error).message);
      throw new Error(boundary.internal("resources/subscribe", error));
    }
    if (!subscribed.has(request.params.uri)) {
      subscribed.add(request.params.uri);
      if (runId !== undefined) interest.add(runId);
    }
    return {};
  });
  server.server.setRequestHandler('resources/unsubscribe', async (request) => {
    if (subscribed.delete(request.params.uri)) unwatch(request.params.uri);
    return {};
  });
  const unwatch = (uri: string) => {
    const run = RUN_URI.exec(uri);
    if (run) interest.remove(decodeRunId(run[1]!));
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

  const mine = (runId: string) => queries.isOwnedBy(runId, principal);
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
  manager.events.on("changed", onChanged);
  manager.events.on("created", onCreated);
  return () => {
    manager.events.off("changed", onChanged);
    manager.events.off("created", onCreated);
    for (const uri of subscribed) unwatch(uri);
    subscribed.clear();
  };
}
