/**
 * The connected MCP clients. Over stdio there is one; over HTTP one per session, each acting for a principal.
 * A run's model work (sampling) and its questions to the user (elicitation) go to the client that started or
 * last resumed it, or, once that one is gone, to another connected client of the same principal.
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";

/** The one principal of a stdio server, and of an HTTP server without tokens. */
export const LOCAL_PRINCIPAL = "local";

export interface ClientSession {
  readonly server: McpServer;
  readonly principal: string;
}

export class ClientSessions {
  private readonly open = new Set<ClientSession>();
  private readonly byRun = new Map<string, ClientSession>();

  /** Adds a connected session; returns the function that removes it. */
  add(session: ClientSession): () => void {
    this.open.add(session);
    return () => {
      this.open.delete(session);
      for (const [runId, s] of this.byRun) if (s === session) this.byRun.delete(runId);
    };
  }

  /** The session that acts for a run from now on. */
  bind(runId: string, session: ClientSession): void {
    this.byRun.set(runId, session);
  }

  /** The session to ask on a run's behalf: its bound one while connected, else the newest session of `principal`. */
  forRun(runId: string, principal: string): ClientSession | undefined {
    const bound = this.byRun.get(runId);
    if (bound && this.open.has(bound) && bound.server.isConnected()) return bound;
    let newest: ClientSession | undefined;
    for (const s of this.open) if (s.principal === principal && s.server.isConnected()) newest = s;
    return newest;
  }

  all(): Iterable<ClientSession> {
    return this.open;
  }

  get size(): number {
    return this.open.size;
  }
}
