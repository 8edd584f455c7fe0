/**
 * The `subscriptions/listen` streams (MCP 2026-07-28) a process has open, and the runs their filters name: the
 * SQLite change feed polls those runs for other processes' changes, as it does for `resources/subscribe`. The SDK
 * serves the streams themselves (filtering and delivery); this only keeps count of what they asked for.
 */
import type { JSONRPCMessage } from "@modelcontextprotocol/server";
import type { RunInterest } from "./run-interest.js";
import { runIdsNamedBy } from "./run-uri.js";

/** The resource URIs a `subscriptions/listen` request asks updates for, or undefined for any other message. */
export function listenedUris(message: unknown): string[] | undefined {
  if (typeof message !== "object" || message === null) return undefined;
  const { method, params } = message as { method?: unknown; params?: { notifications?: { resourceSubscriptions?: unknown } } };
  if (method !== "subscriptions/listen") return undefined;
  const uris = params?.notifications?.resourceSubscriptions;
  return Array.isArray(uris) ? uris.filter((u): u is string => typeof u === "string") : [];
}

export class ListenStreams {
  private readonly open = new Map<unknown, { principal: string; runIds: string[] }>();

  constructor(private readonly interest: Pick<RunInterest, "add" | "remove">) {}

  opened(key: unknown, principal: string, uris: string[]): void {
    this.closed(key);
    const runIds = runIdsNamedBy(uris);
    runIds.forEach((id) => this.interest.add(id));
    this.open.set(key, { principal, runIds });
  }

  closed(key: unknown): void {
    const stream = this.open.get(key);
    if (!stream) return;
    this.open.delete(key);
    stream.runIds.forEach((id) => this.interest.remove(id));
  }

  closeAll(): void {
    for (const key of [...this.open.keys()]) this.closed(key);
  }

  /** Whether `principal` (any principal when omitted) has a stream open. */
  listening(principal?: string): boolean {
    for (const stream of this.open.values()) if (principal === undefined || stream.principal === principal) return true;
    return false;
  }

  /**
   * What a connection's inbound messages (stdio) say about its streams: a listen request opens one, keyed by its
   * id; `notifications/cancelled` for that id closes it.
   */
  observe(principal: string): (message: JSONRPCMessage) => void {
    return (message) => {
      const uris = listenedUris(message);
      if (uris !== undefined && "id" in message) return this.opened(message.id, principal, uris);
      if ("method" in message && message.method === "notifications/cancelled" && !("id" in message)) {
        this.closed((message.params as { requestId?: unknown } | undefined)?.requestId);
      }
    };
  }
}
