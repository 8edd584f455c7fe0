/**
 * A real OTLP/HTTP trace receiver on loopback: accepts `POST /v1/traces` with OTLP JSON (`application/json`) or
 * protobuf (`application/x-protobuf`, decoded by otlp-protobuf.ts), gzip or not, and keeps every span it was sent
 * (flattened, attributes as plain values) and the raw bodies (to look for what must never be exported).
 */
import { createServer, type Server } from "node:http";
import { gunzipSync } from "node:zlib";
import { EventEmitter } from "node:events";
import { decodeTraceRequest } from "./otlp-protobuf.js";

export type AttributeValue = string | number | boolean | AttributeValue[] | undefined;

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  kind: number;
  startNs: bigint;
  endNs: bigint;
  attributes: Record<string, AttributeValue>;
  status: { code: number; message?: string };
  service: string | undefined;
  links: Array<{ traceId: string; spanId: string }>;
}

export interface OtlpReceiver {
  url: string;
  spans: ReceivedSpan[];
  /** Every request body as received (decoded text). */
  bodies: string[];
  /** The encodings the trace requests came in. */
  encodings: Set<"json" | "protobuf">;
  /** Requests to any path (also ones not for traces). */
  requests: number;
  /** Resolves with the spans once `done(spans)` holds; rejects after `timeoutMs` with what had arrived. */
  waitFor(done: (spans: ReceivedSpan[]) => boolean, timeoutMs?: number): Promise<ReceivedSpan[]>;
  close(): Promise<void>;
}

interface OtlpValue { stringValue?: string; intValue?: string | number; doubleValue?: number; boolValue?: boolean; arrayValue?: { values?: OtlpValue[] } }
interface OtlpSpan {
  traceId: string; spanId: string; parentSpanId?: string; name: string; kind?: number;
  startTimeUnixNano: string | number; endTimeUnixNano: string | number;
  attributes?: Array<{ key: string; value: OtlpValue }>; status?: { code?: number; message?: string };
  links?: Array<{ traceId: string; spanId: string }>;
}
interface OtlpBody { resourceSpans?: Array<{ resource?: { attributes?: Array<{ key: string; value: OtlpValue }> }; scopeSpans?: Array<{ spans?: OtlpSpan[] }> }> }

function valueOf(v: OtlpValue | undefined): AttributeValue {
  if (!v) return undefined;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(valueOf);
  return undefined;
}

const attributesOf = (list: Array<{ key: string; value: OtlpValue }> | undefined) => Object.fromEntries((list ?? []).map((a) => [a.key, valueOf(a.value)]));

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const bodies: string[] = [];
  const encodings = new Set<"json" | "protobuf">();
  const events = new EventEmitter().setMaxListeners(0);
  let requests = 0;
  const server: Server = createServer((req, res) => {
    requests++;
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.method !== "POST" || req.url !== "/v1/traces") {
        res.writeHead(404).end();
        return;
      }
      const type = String(req.headers["content-type"] ?? "");
      if (!type.startsWith("application/json") && !type.startsWith("application/x-protobuf")) {
        res.writeHead(415, { "content-type": "text/plain" }).end("this receiver takes OTLP JSON or protobuf");
        return;
      }
      let raw = Buffer.concat(chunks);
      if (req.headers["content-encoding"] === "gzip") raw = gunzipSync(raw);
      const protobuf = type.startsWith("application/x-protobuf");
      bodies.push(protobuf ? raw.toString("latin1") : raw.toString("utf8"));
      const body = (protobuf ? decodeTraceRequest(raw) : JSON.parse(raw.toString("utf8"))) as OtlpBody;
      encodings.add(protobuf ? "protobuf" : "json");
      for (const rs of body.resourceSpans ?? []) {
        const service = attributesOf(rs.resource?.attributes)["service.name"];
        for (const ss of rs.scopeSpans ?? []) {
          for (const s of ss.spans ?? []) {
            spans.push({
              traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId || undefined, name: s.name, kind: s.kind ?? 0,
              startNs: BigInt(s.startTimeUnixNano), endNs: BigInt(s.endTimeUnixNano),
              attributes: attributesOf(s.attributes), status: { code: s.status?.code ?? 0, ...(s.status?.message ? { message: s.status.message } : {}) },
              service: typeof service === "string" ? service : undefined,
              links: (s.links ?? []).map((l) => ({ traceId: l.traceId, spanId: l.spanId })),
            });
          }
        }
      }
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
      events.emit("spans");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("the OTLP receiver has no port");
  return {
    url: `http://127.0.0.1:${address.port}`,
    spans, bodies, encodings,
    get requests() { return requests; },
    waitFor(done, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!done(spans)) return false;
          clearTimeout(timer);
          events.off("spans", check);
          resolve(spans);
          return true;
        };
        const timer = setTimeout(() => {
          events.off("spans", check);
          reject(new Error(`the spans awaited did not arrive within ${timeoutMs} ms; received ${spans.length}: ${spans.map((s) => s.name).join(", ")}`));
        }, timeoutMs);
        if (!check()) events.on("spans", check);
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The spans as a Jaeger-like indented tree: name, duration and the key attributes. */
export function spanTree(spans: ReceivedSpan[], keys = ["gen_ai.operation.name", "gen_ai.agent.name", "gen_ai.tool.name", "gen_ai.request.model", "gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens", "conductor.branch.id", "conductor.branch.status", "conductor.run.status", "error.type"]): string {
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string | undefined, ReceivedSpan[]>();
  for (const s of spans) {
    const parent = s.parentSpanId && ids.has(s.parentSpanId) ? s.parentSpanId : undefined;
    children.set(parent, [...(children.get(parent) ?? []), s]);
  }
  const lines: string[] = [];
  const walk = (parent: string | undefined, depth: number) => {
    for (const s of (children.get(parent) ?? []).sort((a, b) => (a.startNs < b.startNs ? -1 : 1))) {
      const ms = Number(s.endNs - s.startNs) / 1e6;
      const attrs = keys.filter((k) => s.attributes[k] !== undefined).map((k) => `${k}=${String(s.attributes[k])}`).join(" ");
      lines.push(`${"  ".repeat(depth)}${s.name}  ${ms.toFixed(1)} ms${depth === 0 ? `  trace ${s.traceId}${s.parentSpanId ? ` (parent ${s.parentSpanId}, not exported here)` : ""}` : ""}  ${attrs}`);
      walk(s.spanId, depth + 1);
    }
  };
  walk(undefined, 0);
  return lines.join("\n");
}
