/**
 * The connected MCP clients. Over stdio there is one; over HTTP one per session, each acting for a principal.
 * A run's model work (sampling) and its questions to the user (elicitation) go to the client that started or
 * last resumed it, or, once that one is gone, to another connected client of the same principal.
 */
import type { McpServer } from "@modelcontextprotocol/server";
import { acceptsServerRequests } from "./protocol-era.js";

/** The one principal of a stdio server, and of an HTTP server without tokens. */
export const LOCAL_PRINCIPAL = "local";

export interface ClientSession {
  readonly server: McpServer;
  readonly principal: string;
  /** Whether requests of the server's own (sampling, elicitation) can reach the client now; over HTTP only once
   *  it has opened its GET event stream (messages sent before would be lost). Absent: always. */
  readonly listening?: () => boolean;
}

export class ClientSessions {
  private readonly open = new Set<ClientSession>();
  private readonly byRun = new Map<string, ClientSession>();
  private readonly waiters = new Set<() => void>();

  /** Adds a connected session; returns the function that removes it. */
  add(session: ClientSession): () => void {
    this.open.add(session);
    return () => {
      this.open.delete(session);
      for (const [runId, s] of this.byRun) if (s === session) this.byRun.delete(runId);
    };
  }

  /** A session has initialized (its capabilities are known) or started listening: wake whoever waits for one. */
  ready(): void {
    for (const wake of [...this.waiters]) wake();
  }

  /**
   * The session to ask on a run's behalf, waiting until one of `principal` has connected (e.g. after a restart
   * resumed the run before any client was back). Rejects when `signal` aborts first.
   */
  async waitForRun(runId: string, principal: string, signal: AbortSignal): Promise<ClientSession> {
    for (;;) {
      const session = this.forRun(runId, principal);
      if (session) return session;
      signal.throwIfAborted();
      await new Promise<void>((resolve, reject) => {
        const done = () => {
          this.waiters.delete(done);
          signal.removeEventListener("abort", onAbort);
          resolve();
        };
        const onAbort = () => {
          done();
          reject(signal.reason instanceof Error ? signal.reason : new Error(`no client of ${principal} connected in time to answer for run ${runId}`));
        };
        this.waiters.add(done);
        signal.addEventListener("abort", onAbort, { once: true });
      });
    }
  }

  /** The session that acts for a run from now on. */
  bind(runId: string, session: ClientSession): void {
    this.byRun.set(runId, session);
  }

  /** The session to ask on a run's behalf: its bound one while connected, else the newest initialized session of `principal`. */
  forRun(runId: string, principal: string): ClientSession | undefined {
    const bound = this.byRun.get(runId);
    if (bound && this.usable(bound)) return bound;
    let newest: ClientSession | undefined;
    for (const s of this.open) if (s.principal === principal && this.usable(s)) newest = s;
    return newest;
  }

  private usable(session: ClientSession): boolean {
    return this.open.has(session) && acceptsServerRequests(session.server) && (session.listening?.() ?? true);
  }

  all(): Iterable<ClientSession> {
    return this.open;
  }
}
