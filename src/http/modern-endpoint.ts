/**
 * MCP 2026-07-28 over HTTP: stateless. Every request carries its own revision, client identity and capabilities
 * (`_meta`), so each one is served by a session server of its own, built for the request's principal and closed
 * with it; nothing of the client's is kept between requests, and any process on the shared database answers any
 * of them (a load balancer needs no sticky sessions). 2025-11-25 requests never reach it: http-server.ts routes
 * them to their sessions first.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { createMcpHandler, type AuthInfo } from "@modelcontextprotocol/server";
import { toNodeHandler } from "@modelcontextprotocol/node";
import type { Conductor } from "../create-server.js";
import type { Logger } from "../log.js";
import { LOCAL_PRINCIPAL } from "../sessions/client-sessions.js";

export interface ModernEndpoint {
  /** Serves one 2026-07-28 request whose body express has parsed already. */
  handle(req: IncomingMessage & { auth?: AuthInfo }, res: ServerResponse, body: unknown): Promise<void>;
  close(): Promise<void>;
}

export function createModernEndpoint(conductor: Conductor, maxBodyBytes: number, log: Logger): ModernEndpoint {
  const onerror = (error: Error) => log.warning(`HTTP (2026-07-28): ${error.message}`);
  // requireBearerAuth (in front) put the token's principal into req.auth, which toNodeHandler passes on as authInfo.
  const handler = createMcpHandler(({ authInfo }) => conductor.connectClient(authInfo?.clientId ?? LOCAL_PRINCIPAL), {
    legacy: "reject", maxRequestBodySize: maxBodyBytes, onerror,
  });
  const node = toNodeHandler(handler, { maxRequestBodySize: maxBodyBytes, onerror });
  return {
    handle: (req, res, body) => node(req, res, body),
    close: () => handler.close(),
  };
}
