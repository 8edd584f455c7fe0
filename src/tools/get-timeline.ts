/**
 * get_timeline: a page of a run's timeline, in the order events happened.
 */
import { z } from "zod";
import { TIMELINE_EVENTS } from "../domain/timeline-event.js";
import type { RunQueries } from "../runs/run-queries.js";
import type { GuardedServer } from "./error-boundary.js";
import { annotationsFor } from "./tool-kind.js";

export const GetTimelineInput = z.object({
  run_id: z.string().min(1).max(128).describe("The run"),
  since: z.number().int().min(0).optional().describe("Return events after this seq (exclusive); pass the previous page's next_since for the next page"),
  limit: z.number().int().min(1).max(1000).optional().describe("Events per page (default 200, or the server's largest page if smaller)"),
  event: z.string().max(100).optional().describe(`Only events with this name: ${TIMELINE_EVENTS.join(", ")}`),
});

const EventShape = z.object({
  seq: z.number().int(), timestamp: z.string(), event: z.string(),
  node: z.string().optional(), branch_id: z.string().optional(), data: z.record(z.string(), z.unknown()).optional(),
});

export const GetTimelineOutput = {
  run_id: z.string(),
  events: z.array(EventShape),
  next_since: z.number().int().describe("Pass as `since` to get the next page"),
  total: z.number().int().describe("Events in the run (matching `event` when given)"),
};

/** What get_timeline calls. */
export interface GetTimelineDeps {
  principal: string;
  queries: Pick<RunQueries, "timelinePage">;
}

export function registerGetTimeline(server: GuardedServer, deps: GetTimelineDeps): void {
  server.registerTool("get_timeline", {
    title: "Read a run's timeline",
    description:
      "Read what happened in a run, in order: run_started, mode_selected, agent_generated, node_started/node_completed, " +
      "branch_dispatched/completed/failed/retried, interrupted, resumed, revision_requested, run_completed/failed/cancelled, run_recovered. " +
      "Pages by seq: pass next_since as since to continue. Filter with event.",
    inputSchema: GetTimelineInput,
    outputSchema: z.object(GetTimelineOutput),
    annotations: annotationsFor("read"),
  }, async (args) => {
    const since = args.since ?? 0;
    const { events, total } = await deps.queries.timelinePage(args.run_id, deps.principal, args);
    const out = { run_id: args.run_id, events, next_since: events.at(-1)?.seq ?? since, total };
    const text = events.length === 0
      ? `No events after seq ${since} (${out.total} in all).`
      : `${events.length} events (seq ${events[0]!.seq}-${out.next_since} of ${out.total}):\n` +
        events.map((e) => `${e.seq} ${e.timestamp} ${e.event}${e.node ? ` ${e.node}` : ""}${e.branch_id ? ` [${e.branch_id}]` : ""}`).join("\n");
    return { content: [{ type: "text" as const, text }], structuredContent: out };
  });
}
