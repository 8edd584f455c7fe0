/**
 * A scripted chat-model provider on real loopback HTTP. The real LangChain clients talk to it through their
 * base URL: `new ChatOpenAI({ configuration: { baseURL: p.url + "/v1" } })` posts `/v1/chat/completions`,
 * `new ChatAnthropic({ anthropicApiUrl: p.url })` posts `/v1/messages` (`?beta=true` with betas). Each
 * request is recorded and answered by a test-chosen responder: an answer, an HTTP status, a hang, a dropped
 * socket or a malformed body. Wire details are in ./scripted-provider/wire.ts.
 *
 * What the clients do by themselves (checked against this server with @langchain/core 1.4, @langchain/openai
 * 1.6 + openai 7.59, @langchain/anthropic 1.5.11 + @anthropic-ai/sdk 0.122); a model executor builds on it:
 * - Retries are LangChain's, not the SDKs': both wrappers build their SDK client with `maxRetries: 0` and run
 *   each call through the model's `AsyncCaller` (p-retry), `maxRetries` default 6 (constructor field, or a
 *   per-call option). Anthropic only: a per-call `maxRetries` is also handed to the SDK request, which then
 *   retries on its own as well (0.5 s * 2^n up to 8 s, honouring retry-after(-ms) and x-should-retry).
 * - Backoff: retry n waits random(1..2) * 1 s * 2^(n-1) (1-2 s, 2-4 s, 4-8 s, ...), so the default six take
 *   63-126 s in all. Never retried: 400-409 and 413 (incl. 401, 404), aborts (see below for
 *   Anthropic), a per-call `timeout`.
 * - 429 is retried only with a `Retry-After` (seconds or HTTP date) of at most 60 s, waiting
 *   max(backoff, Retry-After). Without the header, or above 60 s, it throws at once: RateLimitCapacityError
 *   with `rateLimitType: "capacity"` (and `retryAfterMs`); "quota"/"billing" wording or `insufficient_quota`
 *   throws at once too. 5xx, dropped sockets ("Connection error.") and SDK timeouts are retried with backoff.
 * - Malformed structured output: ChatOpenAI's default method for such model names is `jsonSchema`
 *   (`response_format: { type: "json_schema", json_schema: { name: "extract", strict: true, schema } }`), parsed
 *   inside the SDK call (`chat.completions.parse`): bad JSON (SyntaxError) or a schema mismatch (ZodError) is
 *   RETRIED like a 5xx, then thrown, includeRaw or not. ChatAnthropic's default `functionCalling` (one tool
 *   "extract", `tool_choice: { type: "tool", name: "extract" }`) parses after the call, no retry: with
 *   includeRaw `parsed: null`, without it an OutputParserException.
 * - Streaming (`.stream()`, or any callback preferring streaming, e.g. LangGraph "messages" mode) uses SSE;
 *   OpenAI then sends `stream_options.include_usage` and parses after the call. ChatAnthropic's functionCalling
 *   parser cannot read a streamed tool_use (parsed null / "Failed to parse"); its `method: "jsonSchema"`
 *   (`output_config.format`) can.
 * - usage_metadata: OpenAI prompt_tokens / completion_tokens / prompt_tokens_details.cached_tokens become
 *   input_tokens / output_tokens / input_token_details.cache_read; Anthropic's input_tokens excludes cache,
 *   LangChain adds cache_read_input_tokens + cache_creation_input_tokens back. A scripted `usage.input_tokens`
 *   is the total (cached included) and is sent so that both clients report it unchanged.
 * - Timeouts: SDK default 10 min (ChatOpenAI `timeout` field; ChatAnthropic `clientOptions.timeout`; the
 *   Anthropic SDK refuses non-streaming calls whose max_tokens implies more than 10 min). The per-call
 *   `timeout` and `signal` become one AbortSignal: the call rejects at once and the socket is closed.
 *   But ChatAnthropic does not map the SDK's APIUserAbortError to AbortError, so after an abort (or a
 *   per-call timeout) its AsyncCaller keeps re-running the instantly failing call (no HTTP) through every
 *   retry in the background: 1-2 min of timers with the default 6, keeping the process alive. Bound
 *   `maxRetries` (or pass an `onFailedAttempt` that rethrows APIUserAbortError).
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import { type AddressInfo } from "node:net";
import { EventEmitter } from "node:events";
import { answerBody, errorBody, parseFields, type Protocol, type RequestBody, type StructuredMode, type Usage } from "./scripted-provider/wire.js";

export { mulberry32, seededLatency } from "./scripted-provider/latency.js";
export { findingsResponder, quoteOf, firstSentence, type FindingsOptions, type Quote } from "./scripted-provider/findings.js";
export type { Protocol, RequestBody, StructuredMode, Usage } from "./scripted-provider/wire.js";

export type Outcome = "answered" | "status" | "malformed" | "dropped" | "aborted" | "error" | "closed";

export interface RecordedRequest {
  /** 0-based position in `requests` (order of arrival of the whole body). */
  index: number;
  protocol: Protocol;
  method: string;
  /** Path without the query string, e.g. "/v1/chat/completions". */
  path: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: RequestBody;
  model: string | undefined;
  /** `max_tokens`, or OpenAI's `max_completion_tokens` (sent instead for reasoning models). */
  maxTokens: number | undefined;
  /** System text (Anthropic `system`, OpenAI system/developer messages). */
  system: string;
  /** Text of the last user message. */
  userText: string;
  /** All message text, system included (what default usage counts). */
  text: string;
  structured: StructuredMode;
  toolName: string | undefined;
  stream: boolean;
  /** `keyOf(request)`, default the model name. */
  key: string;
  /** 1-based number of requests with this key so far, this one included. */
  attempt: number;
  /** `performance.now()` when the request arrived / when its response ended or its socket closed. */
  arrivedAt: number;
  finishedAt: number | undefined;
  outcome: Outcome | undefined;
  status: number | undefined;
  /** The client closed the connection before the response was complete. */
  aborted: boolean;
}

