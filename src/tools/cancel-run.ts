/**
 * cancel_run: ends a running or paused run as cancelled, releasing its agents' resources and keeping its timeline.
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { RunStatusShape } from "../domain/run-status.js";
import type { SessionContext } from "../server-context.js";
import { runStatusResult } from "./wait-for-run.js";

export const CancelRunInput = z.object({
  run_id: z.string().min(1).max(128).describe("A running or paused run"),
  reason: z.string().max(2000).optional().describe("Why; kept in the run's error and timeline"),
});

export function registerCancelRun(server: McpServer, ctx: SessionContext): void {
  server.registerTool("cancel_run", {
    title: "Cancel a workflow run",
    description: "Stop a run that is running or paused: it ends as cancelled, branches in flight are aborted, its agents' resources are " +
      "released, and its timeline is kept. Cancelling a finished run is an error.",
    inputSchema: CancelRunInput,
    outputSchema: RunStatusShape,
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  }, async ({ run_id, reason }) => {
    await ctx.manager.cancel(run_id, reason ?? "cancelled with cancel_run", ctx.principal);
    return runStatusResult(await ctx.manager.status(run_id));
  });
}
