/**
 * The composition root's record: what createConductor (create-server.ts) builds once, for server.ts and the
 * HTTP server (start-up, recovery, health, sessions) and for session-server.ts, which hands every tool,
 * resource and prompt registration of a session only what its own dependency interface names. The MCP layer
 * (src/tools, src/resources, src/prompts) never sees it.
 */
import type { AgentAllocations } from "./agents/agent-allocations.js";
import type { AgentFactory } from "./agents/factory.js";
import type { Settings } from "./config.js";
import type { ServerLogger } from "./log.js";
import type { RunManager } from "./runs/run-manager.js";
import type { RunQueries } from "./runs/run-queries.js";
import type { AgentStorage, BranchResultStorage, RunStorage, Storage, TimelineStorage } from "./storage/storage.js";
import type { RunInterest } from "./resources/run-interest.js";
import type { ClientSessions } from "./sessions/client-sessions.js";

export interface ServerContext {
  settings: Settings;
  log: ServerLogger;
  manager: RunManager;
  /** The read side of runs (status, timeline, state, graph, lists), checked against the caller's principal. */
  queries: RunQueries;
  storage: Storage;
  runs: RunStorage;
  timeline: TimelineStorage;
  factory: AgentFactory;
  allocations: AgentAllocations;
  agents: AgentStorage;
  results: BranchResultStorage;
  /** The connected clients (one over stdio, one per HTTP session). */
  sessions: ClientSessions;
  /** The runs clients here are subscribed to (the SQLite change feed polls them for other processes' changes). */
  interest: RunInterest;
}
