/**
 * cancel_run: ends a running or paused run as cancelled, releasing its agents' resources and keeping its timeline.
 */
import { z } from "zod";
import { RunStatusShape } from "../domain/run-status.js";
import type { RunManager } from "../runs/run-manager.js";
import type { RunQueries } from "../runs/run-queries.js";
import type { GuardedServer } from "./error-boundary.js";
import { annotationsFor } from "./tool-kind.js";
import { runStatusResult } from "./wait-for-run.js";

export const CancelRunInput = z.object({
  run_id: z.string().min(1).max(128).describe("A running or paused run"),
  reason: z.string().max(2000).optional().describe("Why; kept in the run's error and timeline"),
});

/** What cancel_run calls. */
export interface CancelRunDeps {
  principal: string;
  manager: Pick<RunManager, "cancel">;
  queries: Pick<RunQueries, "status">;
}

export function registerCancelRun(server: GuardedServer, deps: CancelRunDeps): void {
  server.registerTool("cancel_run", {
    title: "Cancel a workflow run",
    description: "Stop a run that is running or paused: it ends as cancelled, branches in flight are aborted, its agents' resources are " +
      "released, and its timeline is kept. Cancelling a finished run is an error.",
    inputSchema: CancelRunInput,
    outputSchema: z.object(RunStatusShape),
    annotations: annotationsFor("destructive"),
  }, async ({ run_id, reason }) => {
    await deps.manager.cancel(run_id, reason ?? "cancelled with cancel_run", deps.principal);
    return runStatusResult(await deps.queries.status(run_id, deps.principal));
  });
}
