/**
 * Wire formats of the scripted provider: reading an OpenAI Chat Completions / Anthropic Messages request
 * body into the fields a test looks at, and writing answers (JSON or SSE) and error bodies the way the
 * real `openai` and `@anthropic-ai/sdk` clients (under @langchain/openai and @langchain/anthropic) parse them.
 */
export type Protocol = "openai" | "anthropic";

/** How the request asks for structured output, if it does. */
export type StructuredMode = "json_schema" | "json_object" | "tool" | undefined;

/** The parts of a request body the provider understands; everything else is kept as sent. */
export interface RequestBody {
  model?: string;
  messages?: Array<{ role?: string; content?: unknown }>;
  system?: unknown;
  max_tokens?: number;
  max_completion_tokens?: number;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  response_format?: { type: string; json_schema?: { name?: string; schema?: unknown; strict?: boolean } };
  output_config?: { format?: { type: string; schema?: unknown } };
  tools?: Array<{ name?: string; input_schema?: unknown; type?: string; function?: { name: string; parameters?: unknown } }>;
  tool_choice?: unknown;
  [key: string]: unknown;
}

/** Token counts as LangChain reports them in `usage_metadata`: `input_tokens` includes the cached ones. */
export interface Usage {
  input_tokens: number;
  output_tokens: number;
  cached_tokens?: number;
}

export interface ParsedFields {
  system: string;
  userText: string;
  text: string;
  structured: StructuredMode;
  toolName: string | undefined;
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.map((part: unknown) => {
    if (typeof part === "string") return part;
    const p = part as { type?: string; text?: unknown; content?: unknown };
    if (typeof p.text === "string") return p.text;
    return p.type === "tool_result" ? textOf(p.content) : "";
  }).filter((t) => t !== "").join("\n");
}

export function parseFields(protocol: Protocol, body: RequestBody): ParsedFields {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  const isSystem = (role: unknown) => role === "system" || role === "developer";
  const system = [protocol === "anthropic" ? textOf(body.system) : "", ...messages.filter((m) => isSystem(m.role)).map((m) => textOf(m.content))]
    .filter((t) => t !== "").join("\n");
  const users = messages.filter((m) => m.role === "user");
  const userText = users.length ? textOf(users[users.length - 1]!.content) : "";
  const text = [system, ...messages.filter((m) => !isSystem(m.role)).map((m) => textOf(m.content))].filter((t) => t !== "").join("\n");
  let structured: StructuredMode;
  let toolName: string | undefined;
  const choice = body.tool_choice as { type?: string; name?: string; function?: { name?: string } } | undefined;
  if (body.tools?.length) {
    structured = "tool";
    toolName = choice?.name ?? choice?.function?.name ?? body.tools[0]!.name ?? body.tools[0]!.function?.name;
  } else if (body.response_format?.type === "json_schema" || body.output_config?.format?.type === "json_schema") structured = "json_schema";
  else if (body.response_format?.type === "json_object") structured = "json_object";
  return { system, userText, text, structured, toolName };
}

/** What one answer looks like before it is put on the wire. */
export interface Answer {
  id: string;
  model: string;
  /** Text content, or an object: a tool call's arguments when `toolName` is set, else sent as JSON text. */
  content: string | object;
  toolName: string | undefined;
  usage: Usage;
  stream: boolean;
  includeUsage: boolean;
}

/** Splits text into a few pieces, so streamed answers really arrive in several chunks. */
function pieces(text: string): string[] {
  const size = Math.max(1, Math.ceil(text.length / 3));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out.length ? out : [""];
}

const sse = (data: unknown, event?: string) => `${event ? `event: ${event}\n` : ""}data: ${JSON.stringify(data)}\n\n`;

