/**
 * MCP 2026-07-28 over HTTP: stateless. Every request carries its own revision, client identity and capabilities
 * (`_meta`), so each one is served by a session server of its own, built for the request's principal and closed
 * with it; nothing of the client's is kept between requests, and any process on the shared database answers any
 * of them (a load balancer needs no sticky sessions). 2025-11-25 requests never reach it: http-server.ts routes
 * them to their sessions first.
 *
 * Live updates are `subscriptions/listen` streams, held by the process the client opened them on. Each principal
 * has a handler (and so an event bus) of its own, so a change is published to its run's principal only; a change
 * made by another process reaches this one through the change feed. A stream is closed when the token it was
 * opened with is revoked (`closeStreams`).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { createMcpHandler, ProtocolErrorCode, type AuthInfo, type McpHttpHandler } from "@modelcontextprotocol/server";
import { toNodeHandler } from "@modelcontextprotocol/node";
import type { Conductor } from "../create-server.js";
import type { Logger } from "../log.js";
import { listenedUris, ListenStreams } from "../resources/listen-streams.js";
import { publishRunChanges } from "../resources/run-change-publisher.js";
import { runIdsNamedBy } from "../resources/run-uri.js";
import { LOCAL_PRINCIPAL } from "../sessions/client-sessions.js";
import { digestOf } from "./auth-tokens.js";

export interface ModernEndpoint {
  /** Serves one 2026-07-28 request whose body express has parsed already. */
  handle(req: IncomingMessage & { auth?: AuthInfo }, res: ServerResponse, body: unknown): Promise<void>;
  /** Ends the listen streams opened with any of these tokens (digests); returns how many. */
  closeStreams(tokens: ReadonlySet<string>): number;
  close(): Promise<void>;
}

interface PrincipalHandler {
  handler: McpHttpHandler;
  serve: ReturnType<typeof toNodeHandler>;
}

/**
 * `revoked(req)`: whether the request's token was revoked since the bearer check (a listen stream is checked again
 * once its filter is, so that a reload in between cannot leave one open).
 */
export function createModernEndpoint(
  conductor: Conductor, maxBodyBytes: number, log: Logger, revoked: (req: IncomingMessage) => boolean = () => false,
): ModernEndpoint {
  const onerror = (error: Error) => log.warning(`HTTP (2026-07-28): ${error.message}`);
  const { context } = conductor;
  const handlers = new Map<string, PrincipalHandler>();
  const handlerFor = (principal: string): PrincipalHandler => {
    let entry = handlers.get(principal);
    if (!entry) {
      const handler = createMcpHandler(() => conductor.connectClient(principal, { perRequest: true }), {
        legacy: "reject", maxRequestBodySize: maxBodyBytes, onerror,
      });
      entry = { handler, serve: toNodeHandler(handler, { maxRequestBodySize: maxBodyBytes, onerror }) };
      handlers.set(principal, entry);
    }
    return entry;
  };
  const streams = new ListenStreams(context.interest);
  /** The open listen streams opened with a token, with its digest. */
  const tokenStreams = new Map<object, { digest: string; res: ServerResponse }>();
  const stopPublishing = publishRunChanges({
    events: context.manager.events,
    principalOf: async (runId) => context.runs.principalOf(runId),
    listening: (principal) => streams.listening(principal),
    notifierFor: (principal) => handlerFor(principal).handler.notify,
  });

  /** A listen stream may name only the principal's own runs, as resources/subscribe may. */
  const refusal = async (uris: string[], principal: string): Promise<string | undefined> => {
    for (const runId of runIdsNamedBy(uris)) {
      try {
        await context.queries.requireRun(runId, principal);
      } catch (error) {
        return (error as Error).message;
      }
    }
    return undefined;
  };

  return {
    async handle(req, res, body) {
      // requireBearerAuth (in front) put the token's principal into req.auth.
      const principal = req.auth?.clientId ?? LOCAL_PRINCIPAL;
      const uris = listenedUris(body);
      if (uris !== undefined) {
        const refused = await refusal(uris, principal);
        if (refused !== undefined) {
          const id = (body as { id?: unknown }).id ?? null;
          res.writeHead(200, { "content-type": "application/json" })
            .end(JSON.stringify({ jsonrpc: "2.0", id, error: { code: ProtocolErrorCode.InvalidParams, message: refused } }));
          return;
        }
        if (revoked(req)) return answerRevoked(res);
        const key = {};
        streams.opened(key, principal, uris);
        const digest = digestOf(req.auth);
        if (digest !== undefined) tokenStreams.set(key, { digest, res });
        res.once("close", () => {
          streams.closed(key);
          tokenStreams.delete(key);
        });
      }
      return handlerFor(principal).serve(req, res, body);
    },
    closeStreams(tokens) {
      let closed = 0;
      for (const { digest, res } of tokenStreams.values()) {
        if (!tokens.has(digest)) continue;
        // The SDK writes the stream; ending the response under it would race its writes: the connection goes.
        res.destroy();
        closed++;
      }
      return closed;
    },
    async close() {
      stopPublishing();
      await Promise.all([...handlers.values()].map((h) => h.handler.close()));
      streams.closeAll();
    },
  };
}

/** What the bearer check answers for an unknown token, for a token revoked since it checked. */
export function answerRevoked(res: ServerResponse): void {
  const description = "the bearer token was revoked";
  res.writeHead(401, { "content-type": "application/json", "www-authenticate": `Bearer error="invalid_token", error_description="${description}"` })
    .end(JSON.stringify({ error: "invalid_token", error_description: description }));
}
