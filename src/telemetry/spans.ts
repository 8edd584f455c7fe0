/**
 * The spans of a run, after the OpenTelemetry GenAI semantic conventions: `invoke_workflow` per run invocation,
 * `invoke_agent` per branch attempt and for the report, `chat` per model call, `execute_tool` per MCP tool call.
 * Only `@opentelemetry/api` is used here: with no SDK registered (tracing not configured) every span is the API's
 * no-op one and costs next to nothing. Any layer may use this module; it imports nothing of the project.
 *
 * A run's graph runs its branches in LangGraph `Send` tasks, and a run executes in the background after the
 * tool call that started it has returned: parents are carried explicitly, never left to ambient context alone.
 * The run's span is registered by run id while its invocation lasts, and branch and report spans are made its
 * children from the run id they carry.
 */
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Link, type Span } from "@opentelemetry/api";

export { SpanKind, type Context, type Link, type Span };

const tracer = () => trace.getTracer("conductor-mcp");

/** The context of each run's `invoke_workflow` span while its invocation lasts (run id -> context). */
const runContexts = new Map<string, Context>();

/** W3C trace context as carried in an MCP request's `_meta` (SEP-414) or stored with a run. */
export interface TraceCarrier {
  traceparent?: string;
  tracestate?: string;
}

/** The context a carrier names (the caller's trace), on top of `base`; `base` as it is when the carrier names none. */
export function contextFrom(carrier: TraceCarrier | undefined, base: Context = context.active()): Context {
  if (!carrier?.traceparent) return base;
  const fields: Record<string, string> = { traceparent: carrier.traceparent };
  if (carrier.tracestate) fields.tracestate = carrier.tracestate;
  return propagation.extract(base, fields);
}

/** The carrier of `ctx`'s span (to store with a run); undefined when no span is recording (tracing off). */
export function carrierOf(ctx: Context): TraceCarrier | undefined {
  const fields: Record<string, string> = {};
  propagation.inject(ctx, fields);
  if (!fields.traceparent) return undefined;
  return { traceparent: fields.traceparent, ...(fields.tracestate ? { tracestate: fields.tracestate } : {}) };
}

/**
 * Where a run's invocation span goes: under the trace context stored with the run (the start call's span), so a
 * run paused and resumed, or recovered by another process, stays one trace; the call that resumed it (when
 * another span) is a link. Without a stored context, under `active`.
 */
export function runParent(stored: TraceCarrier | undefined, active: Context | undefined): { parent: Context | undefined; links: Link[] } {
  if (!stored?.traceparent) return { parent: active, links: [] };
  const parent = contextFrom(stored, ROOT_CONTEXT);
  const caller = active && trace.getSpanContext(active);
  const own = trace.getSpanContext(parent);
  const links = caller && own && caller.spanId !== own.spanId ? [{ context: caller, attributes: { "conductor.link": "resumed_by" } }] : [];
  return { parent, links };
}

/** The ambient context (a tool call's span, when one is active): what a run started now is a child of. */
export function activeContext(): Context {
  return context.active();
}

/**
 * Runs `work` in a new span under `parent`, with the span active (for the spans `work` makes): the span ends when
 * `work` settles; a throw records `error.type` and the error status and is rethrown. `finish` may add attributes
 * from the result.
 */
export async function inSpan<T>(
  name: string,
  options: { kind?: SpanKind; attributes?: Attributes; parent?: Context; links?: Link[]; notFailure?: (error: unknown) => boolean },
  work: (span: Span) => Promise<T>,
  finish?: (span: Span, result: T) => void,
): Promise<T> {
  const parent = options.parent ?? context.active();
  const span = tracer().startSpan(name, {
    kind: options.kind ?? SpanKind.INTERNAL, ...(options.attributes ? { attributes: options.attributes } : {}), ...(options.links?.length ? { links: options.links } : {}),
  }, parent);
  try {
    const result = await context.with(trace.setSpan(parent, span), () => work(span));
    finish?.(span, result);
    return result;
  } catch (error) {
    if (!options.notFailure?.(error)) failSpan(span, error);
    throw error;
  } finally {
    span.end();
  }
}

/** Marks a span failed: `error.type` (the error's class name) and the error status, with the message only (no stack). */
export function failSpan(span: Span, error: unknown, type?: string, message?: string): void {
  const errorType = type ?? (error instanceof Error ? error.name || error.constructor.name : "_OTHER");
  span.setAttribute("error.type", errorType);
  const text = message ?? (error instanceof Error ? error.message : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: text.split("\n")[0]!.slice(0, 500) });
}

/** Runs a run's invocation in its `invoke_workflow` span, registered under the run id while it lasts. */
export function inRunSpan<T>(runId: string, where: { parent: Context | undefined; links: Link[] }, attributes: Attributes, work: (span: Span) => Promise<T>, finish?: (span: Span, result: T) => void): Promise<T> {
  const parent = where.parent;
  return inSpan(`invoke_workflow ${runId}`, { kind: SpanKind.INTERNAL, parent: parent ?? context.active(), links: where.links, attributes: { "gen_ai.operation.name": "invoke_workflow", "conductor.run.id": runId, ...attributes } }, async (span) => {
    runContexts.set(runId, trace.setSpan(parent ?? context.active(), span));
    try {
      return await work(span);
    } finally {
      runContexts.delete(runId);
    }
  }, finish);
}

/** The context of a run's `invoke_workflow` span while it runs here; else the ambient one. */
export function runContext(runId: string): Context {
  return runContexts.get(runId) ?? context.active();
}

/** Runs an agent's work (a branch attempt, the report) in an `invoke_agent` span, child of its run's span. */
export function inAgentSpan<T>(runId: string, agentName: string, attributes: Attributes, work: (span: Span) => Promise<T>, notFailure?: (error: unknown) => boolean): Promise<T> {
  return inSpan(`invoke_agent ${agentName}`, {
    kind: SpanKind.INTERNAL, parent: runContext(runId), ...(notFailure ? { notFailure } : {}),
    attributes: { "gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": agentName, "conductor.run.id": runId, ...attributes },
  }, work);
}

/**
 * Starts a `chat` span for one model request (the caller ends it): a child of the active span (the branch's or
 * the report's), or of the run's span when none is active.
 */
export function startChatSpan(runId: string, provider: string, model: string, attributes: Attributes = {}): Span {
  const parent = trace.getSpan(context.active()) ? context.active() : runContext(runId);
  return tracer().startSpan(`chat ${model}`, {
    kind: SpanKind.CLIENT,
    attributes: { "gen_ai.operation.name": "chat", "gen_ai.provider.name": provider, "gen_ai.request.model": model, "conductor.run.id": runId, ...attributes },
  }, parent);
}
