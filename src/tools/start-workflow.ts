/**
 * start_workflow: starts a durable run of the orchestration graph and waits up to `wait_seconds` for it
 * to settle (pause, finish or fail).
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { registerAppTool } from "@modelcontextprotocol/ext-apps/server";
import type { SessionContext } from "../server-context.js";
import { RUN_VIEW_TOOL_META } from "../resources/run-view.js";
import { RunStatusShape } from "../domain/run-status.js";
import { StartWorkflowInput } from "../runs/start-request.js";
import { runStatusResult, waitForRun } from "./wait-for-run.js";

export function registerStartWorkflow(server: McpServer, ctx: SessionContext): void {
  registerAppTool(server, "start_workflow", {
    title: "Start a multi-agent workflow",
    description:
      "Start a durable workflow run: one branch per task (research tasks rank evidence in their inputs; analysis tasks compute " +
      "statistics over CSV inputs), run in parallel waves, synchronized at sync points, merged by quality, checked by a quality gate, " +
      "and written up as a report with source attribution. By default the run pauses for a human decision at each sync point and " +
      "before the quality gate: answer with approve_interrupt. Pass approvals: [] to run straight through. Returns the run's status " +
      "(pending interrupts, progress, and the report once completed) after at most wait_seconds.",
    inputSchema: StartWorkflowInput,
    outputSchema: RunStatusShape,
    _meta: RUN_VIEW_TOOL_META,
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  }, async (args, extra) => {
    const clientSamples = server.server.getClientCapabilities()?.sampling !== undefined;
    const { run_id, created } = await ctx.manager.start(args, { principal: ctx.principal, clientSamples });
    ctx.sessions.bind(run_id, ctx.session);
    const status = await waitForRun(ctx, run_id, args.wait_seconds, extra);
    return runStatusResult(status, created ? undefined : `Run ${run_id} exists already; returning it (run_id is an idempotency key).`);
  });
}
