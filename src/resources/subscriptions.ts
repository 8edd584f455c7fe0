/**
 * Resource subscriptions: a client that subscribes to a run's URI (or its timeline or graph, the runs
 * list, or the active agents) gets `notifications/resources/updated` whenever that changes; a new run
 * sends `notifications/resources/list_changed`. Changes within one tick are coalesced into one notification
 * per URI.
 *
 * A 2025-11-25 client subscribes with `resources/subscribe`. A 2026-07-28 client on stdio opens a
 * `subscriptions/listen` stream instead: the SDK's `serveStdio` keeps its filter and routes this server's
 * notifications onto it, so every change is offered and the stream's filter decides. Over HTTP a 2026-07-28
 * request's server lives for that request only: its streams are fed by http/listen-publisher.ts instead.
 */
import { ProtocolError, ProtocolErrorCode } from "@modelcontextprotocol/server";
import type { McpServer } from "@modelcontextprotocol/server";
import type { RunManager } from "../runs/run-manager.js";
import type { RunQueries } from "../runs/run-queries.js";
import { isCallerError, type ErrorBoundary } from "../tools/error-boundary.js";
import type { RunInterest } from "./run-interest.js";
import { speaksLegacy } from "../sessions/protocol-era.js";
import { decodeRunId, RUN_URI, urisChangedBy } from "./run-uri.js";
import { TickBatch } from "./tick-batch.js";

/** What subscriptions call. */
export interface SubscriptionDeps {
  principal: string;
  queries: Pick<RunQueries, "requireRun" | "isOwnedBy">;
  /** Its `changed` and `created` events (run id). */
  manager: Pick<RunManager, "events">;
  interest: Pick<RunInterest, "add" | "remove">;
  boundary: ErrorBoundary;
  /** A server built for one stateless request (2026-07-28 over HTTP): it only declares the capability. */
  perRequest?: boolean;
}

/** Wires subscriptions for one client: only to its principal's runs. Returns the function that unwires them. */
export function enableSubscriptions(server: McpServer, deps: SubscriptionDeps): () => void {
  const { principal, queries, manager, interest, boundary } = deps;
  const subscribed = new Set<string>();

  server.server.registerCapabilities({ resources: { subscribe: true, listChanged: true } });
  if (deps.perRequest) return () => undefined;
  // Known once the client has opened the connection (initialize, or its first 2026-07-28 request).
  const listensToAll = () => server.server.getNegotiatedProtocolVersion() !== undefined && !speaksLegacy(server);
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

  const batch = new TickBatch((_client, uris) => {
    for (const uri of uris) void server.server.sendResourceUpdated({ uri }).catch(() => undefined);
  });
  const touch = (uris: string[]) => {
    const all = listensToAll();
    batch.add(principal, uris.filter((uri) => all || subscribed.has(uri)));
  };

  const mine = (runId: string) => queries.isOwnedBy(runId, principal);
  const onChanged = (runId: string) => {
    if (subscribed.size === 0 && !listensToAll()) return;
    void mine(runId).then((yes) => {
      if (yes) touch(urisChangedBy(runId));
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
