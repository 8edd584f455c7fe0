/**
 * What the MCP layer (tools and resources) works with: the run manager and the stores, built once, and per
 * connected client its principal.
 */
import type { AgentAllocations } from "./agents/agent-allocations.js";
import type { AgentFactory } from "./agents/factory.js";
import type { Settings } from "./config.js";
import type { ServerLogger } from "./log.js";
import type { WorkflowGraph } from "./orchestration/graph.js";
import type { RunManager } from "./runs/run-manager.js";
import type { AgentStorage, BranchResultStorage, RunStorage, Storage, TimelineStorage } from "./storage/storage.js";
import type { RunInterest } from "./resources/run-interest.js";
import type { ClientSession, ClientSessions } from "./sessions/client-sessions.js";

export interface ServerContext {
  settings: Settings;
  log: ServerLogger;
  manager: RunManager;
  storage: Storage;
  runs: RunStorage;
  timeline: TimelineStorage;
  graph: WorkflowGraph;
  factory: AgentFactory;
  allocations: AgentAllocations;
  agents: AgentStorage;
  results: BranchResultStorage;
  /** The connected clients (one over stdio, one per HTTP session). */
  sessions: ClientSessions;
  /** The runs clients here are subscribed to (the SQLite change feed polls them for other processes' changes). */
  interest: RunInterest;
}

/** What one client's tools and resources work with: the shared context, acting for the client's principal. */
export interface SessionContext extends ServerContext {
  principal: string;
  session: ClientSession;
}
