/**
 * Streamable HTTP on `/mcp`, both revisions on one endpoint: a 2026-07-28 request is served statelessly
 * (modern-endpoint.ts); a 2025-11-25 client opens a session (Mcp-Session-Id) with one session server, and has
 * its GET event stream, sampling and elicitation as before. Bearer authentication when tokens are configured,
 * Host and Origin checks against DNS rebinding, and `GET /healthz`.
 *
 * Tokens are verified against the table in force at each request (token-file-watch.ts reloads it); when a reload
 * revokes tokens, the sessions and listen streams they were used on are closed.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import express, { type ErrorRequestHandler, type NextFunction, type Request, type RequestHandler, type Response } from "express";
import { isInitializeRequest, isLegacyRequest } from "@modelcontextprotocol/server";
import { NodeStreamableHTTPServerTransport, toWebRequest } from "@modelcontextprotocol/node";
import { hostHeaderValidation, localhostHostValidation, requireBearerAuth } from "@modelcontextprotocol/express";
import { isLoopback, requestLimit, type Settings } from "../config.js";
import type { Conductor } from "../create-server.js";
import type { Logger } from "../log.js";
import { LOCAL_PRINCIPAL } from "../sessions/client-sessions.js";
import { VERSION } from "../version.js";
import { digestOf, tokenVerifier } from "./auth-tokens.js";
import { answerRevoked, createModernEndpoint } from "./modern-endpoint.js";
import type { LiveTokens } from "./token-file-watch.js";

export interface HttpServing {
  /** The address actually bound (the port is chosen by the system for --port 0). */
  url: string;
  close(): Promise<void>;
}

interface HttpSession {
  transport: NodeStreamableHTTPServerTransport;
  principal: string;
  /** Set while the client's GET event stream is open: the server's own requests and notifications travel on it. */
  listening: boolean;
  /**
   * The digests of the tokens its requests came with (a principal may have several, and a client may switch while
   * its session lasts). Revoking any of them closes the session: its open streams may have been opened with it.
   */
  tokens: Set<string>;
}

