/**
 * Every MCP tool of the server, registered in one explicit list, each behind the error boundary (the
 * GuardedServer) and given only the dependencies its own interface names.
 */
import type { GuardedServer } from "./error-boundary.js";
import { registerApproveInterrupt, type ApproveInterruptDeps } from "./approve-interrupt.js";
import { registerCancelRun, type CancelRunDeps } from "./cancel-run.js";
import { registerDeleteRun, type DeleteRunDeps } from "./delete-run.js";
import { registerForkRun, type ForkRunDeps } from "./fork-run.js";
import { registerGetRunHistory, type GetRunHistoryDeps } from "./get-run-history.js";
import { registerGetTimeline, type GetTimelineDeps } from "./get-timeline.js";
import { registerGenerateAgent, type GenerateAgentDeps } from "./generate-agent.js";
import { registerRegisterAgentTemplate, type RegisterAgentTemplateDeps } from "./register-agent-template.js";
import { registerRetireAgent, type RetireAgentDeps } from "./retire-agent.js";
import { registerStartWorkflow, type StartWorkflowDeps } from "./start-workflow.js";

/** What the tools call, together: one session's principal and the services the composition root built. */
export type ToolDeps = StartWorkflowDeps & ApproveInterruptDeps & GetTimelineDeps & RegisterAgentTemplateDeps
  & GenerateAgentDeps & RetireAgentDeps & CancelRunDeps & DeleteRunDeps & GetRunHistoryDeps & ForkRunDeps;

export function registerTools(server: GuardedServer, deps: ToolDeps): void {
  registerStartWorkflow(server, deps);
  registerApproveInterrupt(server, deps);
  registerGetTimeline(server, deps);
  registerRegisterAgentTemplate(server, deps);
  registerGenerateAgent(server, deps);
  registerRetireAgent(server, deps);
  registerCancelRun(server, deps);
  registerDeleteRun(server, deps);
  registerGetRunHistory(server, deps);
  registerForkRun(server, deps);
}
