/**
 * A span per MCP tool call, after the MCP semantic conventions: `tools/call <tool>`, kind SERVER, with
 * `mcp.method.name`, `gen_ai.tool.name` and `gen_ai.operation.name` = `execute_tool`. A `traceparent` (and
 * `tracestate`) in the request's `_meta` (SEP-414) makes it part of the caller's trace; a run the call starts
 * or resumes is a child of it (run-manager.ts takes the active context). A tool error result is `error.type`
 * `tool_error`. Without a registered OpenTelemetry SDK the span is the API's no-op one.
 */
import { TRACEPARENT_META_KEY, TRACESTATE_META_KEY } from "@modelcontextprotocol/server";
import { contextFrom, inSpan, SpanKind, failSpan, type TraceCarrier } from "../telemetry/spans.js";

type Handler = (...args: never[]) => unknown;

interface RequestContextLike {
  mcpReq?: { id?: unknown; _meta?: Record<string, unknown>; envelope?: Record<string, unknown> };
  sessionId?: unknown;
}

/** `handler` with each call in its tool-call span. */
export function traceToolCall<F extends Handler>(tool: string, handler: F): F {
  const call = handler as unknown as (...args: unknown[]) => unknown;
  const traced = (...args: unknown[]) => {
    const ctx = args.at(-1) as RequestContextLike | undefined;
    const id = ctx?.mcpReq?.id;
    return inSpan(`tools/call ${tool}`, {
      kind: SpanKind.SERVER,
      parent: contextFrom(carrierOf(ctx)),
      attributes: {
        "mcp.method.name": "tools/call", "gen_ai.tool.name": tool, "gen_ai.operation.name": "execute_tool",
        ...(typeof id === "string" || typeof id === "number" ? { "jsonrpc.request.id": String(id) } : {}),
        ...(typeof ctx?.sessionId === "string" ? { "mcp.session.id": ctx.sessionId } : {}),
      },
    }, async () => call(...args), (span, result) => {
      if ((result as { isError?: unknown } | undefined)?.isError === true) failSpan(span, undefined, "tool_error", "the tool answered with an error result");
    });
  };
  return traced as unknown as F;
}

/** The caller's trace context in the request's `_meta` (or its envelope), when it sent one. */
function carrierOf(ctx: RequestContextLike | undefined): TraceCarrier | undefined {
  const meta = { ...ctx?.mcpReq?.envelope, ...ctx?.mcpReq?._meta };
  const traceparent = meta[TRACEPARENT_META_KEY];
  if (typeof traceparent !== "string") return undefined;
  const tracestate = meta[TRACESTATE_META_KEY];
  return { traceparent, ...(typeof tracestate === "string" ? { tracestate } : {}) };
}
