/**
 * delete_run: deletes a finished run (completed, failed, cancelled) and all of it: checkpoints, timeline,
 * branch results, documents, budget reservations. Afterwards its id is unknown and its text is gone from the
 * database file. A running or paused run must be cancelled first.
 */
import { z } from "zod";
import type { RunManager } from "../runs/run-manager.js";
import type { GuardedServer } from "./error-boundary.js";
import { annotationsFor } from "./tool-kind.js";

export const DeleteRunInput = z.object({
  run_id: z.string().min(1).max(128).describe("A finished run (completed, failed or cancelled) of yours"),
});

export const DeleteRunOutput = z.object({
  run_id: z.string(),
  deleted: z.literal(true),
});

/** What delete_run calls. */
export interface DeleteRunDeps {
  principal: string;
  manager: Pick<RunManager, "delete">;
}

export function registerDeleteRun(server: GuardedServer, deps: DeleteRunDeps): void {
  server.registerTool("delete_run", {
    title: "Delete a finished workflow run",
    description: "Delete a finished run (completed, failed or cancelled) with its checkpoints, timeline, branch results, documents " +
      "and budget reservations. Afterwards its run_id is unknown and its text is gone from the database. A running or paused run " +
      "is an error: cancel it first with cancel_run. This cannot be undone.",
    inputSchema: DeleteRunInput,
    outputSchema: DeleteRunOutput,
    annotations: annotationsFor("destructive"),
  }, async ({ run_id }) => {
    await deps.manager.delete(run_id, deps.principal);
    return {
      content: [{ type: "text" as const, text: `Run ${run_id} and all of its data are deleted.` }],
      structuredContent: { run_id, deleted: true as const },
    };
  });
}
