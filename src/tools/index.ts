/**
 * Every MCP tool of the server, registered in one explicit list.
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { SessionContext } from "../server-context.js";
import { registerApproveInterrupt } from "./approve-interrupt.js";
import { registerCancelRun } from "./cancel-run.js";
import { registerGetTimeline } from "./get-timeline.js";
import { registerGenerateAgent } from "./generate-agent.js";
import { registerRegisterAgentTemplate } from "./register-agent-template.js";
import { registerRetireAgent } from "./retire-agent.js";
import { registerStartWorkflow } from "./start-workflow.js";

export function registerTools(server: McpServer, ctx: SessionContext): void {
  registerStartWorkflow(server, ctx);
  registerApproveInterrupt(server, ctx);
  registerGetTimeline(server, ctx);
  registerRegisterAgentTemplate(server, ctx);
  registerGenerateAgent(server, ctx);
  registerRetireAgent(server, ctx);
  registerCancelRun(server, ctx);
}
