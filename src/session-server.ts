/**
 * One MCP server per connected client: the tools, resources, prompt, subscriptions and logging, acting for
 * the client's principal over the shared run manager and stores. Closing it (or its transport) ends the session.
 */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { VERSION } from "./version.js";
import { attachMcpLogging } from "./mcp-logging.js";
import { registerPlanWorkflowPrompt } from "./prompts/plan-workflow.js";
import { registerAgentResources } from "./resources/agent-resources.js";
import { registerRunResources } from "./resources/run-resources.js";
import { registerRunView } from "./resources/run-view.js";
import { enableSubscriptions } from "./resources/subscriptions.js";
import type { ServerContext, SessionContext } from "./server-context.js";
import { registerTools } from "./tools/index.js";

export const INSTRUCTIONS =
  "Run multi-agent research and analysis workflows. Call start_workflow with an objective and tasks (each with inputs: " +
  "inline { name, text } sources or files under an allowed directory). The run pauses at sync points and before its quality " +
  "gate unless approvals is []; answer with approve_interrupt. Read progress with get_timeline or the orchestrator://runs resources.";

export function createSessionServer(shared: ServerContext, principal: string, listening?: () => boolean): McpServer {
  const server = new McpServer(
    { name: "conductor-mcp", title: "Conductor: durable multi-agent workflows", version: VERSION },
    { capabilities: { logging: {} }, instructions: INSTRUCTIONS },
  );
  const session = { server, principal, ...(listening ? { listening } : {}) };
  const ctx: SessionContext = { ...shared, principal, session };
  registerTools(server, ctx);
  registerRunResources(server, ctx);
  registerRunView(server);
  registerAgentResources(server, ctx);
  registerPlanWorkflowPrompt(server);
  const cleanups = [
    shared.sessions.add(session),
    enableSubscriptions(server, ctx),
    attachMcpLogging(server, ctx),
  ];
  server.server.oninitialized = () => shared.sessions.ready();
  server.server.onclose = () => cleanups.forEach((cleanup) => cleanup());
  return server;
}
