/**
 * What the MCP layer (tools and resources) works with: the run manager and the stores, built once, and per
 * connected client its principal.
 */
import type { AgentAllocations } from "./agents/agent-allocations.js";
import type { AgentFactory } from "./agents/factory.js";
import type { Settings } from "./config.js";
import type { AgentStore } from "./storage/agent-store.js";
import type { BranchResultStore } from "./storage/branch-result-store.js";
import type { ServerLogger } from "./log.js";
import type { WorkflowGraph } from "./orchestration/graph.js";
import type { RunManager } from "./runs/run-manager.js";
import type { RunStore } from "./storage/run-store.js";
import type { TimelineStore } from "./storage/timeline-store.js";
import type { ClientSession, ClientSessions } from "./sessions/client-sessions.js";

export interface ServerContext {
  settings: Settings;
  log: ServerLogger;
  manager: RunManager;
  runs: RunStore;
  timeline: TimelineStore;
  graph: WorkflowGraph;
  factory: AgentFactory;
  allocations: AgentAllocations;
  agents: AgentStore;
  results: BranchResultStore;
  /** The connected clients (one over stdio, one per HTTP session). */
  sessions: ClientSessions;
}

/** What one client's tools and resources work with: the shared context, acting for the client's principal. */
export interface SessionContext extends ServerContext {
  principal: string;
  session: ClientSession;
}
