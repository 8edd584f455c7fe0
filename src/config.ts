/**
 * Server settings: command-line flags over environment variables over defaults, resolved in one function.
 */
import { parseArgs } from "node:util";
import os from "node:os";
import path from "node:path";
import { isPostgresUrl } from "./storage/storage.js";
import envPaths from "env-paths";
import { defaultCapacity } from "./agents/resource-pool.js";
import { SettingsError, positive } from "./settings-error.js";
import { MODEL_ENV, modelSettings, type ModelSettings } from "./model-settings.js";

export { SettingsError } from "./settings-error.js";
export type { ModelSettings } from "./model-settings.js";

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
  /** A process that stops renewing its run leases for this long loses them to another process. */
  leaseSeconds: number;
  /** http: serve the metrics in Prometheus text at /metrics. */
  metrics: boolean;
  /** Finished runs older than this many days are deleted in the background; undefined: kept for ever. */
  retainDays: number | undefined;
  limits: Limits;
  /** How clients reach the server: stdio (one client, one principal) or Streamable HTTP. */
  transport: Transport;
  /** HTTP only: where to listen. */
  host: string;
  port: number;
  /** HTTP only: the file of bearer tokens (`TOKEN PRINCIPAL` per line); none means no authentication. */
  authTokensFile: string | undefined;
  /** Worker threads for CPU-heavy branch work (ranking, statistics) off the event loop. */
  workerThreads: number;
  /** The model executor; undefined when no --model is configured. */
  models: ModelSettings | undefined;
}

export const TRANSPORTS = ["stdio", "http"] as const;
export type Transport = (typeof TRANSPORTS)[number];

/** Limits answered with a clear error (or, for concurrent runs, a queue) when exceeded. */
export interface Limits {
  maxTasks: number;
  maxObjectiveChars: number;
  maxTimelinePage: number;
  maxConcurrentRuns: number;
}

export const ENV = {
  db: "CONDUCTOR_DB",
  allowDirs: "CONDUCTOR_ALLOW_DIRS",
  logLevel: "CONDUCTOR_LOG_LEVEL",
  maxInputBytes: "CONDUCTOR_MAX_INPUT_BYTES",
  poolCpu: "CONDUCTOR_POOL_CPU",
  poolMemoryMb: "CONDUCTOR_POOL_MEMORY_MB",
  agentIdleSeconds: "CONDUCTOR_AGENT_IDLE_SECONDS",
  leaseSeconds: "CONDUCTOR_LEASE_SECONDS",
  retainDays: "CONDUCTOR_RETAIN_DAYS",
  metrics: "CONDUCTOR_METRICS",
  maxTasks: "CONDUCTOR_MAX_TASKS",
  maxObjectiveChars: "CONDUCTOR_MAX_OBJECTIVE_CHARS",
  maxTimelinePage: "CONDUCTOR_MAX_TIMELINE_PAGE",
  maxConcurrentRuns: "CONDUCTOR_MAX_CONCURRENT_RUNS",
  transport: "CONDUCTOR_TRANSPORT",
  host: "CONDUCTOR_HOST",
  port: "CONDUCTOR_PORT",
  authTokens: "CONDUCTOR_AUTH_TOKENS",
  workerThreads: "CONDUCTOR_WORKER_THREADS",
  ...MODEL_ENV,
} as const;

