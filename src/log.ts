/**
 * Logging to stderr. stdout belongs to JSON-RPC, so nothing in src/ writes there.
 */
import type { LogLevel } from "./config.js";

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warning: 2, error: 3 };

export interface Logger {
  debug(message: string, data?: unknown): void;
  info(message: string, data?: unknown): void;
  warning(message: string, data?: unknown): void;
  error(message: string, data?: unknown): void;
}

export function createStderrLogger(level: LogLevel): Logger {
  const write = (at: LogLevel, message: string, data?: unknown) => {
    if (ORDER[at] < ORDER[level]) return;
    const suffix = data === undefined ? "" : ` ${safeJson(data)}`;
    process.stderr.write(`${new Date().toISOString()} [${at}] ${message}${suffix}\n`);
  };
  return {
    debug: (m, d) => write("debug", m, d),
    info: (m, d) => write("info", m, d),
    warning: (m, d) => write("warning", m, d),
    error: (m, d) => write("error", m, d),
  };
}

function safeJson(value: unknown): string {
  if (value instanceof Error) return value.stack ?? value.message;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