/** The response body (a JSON document, or the whole SSE stream) and its content type. */
export function answerBody(protocol: Protocol, a: Answer): { contentType: string; text: string } {
  const asTool = a.toolName !== undefined && typeof a.content === "object";
  const text = typeof a.content === "string" ? a.content : JSON.stringify(a.content);
  const cached = a.usage.cached_tokens ?? 0;
  if (protocol === "openai") {
    const created = Math.floor(Date.now() / 1000);
    const usage = {
      prompt_tokens: a.usage.input_tokens, completion_tokens: a.usage.output_tokens,
      total_tokens: a.usage.input_tokens + a.usage.output_tokens, prompt_tokens_details: { cached_tokens: cached },
    };
    const toolCall = { id: `call_${a.id}`, type: "function", function: { name: a.toolName ?? "", arguments: text } };
    const finish = asTool ? "tool_calls" : "stop";
    if (!a.stream) {
      const message = asTool ? { role: "assistant", content: null, tool_calls: [toolCall] } : { role: "assistant", content: text };
      return {
        contentType: "application/json",
        text: JSON.stringify({ id: a.id, object: "chat.completion", created, model: a.model, choices: [{ index: 0, message, finish_reason: finish }], usage }),
      };
    }
    const chunk = (delta: unknown, finish_reason: string | null) =>
      sse({ id: a.id, object: "chat.completion.chunk", created, model: a.model, choices: [{ index: 0, delta, finish_reason }] });
    const deltas = asTool
      ? [{ role: "assistant", content: null, tool_calls: [{ index: 0, ...toolCall, function: { name: a.toolName, arguments: "" } }] },
        ...pieces(text).map((arguments_) => ({ tool_calls: [{ index: 0, function: { arguments: arguments_ } }] }))]
      : [{ role: "assistant", content: "" }, ...pieces(text).map((content) => ({ content }))];
    const tail = a.includeUsage ? sse({ id: a.id, object: "chat.completion.chunk", created, model: a.model, choices: [], usage }) : "";
    return { contentType: "text/event-stream", text: deltas.map((d) => chunk(d, null)).join("") + chunk({}, finish) + tail + "data: [DONE]\n\n" };
  }
  const usage = { input_tokens: a.usage.input_tokens - cached, output_tokens: a.usage.output_tokens, cache_read_input_tokens: cached, cache_creation_input_tokens: 0 };
  const block = asTool ? { type: "tool_use", id: `toolu_${a.id}`, name: a.toolName, input: a.content } : { type: "text", text };
  const stop_reason = asTool ? "tool_use" : "end_turn";
  const message = { id: `msg_${a.id}`, type: "message", role: "assistant", model: a.model, stop_sequence: null };
  if (!a.stream) return { contentType: "application/json", text: JSON.stringify({ ...message, content: [block], stop_reason, usage }) };
  const startBlock = asTool ? { ...block, input: {} } : { type: "text", text: "" };
  const delta = (part: string) => (asTool ? { type: "input_json_delta", partial_json: part } : { type: "text_delta", text: part });
  const events = [
    sse({ type: "message_start", message: { ...message, content: [], stop_reason: null, usage: { ...usage, output_tokens: 0 } } }, "message_start"),
    sse({ type: "content_block_start", index: 0, content_block: startBlock }, "content_block_start"),
    ...pieces(text).map((part) => sse({ type: "content_block_delta", index: 0, delta: delta(part) }, "content_block_delta")),
    sse({ type: "content_block_stop", index: 0 }, "content_block_stop"),
    sse({ type: "message_delta", delta: { stop_reason, stop_sequence: null }, usage: { output_tokens: a.usage.output_tokens } }, "message_delta"),
    sse({ type: "message_stop" }, "message_stop"),
  ];
  return { contentType: "text/event-stream", text: events.join("") };
}

/** An error body in the provider's own shape. Messages avoid words ("quota", "billing") that make LangChain stop retrying. */
export function errorBody(protocol: Protocol, status: number, message = `scripted ${status}`): unknown {
  const type = status === 429 ? "rate_limit_error" : status === 529 ? "overloaded_error" : status >= 500 ? "api_error" : "invalid_request_error";
  if (protocol === "anthropic") return { type: "error", error: { type, message } };
  return { error: { message, type: status === 429 ? "rate_limit_exceeded" : type, code: null, param: null } };
}
