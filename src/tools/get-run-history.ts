/**
 * get_run_history: a run's checkpoints, oldest first: where it could be forked from (fork_run), with what came
 * next at each, the pause it waited at, and how many branches had settled. Paged by checkpoint id.
 */
import { z } from "zod";
import type { RunQueries } from "../runs/run-queries.js";
import type { GuardedServer } from "./error-boundary.js";
import { annotationsFor } from "./tool-kind.js";

export const GetRunHistoryInput = z.object({
  run_id: z.string().min(1).max(128).describe("The run"),
  after: z.string().min(1).max(200).optional().describe("Return checkpoints after this one (exclusive); pass the previous page's next_after"),
  limit: z.number().int().min(1).max(500).optional().describe("Checkpoints per page (default 100)"),
});

const CheckpointShape = z.object({
  checkpoint_id: z.string().describe("Pass to fork_run to start a new run from here"),
  step: z.number().int().describe("LangGraph's superstep (-1: the input)"),
  created_at: z.string(),
  next: z.array(z.string()).describe("The nodes about to run at this checkpoint; [] once the run had ended"),
  point: z.enum(["sync_point", "quality", "branch_work"]).nullable().describe("The pause the run waited at here, if any"),
  branches_settled: z.number().int().describe("Branches with a result for their latest attempt"),
});

export const GetRunHistoryOutput = {
  run_id: z.string(),
  checkpoints: z.array(CheckpointShape),
  total: z.number().int().describe("Checkpoints the run keeps (a finished run keeps its sync points, its quality gate and its last)"),
  next_after: z.string().nullable().describe("Pass as `after` for the next page; null on the last page"),
};

/** What get_run_history calls. */
export interface GetRunHistoryDeps {
  principal: string;
  queries: Pick<RunQueries, "historyPage">;
}

export function registerGetRunHistory(server: GuardedServer, deps: GetRunHistoryDeps): void {
  server.registerTool("get_run_history", {
    title: "List a run's checkpoints",
    description:
      "List a run's checkpoints, oldest first: for each, its step, the nodes about to run, the pause it waited at (sync_point, " +
      "quality, branch_work) and how many branches had settled. Fork from one with fork_run to try the rest of the run another way " +
      "without redoing what holds. Pages: pass next_after as after.",
    inputSchema: GetRunHistoryInput,
    outputSchema: z.object(GetRunHistoryOutput),
    annotations: annotationsFor("read"),
  }, async ({ run_id, after, limit }) => {
    const page = await deps.queries.historyPage(run_id, deps.principal, { ...(after !== undefined ? { after } : {}), ...(limit !== undefined ? { limit } : {}) });
    const out = { run_id, ...page };
    const lines = page.checkpoints.map((c) =>
      `${c.checkpoint_id} step ${c.step}: next ${c.next.length ? c.next.join(", ") : "(ended)"}${c.point ? `, paused at ${c.point}` : ""}, ${c.branches_settled} branches settled`);
    const text = page.checkpoints.length === 0
      ? `No checkpoints${after ? ` after ${after}` : ""} (${page.total} in all).`
      : `${page.checkpoints.length} of ${page.total} checkpoints, oldest first:\n${lines.join("\n")}${page.next_after ? `\nMore: pass after "${page.next_after}".` : ""}`;
    return { content: [{ type: "text" as const, text }], structuredContent: out };
  });
}
