/**
 * The OpenTelemetry Node SDK, set up for traces only from the standard `OTEL_*` variables (exporter, protocol
 * `http/json` or `http/protobuf`, endpoint, headers, batch delays, sampler). Loaded with a dynamic import by
 * server.ts only when tracing-config.ts says tracing is configured, so the bundle keeps the SDK in its own chunk.
 * The SDK's own diagnostics go to stderr (its console logger would write to stdout, which carries JSON-RPC).
 */
import { diag, DiagLogLevel, type DiagLogger } from "@opentelemetry/api";
import { NodeSDK } from "@opentelemetry/sdk-node";
import { withoutConsole } from "./tracing-config.js";

export interface Tracing {
  /** Ends the export: the spans still batched are sent (awaited at shutdown). */
  shutdown(): Promise<void>;
}

export function startTracing(): Tracing {
  const named = process.env.OTEL_TRACES_EXPORTER?.split(",").map((e) => e.trim().toLowerCase()).filter(Boolean);
  if (named?.includes("console")) {
    process.stderr.write("opentelemetry warning: OTEL_TRACES_EXPORTER console is ignored (stdout carries JSON-RPC); use otlp\n");
    process.env.OTEL_TRACES_EXPORTER = withoutConsole(named).join(",") || "otlp";
  }
  const sdk = new NodeSDK({
    serviceName: process.env.OTEL_SERVICE_NAME ?? "conductor-mcp",
    metricReaders: [],
    logRecordProcessors: [],
  });
  const level = process.env.OTEL_LOG_LEVEL?.trim().toUpperCase();
  diag.setLogger(stderrLogger, { logLevel: level && level in DiagLogLevel ? DiagLogLevel[level as keyof typeof DiagLogLevel] : DiagLogLevel.WARN });
  sdk.start();
  return { shutdown: () => sdk.shutdown() };
}

const write = (level: string) => (message: string, ...args: unknown[]) => {
  process.stderr.write(`opentelemetry ${level}: ${message}${args.length ? ` ${args.map((a) => (a instanceof Error ? a.message : typeof a === "string" ? a : JSON.stringify(a))).join(" ")}` : ""}\n`);
};
const stderrLogger: DiagLogger = { error: write("error"), warn: write("warning"), info: write("info"), debug: write("debug"), verbose: write("debug") };