export const USAGE = `conductor-mcp: an MCP server (stdio or Streamable HTTP) that runs durable multi-agent workflows.

Usage: conductor-mcp [options]

Options:
  --db PATH|URL        SQLite file for runs, timelines and checkpoints, or a
                       postgres://user:pass@host:port/database URL for PostgreSQL
                       (env ${ENV.db}; default: ${defaultDbPath()})
  --allow-dir DIR      a directory whose files task inputs may name by "path"; repeatable
                       (env ${ENV.allowDirs}, separated by "${path.delimiter}"; default: none)
  --log-level LEVEL    ${LOG_LEVELS.join(" | ")} for stderr logs (env ${ENV.logLevel}; default: info)
  --max-input-bytes N  largest input text or file accepted (env ${ENV.maxInputBytes}; default: 5000000)
  --pool-cpu N         agent resource pool cpu units (env ${ENV.poolCpu}; default: this machine's cores, ${defaultCapacity().cpu})
  --pool-memory-mb N   agent resource pool memory (env ${ENV.poolMemoryMb}; default: half this machine's memory, ${defaultCapacity().memory_mb})
  --agent-idle-seconds N  retire generated agents unused this long (env ${ENV.agentIdleSeconds}; default: 900)
  --lease-seconds N    how long a run stays with a process that stopped renewing its lease (env ${ENV.leaseSeconds}; default: 15)
  --retain-days N      delete finished runs (completed, failed, cancelled) last changed more than N days ago, in the
                       background (env ${ENV.retainDays}; default: none, runs are kept until delete_run)
  --max-tasks N        most tasks in one run, up to 500 (env ${ENV.maxTasks}; default: 500)
  --max-objective-chars N  longest objective, up to 4000 (env ${ENV.maxObjectiveChars}; default: 4000)
  --max-timeline-page N    largest get_timeline page, up to 1000 (env ${ENV.maxTimelinePage}; default: 1000)
  --max-concurrent-runs N  runs executing at once; more wait in a queue (env ${ENV.maxConcurrentRuns}; default: 16)
  --transport KIND     stdio | http (env ${ENV.transport}; default: stdio)
  --host HOST          http: the address to listen on (env ${ENV.host}; default: 127.0.0.1); a non-loopback
                       address needs --auth-tokens
  --port N             http: the port, 0 for any free one (env ${ENV.port}; default: 3000)
  --metrics            http: serve metrics in Prometheus text at GET /metrics (env ${ENV.metrics}=1; OTLP
                       metrics follow the standard OTEL_ variables either way; default: off)
  --auth-tokens FILE   http: bearer tokens, one "TOKEN PRINCIPAL" per line; each principal sees only its own
                       runs, agents and templates (env ${ENV.authTokens}; default: none, no authentication)
  --worker-threads N   threads for the offline text work (ranking, statistics), off the event loop
                       (env ${ENV.workerThreads}; default: this machine's cores, ${os.availableParallelism()})
  --model PROVIDER:MODEL  the model executor's model: anthropic:NAME or openai:NAME (env ${ENV.model}; default:
                       none, no model executor); the key comes from ANTHROPIC_API_KEY or OPENAI_API_KEY only
  --model-base-url URL an OpenAI- or Anthropic-compatible server instead of the provider's API (Ollama, vLLM,
                       llama.cpp, LM Studio: http://localhost:11434/v1 and --model openai:NAME) (env ${ENV.modelBaseUrl})
  --models LIST        comma-separated models a run's "model" or a template may name (env ${ENV.models}; default: --model)
  --model-concurrency N  model calls in flight at most, queued fairly across runs (env ${ENV.modelConcurrency}; default: 8)
  --max-run-tokens N   a cap on every run's token budget (env ${ENV.maxRunTokens}; default: none)
  --model-prices FILE  JSON prices per model, dollars per million tokens: { "openai:gpt-4o-mini": { "input": 0.15,
                       "output": 0.6 } } (env ${ENV.modelPrices}; default: none, costs unknown)
  --model-context-tokens N  the models' context window: sources in a prompt are cut to fit (env ${ENV.modelContextTokens})
  --help               print this help and exit
  --version            print the version and exit
`;