export async function serveHttp(
  conductor: Conductor, settings: Settings, tokens: LiveTokens | undefined, log: Logger,
  /** With --metrics: answers GET /metrics (Prometheus text; no token needed, like /healthz: it names no run or principal). */
  metrics?: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<HttpServing> {
  const loopback = isLoopback(settings.host);
  const wildcard = settings.host === "0.0.0.0" || settings.host === "::";
  const app = express();
  // Host checks against DNS rebinding (the SDK's middleware): loopback answers only to localhost names, a named host
  // only to its name; a wildcard address has no one name, and tokens are required for it.
  if (loopback) app.use(localhostHostValidation());
  else if (!wildcard) app.use(hostHeaderValidation([settings.host]));
  // A request may carry several inline inputs of up to --max-input-bytes each.
  const maxBody = requestLimit(settings.maxInputBytes);
  app.use(express.json({ limit: maxBody }));
  const sessions = new Map<string, HttpSession>();
  /**
   * Whether a request's token is still in force as it authenticated it. A reload may land between the bearer check
   * and the moment a session or stream is registered (where revocation would find it): checked again there.
   */
  const revoked = (req: Request): boolean => {
    const digest = digestOf(req.auth);
    return tokens !== undefined && digest !== undefined && tokens.current().digests.get(digest) !== req.auth?.clientId;
  };
  const modern = createModernEndpoint(conductor, maxBody, log, (req) => revoked(req as Request));

  app.get("/healthz", async (_req, res) => {
    const healthy = await conductor.healthy();
    res.status(healthy ? 200 : 503).json({ status: healthy ? "ok" : "database unreachable", version: VERSION, backend: conductor.context.storage.backend });
  });

  if (metrics) app.get("/metrics", (req, res) => metrics(req, res));

  const authenticate: RequestHandler = tokens
    ? requireBearerAuth({ verifier: tokenVerifier(() => tokens.current()) })
    : (_req, _res, next) => next();
  const stopRevoking = tokens?.onRevoked((digests) => {
    const closing = [...sessions.values()].filter((s) => [...s.tokens].some((d) => digests.has(d)));
    for (const session of closing) void session.transport.close().catch(() => undefined);
    const streams = modern.closeStreams(digests);
    log.info(`revoked tokens: closed ${closing.length} HTTP session(s) and ${streams} listen stream(s) opened with them`);
  });
  const principalOf = (req: Request) => req.auth?.clientId ?? LOCAL_PRINCIPAL;

  const handle = async (req: Request, res: Response) => {
    const id = req.headers["mcp-session-id"];
    const sessionId = Array.isArray(id) ? id[0] : id;
    if (revoked(req)) return answerRevoked(res);
    if (sessionId !== undefined) {
      const session = sessions.get(sessionId);
      // Another principal's session id is answered like an unknown one.
      if (!session || session.principal !== principalOf(req)) return jsonRpcError(res, 404, "unknown or expired MCP session; initialize a new one");
      const digest = digestOf(req.auth);
      if (digest !== undefined) session.tokens.add(digest);
      if (req.method === "GET") {
        onStreamOpened(res, () => {
          session.listening = true;
          conductor.context.sessions.ready();
        });
        res.once("close", () => { session.listening = false; });
      }
      return session.transport.handleRequest(req, res, req.body);
    }
    if (req.method !== "POST" || !isInitializeRequest(req.body)) {
      // The SDK's own classification, so the two legs never disagree about a request.
      if (!(await isLegacyRequest(await toWebRequest(req, req.body)))) return modern.handle(req, res, req.body);
      return jsonRpcError(res, 400, "no Mcp-Session-Id header: send an initialize request first (MCP 2025-11-25), or the 2026-07-28 _meta envelope in every request");
    }
    const principal = principalOf(req);
    const transport: NodeStreamableHTTPServerTransport = new NodeStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (newId) => {
        sessions.set(newId, session);
        log.info(`HTTP session ${newId} opened for ${principal}`);
        if (revoked(req)) void transport.close().catch(() => undefined);
      },
    });
    transport.onclose = () => {
      if (transport.sessionId && sessions.delete(transport.sessionId)) log.info(`HTTP session ${transport.sessionId} closed`);
    };
    const digest = digestOf(req.auth);
    const session: HttpSession = { transport, principal, listening: false, tokens: new Set(digest === undefined ? [] : [digest]) };
    await conductor.connectClient(principal, { listening: () => session.listening }).connect(transport);
    await transport.handleRequest(req, res, req.body);
  };
  const route = (req: Request, res: Response, next: NextFunction) => {
    handle(req, res).catch((error: unknown) => {
      log.error("HTTP request failed", { error: error instanceof Error ? error.message : String(error) });
      if (!res.headersSent) jsonRpcError(res, 500, "internal server error");
      else next();
    });
  };
  app.all("/mcp", checkOrigin(settings.host, loopback), authenticate, route);
  const badBody: ErrorRequestHandler = (error: { status?: number; type?: string; message?: string }, _req, res, next) => {
    if (res.headersSent) return next(error);
    if (error.type === "entity.too.large") return jsonRpcError(res, 413, `the request body is larger than this server's limit of ${maxBody} bytes (4 x --max-input-bytes + 1 MB)`);
    if (error.type === "entity.parse.failed") return jsonRpcError(res, 400, `the request body is not JSON: ${error.message ?? ""}`, -32700);
    return jsonRpcError(res, error.status ?? 500, error.message ?? "bad request");
  };
  app.use(badBody);

  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(settings.port, settings.host, () => resolve(s));
    s.once("error", reject);
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}/mcp`,
    async close() {
      stopRevoking?.();
      await Promise.all([...sessions.values()].map((s) => s.transport.close().catch(() => undefined)));
      await modern.close().catch(() => undefined);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A browser page of another site must not drive the server (DNS rebinding, cross-site requests): a request
 * that carries an Origin is accepted only from a loopback origin (loopback server) or the server's own host.
 */
function checkOrigin(host: string, loopback: boolean): RequestHandler {
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (origin === undefined) return next();
    let hostname: string;
    try {
      hostname = new URL(origin).hostname;
    } catch {
      return jsonRpcError(res, 403, `Origin "${origin}" is not a URL`);
    }
    if (loopback ? isLoopback(hostname) : hostname === host || hostname === req.hostname) return next();
    return jsonRpcError(res, 403, `Origin "${origin}" may not use this server`);
  };
}

/**
 * Calls `opened` once the SDK has answered a GET with its event stream: by then the stream is registered, so a
 * message sent next reaches the client. (Node's response has no event for "headers written"; writeHead is wrapped.)
 */
function onStreamOpened(res: Response, opened: () => void): void {
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => Response;
  res.writeHead = ((...args: unknown[]) => {
    const result = writeHead(...args);
    if (res.statusCode === 200) setImmediate(opened);
    return result;
  }) as typeof res.writeHead;
}

function jsonRpcError(res: Response, status: number, message: string, code = status === 500 ? -32603 : -32000): void {
  res.status(status).json({ jsonrpc: "2.0", error: { code, message }, id: null });
}
