/**
 * get_timeline: a page of a run's timeline, in the order events happened.
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { UserError } from "../errors.js";
import type { SessionContext } from "../server-context.js";
import { TIMELINE_EVENTS } from "../domain/timeline-event.js";

export const DEFAULT_PAGE = 200;

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

export function registerGetTimeline(server: McpServer, ctx: SessionContext): void {
  server.registerTool("get_timeline", {
    title: "Read a run's timeline",
    description:
      "Read what happened in a run, in order: run_started, mode_selected, agent_generated, node_started/node_completed, " +
      "branch_dispatched/completed/failed/retried, interrupted, resumed, revision_requested, run_completed/failed/cancelled, run_recovered. " +
      "Pages by seq: pass next_since as since to continue. Filter with event.",
    inputSchema: GetTimelineInput,
    outputSchema: GetTimelineOutput,
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  }, async (args) => {
    await ctx.manager.requireRun(args.run_id, ctx.principal);
    const largest = ctx.settings.limits.maxTimelinePage;
    if (args.limit !== undefined && args.limit > largest) {
      throw new UserError(`limit ${args.limit} is more than this server's largest page, ${largest} (--max-timeline-page); page with since and next_since`);
    }
    const limit = args.limit ?? Math.min(DEFAULT_PAGE, largest);
    if (args.event !== undefined && !(TIMELINE_EVENTS as readonly string[]).includes(args.event)) {
      throw new UserError(`unknown event "${args.event}"; use one of ${TIMELINE_EVENTS.join(", ")}`);
    }
    const since = args.since ?? 0;
    const events = await ctx.timeline.page(args.run_id, since, limit, args.event);
    const out = { run_id: args.run_id, events, next_since: events.at(-1)?.seq ?? since, total: await ctx.timeline.total(args.run_id, args.event) };
    const text = events.length === 0
      ? `No events after seq ${since} (${out.total} in all).`
      : `${events.length} events (seq ${events[0]!.seq}-${out.next_since} of ${out.total}):\n` +
        events.map((e) => `${e.seq} ${e.timestamp} ${e.event}${e.node ? ` ${e.node}` : ""}${e.branch_id ? ` [${e.branch_id}]` : ""}`).join("\n");
    return { content: [{ type: "text" as const, text }], structuredContent: out };
  });
}