export type Reply =
  | { kind: "answer"; content: string | object; usage?: Partial<Usage>; delayMs?: number }
  | { kind: "status"; status: number; retryAfterSeconds?: number; body?: unknown; delayMs?: number }
  | { kind: "hang" }
  | { kind: "drop"; delayMs?: number }
  | { kind: "malformed"; text: string; usage?: Partial<Usage>; delayMs?: number };

export type Responder = (request: RecordedRequest, index: number) => Reply | Promise<Reply>;

export interface ScriptedProviderOptions {
  responder?: Responder;
  keyOf?: (request: RecordedRequest) => string;
  /** Delay for replies without `delayMs` (e.g. `seededLatency(1, 20, 80)`). */
  latency?: (request: RecordedRequest, index: number) => number;
}

const estimate = (chars: number) => Math.ceil(chars / 4);

export class ScriptedProvider {
  readonly requests: RecordedRequest[] = [];
  responder: Responder;
  keyOf: (request: RecordedRequest) => string;
  latency: ((request: RecordedRequest, index: number) => number) | undefined;
  inFlight = 0;
  maxInFlight = 0;
  abortedCount = 0;
  #url = "";
  #closing = false;
  readonly #byKey = new Map<string, number>();
  readonly #events = new EventEmitter();
  readonly #server: Server;

