/**
 * One MCP server per connected client: the tools, resources, prompt, subscriptions and logging, acting for
 * the client's principal over the shared run manager and stores. Closing it (or its transport) ends the session.
 */
import { McpServer } from "@modelcontextprotocol/server";
import { VERSION } from "./version.js";
import { attachMcpLogging } from "./mcp-logging.js";
import { registerPlanWorkflowPrompt } from "./prompts/plan-workflow.js";
import { registerAgentResources } from "./resources/agent-resources.js";
import { registerRunResources } from "./resources/run-resources.js";
import { registerRunView } from "./resources/run-view.js";
import { enableSubscriptions } from "./resources/subscriptions.js";
import type { ServerContext } from "./server-context.js";
import { createStderrLogger } from "./log.js";
import { speaksLegacy } from "./sessions/protocol-era.js";
import { ErrorBoundary, guardServer } from "./tools/error-boundary.js";
import { registerTools } from "./tools/index.js";

export const INSTRUCTIONS =
  "Run multi-agent research and analysis workflows. Call start_workflow with an objective and tasks (each with inputs: " +
  "inline { name, text } sources or files under an allowed directory). The run pauses at sync points and before its quality " +
  "gate unless approvals is []; answer with approve_interrupt. Read progress with get_timeline or the orchestrator://runs resources.";

export interface SessionServerOptions {
  /** When the client can receive the server's own requests (see ClientSession). */
  listening?: () => boolean;
  /** Built for one stateless request (2026-07-28 over HTTP) and closed with it. */
  perRequest?: boolean;
}

export function createSessionServer(shared: ServerContext, principal: string, options: SessionServerOptions = {}): McpServer {
  const { listening } = options;
  const server = new McpServer(
    { name: "conductor-mcp", title: "Conductor: durable multi-agent workflows", version: VERSION },
    { capabilities: { logging: {} }, instructions: INSTRUCTIONS },
  );
  const session = { server, principal, ...(listening ? { listening } : {}) };
  // Every handler runs behind the error boundary; internal errors' stacks go to stderr only, never to a client.
  const boundary = new ErrorBoundary(createStderrLogger(shared.settings.logLevel));
  const guarded = guardServer(server, boundary);
  const { manager, queries, factory, allocations, agents, interest } = shared;
  registerTools(guarded, {
    principal, manager, queries, factory, allocations,
    allowedModels: shared.settings.models?.allowed ?? [],
    // A 2026-07-28 client has no sampling: its runs' executor `auto` picks model, builtin or delegate.
    clientSamples: () => speaksLegacy(server) && server.server.getClientCapabilities()?.sampling !== undefined,
    followRun: (runId) => shared.sessions.bind(runId, session),
  });
  registerRunResources(guarded, { principal, queries });
  registerRunView(guarded);
  registerAgentResources(guarded, { principal, factory, allocations, agents });
  registerPlanWorkflowPrompt(guarded);
  const cleanups = [
    shared.sessions.add(session),
    enableSubscriptions(server, { principal, queries, manager, interest, boundary, ...(options.perRequest ? { perRequest: true } : {}) }),
    attachMcpLogging(server, { log: shared.log, serverLevel: shared.settings.logLevel, principal, ownerOf: (runId) => shared.runs.principalOf(runId) }),
  ];
  server.server.oninitialized = () => shared.sessions.ready();
  server.server.onclose = () => cleanups.forEach((cleanup) => cleanup());
  return server;
}
