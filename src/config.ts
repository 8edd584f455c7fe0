/**
 * Server settings: command-line flags over environment variables over defaults, resolved in one function.
 */
import { parseArgs } from "node:util";
import path from "node:path";
import envPaths from "env-paths";
import { defaultCapacity } from "./agents/resource-pool.js";

export const LOG_LEVELS = ["debug", "info", "warning", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Settings {
  /** SQLite file holding checkpoints, runs, timelines. */
  dbPath: string;
  /** Directories whose files task inputs may name by `path` (resolved, absolute). */
  allowedDirs: string[];
  logLevel: LogLevel;
  /** Largest input file or inline text accepted, in bytes. */
  maxInputBytes: number;
  /** The agent resource pool's capacity. */
  poolCpu: number;
  poolMemoryMb: number;
  /** Standalone agents unused this long are retired and their resources released. */
  agentIdleSeconds: number;
}

export const ENV = {
  db: "CONDUCTOR_DB",
  allowDirs: "CONDUCTOR_ALLOW_DIRS",
  logLevel: "CONDUCTOR_LOG_LEVEL",
  maxInputBytes: "CONDUCTOR_MAX_INPUT_BYTES",
  poolCpu: "CONDUCTOR_POOL_CPU",
  poolMemoryMb: "CONDUCTOR_POOL_MEMORY_MB",
  agentIdleSeconds: "CONDUCTOR_AGENT_IDLE_SECONDS",
} as const;

export const USAGE = `conductor-mcp: an MCP server (stdio) that runs durable multi-agent workflows.

Usage: conductor-mcp [options]

Options:
  --db PATH            SQLite file for runs, timelines and checkpoints
                       (env ${ENV.db}; default: ${defaultDbPath()})
  --allow-dir DIR      a directory whose files task inputs may name by "path"; repeatable
                       (env ${ENV.allowDirs}, separated by "${path.delimiter}"; default: none)
  --log-level LEVEL    ${LOG_LEVELS.join(" | ")} for stderr logs (env ${ENV.logLevel}; default: info)
  --max-input-bytes N  largest input text or file accepted (env ${ENV.maxInputBytes}; default: 5000000)
  --pool-cpu N         agent resource pool cpu units (env ${ENV.poolCpu}; default: this machine's cores, ${defaultCapacity().cpu})
  --pool-memory-mb N   agent resource pool memory (env ${ENV.poolMemoryMb}; default: half this machine's memory, ${defaultCapacity().memory_mb})
  --agent-idle-seconds N  retire generated agents unused this long (env ${ENV.agentIdleSeconds}; default: 900)
  --help               print this help and exit
  --version            print the version and exit
`;

export function defaultDbPath(): string {
  return path.join(envPaths("conductor-mcp", { suffix: "" }).data, "conductor.db");
}

export class SettingsError extends Error {
  override name = "SettingsError";
}

export type ParsedCommand = { kind: "help" } | { kind: "version" } | { kind: "serve"; settings: Settings };

/** Parses argv (without node and script) and the environment into settings. Throws SettingsError. */
export function parseCommand(argv: string[], rawEnv: NodeJS.ProcessEnv): ParsedCommand {
  // An empty variable counts as unset, as shells and client configs often export VAR="".
  const env = Object.fromEntries(Object.entries(rawEnv).filter(([, v]) => v !== undefined && v.trim() !== ""));
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        db: { type: "string" },
        "allow-dir": { type: "string", multiple: true },
        "log-level": { type: "string" },
        "max-input-bytes": { type: "string" },
        "pool-cpu": { type: "string" },
        "pool-memory-mb": { type: "string" },
        "agent-idle-seconds": { type: "string" },
        help: { type: "boolean", short: "h" },
        version: { type: "boolean" },
      },
    }));
  } catch (error) {
    throw new SettingsError(`${(error as Error).message}\n\n${USAGE}`);
  }
  if (values.help) return { kind: "help" };
  if (values.version) return { kind: "version" };

  const logLevel = values["log-level"] ?? env[ENV.logLevel] ?? "info";
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new SettingsError(`--log-level must be one of ${LOG_LEVELS.join(", ")}, got "${logLevel}"`);
  }
  const maxInputBytes = positive("--max-input-bytes", values["max-input-bytes"] ?? env[ENV.maxInputBytes] ?? "5000000", true);
  const capacity = defaultCapacity();
  const poolCpu = positive("--pool-cpu", values["pool-cpu"] ?? env[ENV.poolCpu] ?? String(capacity.cpu), false);
  const poolMemoryMb = positive("--pool-memory-mb", values["pool-memory-mb"] ?? env[ENV.poolMemoryMb] ?? String(capacity.memory_mb), true);
  const agentIdleSeconds = positive("--agent-idle-seconds", values["agent-idle-seconds"] ?? env[ENV.agentIdleSeconds] ?? "900", false);
  const dirs = values["allow-dir"] ?? (env[ENV.allowDirs] ? env[ENV.allowDirs]!.split(path.delimiter) : []);
  return {
    kind: "serve",
    settings: {
      dbPath: path.resolve(values.db ?? env[ENV.db] ?? defaultDbPath()),
      allowedDirs: dirs.filter((d) => d.trim() !== "").map((d) => path.resolve(d)),
      logLevel: logLevel as LogLevel,
      maxInputBytes,
      poolCpu,
      poolMemoryMb,
      agentIdleSeconds,
    },
  };
}

function positive(flag: string, raw: string, integer: boolean): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new SettingsError(`${flag} must be a positive ${integer ? "integer" : "number"}, got "${raw}"`);
  }
  return n;
}