export function defaultDbPath(): string {
  return path.join(envPaths("conductor-mcp", { suffix: "" }).data, "conductor.db");
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
        "retain-days": { type: "string" },
        metrics: { type: "boolean" },
        "lease-seconds": { type: "string" },
        "max-tasks": { type: "string" },
        "max-objective-chars": { type: "string" },
        "max-timeline-page": { type: "string" },
        "max-concurrent-runs": { type: "string" },
        transport: { type: "string" },
        host: { type: "string" },
        port: { type: "string" },
        "auth-tokens": { type: "string" },
        "worker-threads": { type: "string" },
        model: { type: "string" },
        "model-base-url": { type: "string" },
        models: { type: "string" },
        "model-concurrency": { type: "string" },
        "max-run-tokens": { type: "string" },
        "model-prices": { type: "string" },
        "model-context-tokens": { type: "string" },
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
  const leaseSeconds = positive("--lease-seconds", values["lease-seconds"] ?? env[ENV.leaseSeconds] ?? "15", false);
  const retain = values["retain-days"] ?? env[ENV.retainDays];
  const retainDays = retain === undefined || retain === "" ? undefined : positive("--retain-days", retain, false);
  const limits: Limits = {
    maxTasks: capped("--max-tasks", values["max-tasks"] ?? env[ENV.maxTasks] ?? "500", 500),
    maxObjectiveChars: capped("--max-objective-chars", values["max-objective-chars"] ?? env[ENV.maxObjectiveChars] ?? "4000", 4000),
    maxTimelinePage: capped("--max-timeline-page", values["max-timeline-page"] ?? env[ENV.maxTimelinePage] ?? "1000", 1000),
    maxConcurrentRuns: positive("--max-concurrent-runs", values["max-concurrent-runs"] ?? env[ENV.maxConcurrentRuns] ?? "16", true),
  };
  const transport = values.transport ?? env[ENV.transport] ?? "stdio";
  if (!(TRANSPORTS as readonly string[]).includes(transport)) {
    throw new SettingsError(`--transport must be one of ${TRANSPORTS.join(", ")}, got "${transport}"`);
  }
  const rawPort = values.port ?? env[ENV.port] ?? "3000";
  const port = Number(rawPort);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new SettingsError(`--port must be an integer 0..65535, got "${rawPort}"`);
  const host = values.host ?? env[ENV.host] ?? "127.0.0.1";
  const tokens = values["auth-tokens"] ?? env[ENV.authTokens];
  if (transport === "http" && !tokens && !isLoopback(host)) {
    throw new SettingsError(`refusing to listen on ${host} without authentication: give --auth-tokens FILE, or listen on 127.0.0.1`);
  }
  const metrics = values.metrics === true || ["1", "true", "yes"].includes((env[ENV.metrics] ?? "").trim().toLowerCase());
  if (metrics && transport !== "http") throw new SettingsError("--metrics serves GET /metrics over HTTP: give it with --transport http (OTLP metrics need only the OTEL_ variables)");
  const workerThreads = positive("--worker-threads", values["worker-threads"] ?? env[ENV.workerThreads] ?? String(os.availableParallelism()), true);
  const dirs = values["allow-dir"] ?? (env[ENV.allowDirs] ? env[ENV.allowDirs]!.split(path.delimiter) : []);
  return {
    kind: "serve",
    settings: {
      dbPath: resolveDb(values.db ?? env[ENV.db] ?? defaultDbPath()),
      allowedDirs: dirs.filter((d) => d.trim() !== "").map((d) => path.resolve(d)),
      logLevel: logLevel as LogLevel,
      maxInputBytes,
      poolCpu,
      poolMemoryMb,
      agentIdleSeconds,
      leaseSeconds,
      retainDays,
      metrics,
      limits,
      transport: transport as Transport,
      host,
      port,
      authTokensFile: tokens ? path.resolve(tokens) : undefined,
      workerThreads,
      models: modelSettings((flag, variable) => ((values as Values)[flag] as string | undefined) ?? env[variable], env),
    },
  };
}

/**
 * The largest request a client may send, over HTTP (a body) and stdio (a line): room for four inputs of the largest
 * size, their JSON escaping included.
 */
export function requestLimit(maxInputBytes: number): number {
  return 4 * maxInputBytes + 1_000_000;
}

/** Whether a host name or address only reaches this machine. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h);
}

type Values = Record<string, string | boolean | string[] | undefined>;

function capped(flag: string, raw: string, max: number): number {
  const n = positive(flag, raw, true);
  if (n > max) throw new SettingsError(`${flag} may be at most ${max} (the contract's limit), got ${n}`);
  return n;
}

/** A SQLite file path made absolute; a PostgreSQL URL as given. */
function resolveDb(db: string): string {
  return isPostgresUrl(db) ? db : path.resolve(db);
}
