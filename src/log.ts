/**
 * Logging: to stderr (stdout belongs to JSON-RPC) at the server's --log-level, and, once a client is
 * connected, as MCP `notifications/message` at the level the client set with `logging/setLevel`
 * (the server's level until it does).
 */
import type { LogLevel } from "./config.js";

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warning: 2, error: 3 };

export interface Logger {
  debug(message: string, data?: unknown): void;
  info(message: string, data?: unknown): void;
  warning(message: string, data?: unknown): void;
  error(message: string, data?: unknown): void;
}

/** Where log records go besides stderr (the MCP connection). */
export type LogSink = (level: LogLevel, message: string, data?: unknown) => void;

export interface ServerLogger extends Logger {
  /** Adds a sink (e.g. MCP logging) that receives every record at or above its own threshold; returns its removal. */
  attach(sink: LogSink, threshold: () => LogLevel): () => void;
}

export function createStderrLogger(level: LogLevel): ServerLogger {
  const sinks = new Set<{ sink: LogSink; threshold: () => LogLevel }>();
  const write = (at: LogLevel, message: string, data?: unknown) => {
    if (ORDER[at] >= ORDER[level]) {
      const suffix = data === undefined ? "" : ` ${safeJson(data)}`;
      process.stderr.write(`${new Date().toISOString()} [${at}] ${message}${suffix}\n`);
    }
    for (const { sink, threshold } of sinks) {
      if (ORDER[at] >= ORDER[threshold()]) sink(at, message, data);
    }
  };
  return {
    debug: (m, d) => write("debug", m, d),
    info: (m, d) => write("info", m, d),
    warning: (m, d) => write("warning", m, d),
    error: (m, d) => write("error", m, d),
    attach: (sink, threshold) => {
      const entry = { sink, threshold };
      sinks.add(entry);
      return () => void sinks.delete(entry);
    },
  };
}

/** MCP's eight levels onto ours. */
export function fromMcpLevel(level: string): LogLevel {
  if (level === "debug") return "debug";
  if (level === "info" || level === "notice") return "info";
  if (level === "warning") return "warning";
  return "error";
}

export function safeJson(value: unknown): string {
  if (value instanceof Error) return value.stack ?? value.message;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