  constructor(options: ScriptedProviderOptions = {}) {
    this.responder = options.responder ?? (() => ({ kind: "answer", content: "ok" }));
    this.keyOf = options.keyOf ?? ((r) => r.model ?? "");
    this.latency = options.latency;
    this.#events.setMaxListeners(0);
    this.#server = createServer((req, res) => {
      const arrivedAt = performance.now();
      this.inFlight++;
      this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
      const done = new AbortController();
      let record: RecordedRequest | undefined;
      res.on("close", () => {
        this.inFlight--;
        done.abort();
        if (record) {
          record.finishedAt = performance.now();
          if (!res.writableFinished && record.outcome === undefined) {
            record.outcome = this.#closing ? "closed" : "aborted";
            record.aborted = !this.#closing;
            if (record.aborted) this.abortedCount++;
          }
        }
        this.#changed();
      });
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        record = this.#record(arrivedAt, req.method ?? "GET", req.url ?? "/", req.headers, Buffer.concat(chunks).toString("utf8"));
        if (!record) return void this.#send(res, 404, { error: { message: `no route for ${req.method} ${req.url}` } });
        const rec = record;
        this.requests.push(rec);
        this.#changed();
        void this.#reply(rec, res, done.signal).catch((error: unknown) => {
          if (!res.headersSent && !done.signal.aborted) {
            rec.outcome = "error";
            this.#send(res, 500, errorBody(rec.protocol, 500, `responder failed: ${String(error)}`));
          }
        });
      });
    });
  }

  get url(): string {
    return this.#url;
  }
  get calls(): number {
    return this.requests.length;
  }
  callsByKey(): Record<string, number> {
    return Object.fromEntries(this.#byKey);
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once("error", reject);
      this.#server.listen(0, "127.0.0.1", () => resolve());
    });
    this.#url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  /** Resolves once some recorded request satisfies `predicate` (checked now and after every arrival, finish or abort). */
  waitFor(predicate: (request: RecordedRequest) => boolean, timeoutMs = 5000): Promise<RecordedRequest> {
    let found: RecordedRequest | undefined;
    return this.until(() => (found = this.requests.find(predicate)) !== undefined, timeoutMs, "a matching request").then(() => found!);
  }

  /** The next request to arrive after this call. */
  nextRequest(timeoutMs = 5000): Promise<RecordedRequest> {
    const after = this.requests.length;
    return this.waitFor((r) => r.index >= after, timeoutMs);
  }

  /** Resolves once `condition()` holds (e.g. `() => p.inFlight === 5`), re-checked on every provider event. */
  until(condition: () => boolean, timeoutMs = 5000, what = "the condition"): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!condition()) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`scripted provider: ${what} did not happen within ${timeoutMs} ms (${this.calls} calls, ${this.inFlight} in flight)`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.#events.off("change", check);
      };
      this.#events.on("change", check);
      check();
    });
  }

  /** Closes the listener and every socket, hung ones included. */
  async close(): Promise<void> {
    this.#closing = true;
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    await closed;
  }

  #changed(): void {
    this.#events.emit("change");
  }

  #record(arrivedAt: number, method: string, url: string, headers: IncomingHttpHeaders, raw: string): RecordedRequest | undefined {
    const path = url.split("?")[0]!;
    const protocol: Protocol | undefined = method !== "POST" ? undefined
      : path.endsWith("/chat/completions") ? "openai" : path.endsWith("/messages") ? "anthropic" : undefined;
    if (!protocol) return undefined;
    let body: RequestBody = {};
    try {
      body = JSON.parse(raw) as RequestBody;
    } catch {
      body = { unparsed: raw };
    }
    const record: RecordedRequest = {
      index: this.requests.length, protocol, method, path, url, headers, body, model: body.model,
      maxTokens: body.max_tokens ?? body.max_completion_tokens, ...parseFields(protocol, body), stream: body.stream === true,
      key: "", attempt: 0, arrivedAt, finishedAt: undefined, outcome: undefined, status: undefined, aborted: false,
    };
    record.key = this.keyOf(record);
    record.attempt = (this.#byKey.get(record.key) ?? 0) + 1;
    this.#byKey.set(record.key, record.attempt);
    return record;
  }

  async #reply(r: RecordedRequest, res: ServerResponse, closed: AbortSignal): Promise<void> {
    const reply = await this.responder(r, r.index);
    if (reply.kind === "hang") return;
    const delay = reply.delayMs ?? this.latency?.(r, r.index) ?? 0;
    if (delay > 0) await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, delay);
      closed.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
    });
    if (closed.aborted) return;
    if (reply.kind === "drop") {
      r.outcome = "dropped";
      res.socket?.destroy();
      return;
    }
    if (reply.kind === "status") {
      r.outcome = "status";
      const headers: Record<string, string> = reply.retryAfterSeconds === undefined ? {} : { "retry-after": String(reply.retryAfterSeconds) };
      return this.#send(res, reply.status, reply.body ?? errorBody(r.protocol, reply.status), headers, r);
    }
    const content = reply.kind === "malformed" ? reply.text : reply.content;
    const contentChars = typeof content === "string" ? content.length : JSON.stringify(content).length;
    const usage: Usage = {
      input_tokens: reply.usage?.input_tokens ?? estimate(r.text.length),
      output_tokens: reply.usage?.output_tokens ?? estimate(contentChars),
      ...(reply.usage?.cached_tokens === undefined ? {} : { cached_tokens: reply.usage.cached_tokens }),
    };
    r.outcome = reply.kind === "malformed" ? "malformed" : "answered";
    const out = answerBody(r.protocol, {
      id: `scripted-${r.index}`, model: r.model ?? "scripted-model", content, usage,
      toolName: r.structured === "tool" ? r.toolName : undefined, stream: r.stream, includeUsage: r.body.stream_options?.include_usage === true,
    });
    this.#send(res, 200, out.text, { "content-type": out.contentType }, r);
  }

  #send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}, r?: RecordedRequest): void {
    if (r) r.status = status;
    const text = typeof body === "string" ? body : JSON.stringify(body);
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
    res.end(text);
  }
}

/** Starts a provider on 127.0.0.1 and an ephemeral port. */
export function startScriptedProvider(options: ScriptedProviderOptions = {}): Promise<ScriptedProvider> {
  return new ScriptedProvider(options).listen();
}
