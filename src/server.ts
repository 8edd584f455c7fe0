#!/usr/bin/env node
/**
 * Entry point: parse the settings, build the server, serve it over stdio (one client) or Streamable HTTP
 * (a session per client), resume interrupted runs. stdout carries JSON-RPC only; everything else goes to stderr.
 */
import { parseCommand, requestLimit, SettingsError, USAGE, type Settings } from "./config.js";
import { createConductor, VERSION, type Conductor } from "./create-server.js";
import { loadTokens, type TokenTable } from "./http/auth-tokens.js";
import { createStderrLogger, type Logger } from "./log.js";
import { LOCAL_PRINCIPAL } from "./sessions/client-sessions.js";
import { otlpMetricsConfigured } from "./telemetry/metrics-config.js";
import { serveStdio } from "@modelcontextprotocol/server/stdio";
import { StdioTransport, type StdioTransportOptions } from "./stdio/stdio-transport.js";
import { ListenStreams } from "./resources/listen-streams.js";
import { tracingConfigured } from "./telemetry/tracing-config.js";

async function main(): Promise<void> {
  let command;
  let tokens: { table: TokenTable; text: string } | undefined;
  try {
    command = parseCommand(process.argv.slice(2), process.env);
    if (command.kind === "serve" && command.settings.transport === "http" && command.settings.authTokensFile) {
      tokens = loadTokens(command.settings.authTokensFile);
    }
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  if (command.kind === "help") {
    process.stdout.write(USAGE);
    return;
  }
  if (command.kind === "version") {
    process.stdout.write(`${VERSION}\n`);
    return;
  }
  const { settings } = command;
  const log = createStderrLogger(settings.logLevel);
  // The OpenTelemetry SDKs (their own chunks) only when configured; else spans and instruments are the API's no-ops.
  const tracing = tracingConfigured(process.env) ? (await import("./telemetry/otel-sdk.js")).startTracing() : undefined;
  const metrics = settings.metrics || otlpMetricsConfigured(process.env)
    ? await (await import("./telemetry/metrics-setup.js")).startMetrics({ prometheus: settings.metrics, env: process.env })
    : undefined;
  const conductor = await createConductor(settings, log, metrics ? { meter: metrics.meter } : {});
  // Runs a dead process left running are queued before the first request is handled, so a client asking about one
  // at once finds it busy (and can wait for it). Their branches wait for their client to be back where they need it.
  const startRunning = once(async () => {
    await resumeOrphans(conductor, log);
    conductor.context.manager.startBackground();
    // The graph's libraries load after the host's opening requests, before a first run is likely to want them.
    setTimeout(() => void conductor.warmUp().catch((error: unknown) => log.warning(`loading the workflow graph failed: ${String(error)}`)), WARM_UP_DELAY_MS).unref();
  });
  let stopTransport: () => Promise<void>;
  if (settings.transport === "http") {
    await startRunning();
    const { serveHttp } = await import("./http/http-server.js"); // express and the HTTP transport only when serving HTTP
    // The token file is watched (and reloaded on SIGHUP) only when there is one.
    const live = tokens && settings.authTokensFile
      ? (await import("./http/token-file-watch.js")).watchTokenFile(settings.authTokensFile, tokens, log)
      : undefined;
    const http = await serveHttp(conductor, settings, live, log, metrics?.prometheus);
    stopTransport = async () => {
      live?.close();
      await http.close();
    };
    log.info(`conductor-mcp ${VERSION} serving Streamable HTTP on ${http.url}`, {
      db: redactDb(settings.dbPath), allowedDirs: settings.allowedDirs, principals: live ? [...live.current().principals] : [LOCAL_PRINCIPAL],
    });
  } else {
    // Both revisions on one connection: the client's opening (initialize for 2025-11-25, a request with the
    // 2026-07-28 _meta envelope otherwise) decides, and the connection is served by one session server.
    const stdio = serveStdio(() => conductor.connectClient(LOCAL_PRINCIPAL), {
      // A 2026-07-28 client's listen streams name the runs the SQLite change feed must poll for other processes' changes.
      // Over stdio, at the client's first request (not a 2026 client's version probe, answered by a throwaway copy of
      // the server that must not take over runs), or after PROBE_GRACE_MS without one.
      transport: stdioTransport(settings, log, new ListenStreams(conductor.context.interest).observe(LOCAL_PRINCIPAL), startRunning),
      onerror: (error) => log.warning(`stdio: ${error.message}`),
    });
    stopTransport = () => stdio.close();
    log.info(`conductor-mcp ${VERSION} serving on stdio`, { db: redactDb(settings.dbPath), allowedDirs: settings.allowedDirs, model: settings.models?.model ?? null });
    setTimeout(() => void startRunning(), PROBE_GRACE_MS).unref();
  }
  handleShutdown(conductor, settings, stopTransport, log, [tracing, metrics]);
}

/** Stdio with the same bound as an HTTP body: a larger message is answered with an error, and serving goes on. */
function stdioTransport(settings: Settings, log: Logger, observe: StdioTransportOptions["observe"], beforeFirstRequest: () => Promise<void>): StdioTransport {
  return new StdioTransport({
    observe, beforeFirstRequest,
    maxMessageBytes: requestLimit(settings.maxInputBytes),
    describeLimit: ({ bytes, limit }) =>
      `the message has ${bytes} bytes, more than this server's limit of ${limit} bytes (4 x --max-input-bytes + 1 MB); ` +
      "pass large documents by path (--allow-dir), or start the server with a larger --max-input-bytes",
    onOversize: ({ bytes, limit, id }) =>
      log.warning(`refused a message of ${bytes} bytes on stdio (limit ${limit} bytes)${id === undefined ? "; it had no id to answer" : `; answered request ${JSON.stringify(id)} with an error`}`),
  });
}

/** How long a stdio server with no request yet waits before resuming runs left running anyway. */
const PROBE_GRACE_MS = 2000;

/** How long after start-up (its first request over stdio) the graph is loaded if no run has loaded it yet. */
const WARM_UP_DELAY_MS = 500;

/** `fn` run once: every call gets the first call's promise. */
function once(fn: () => Promise<void>): () => Promise<void> {
  let started: Promise<void> | undefined;
  return () => (started ??= fn());
}

async function resumeOrphans(conductor: Conductor, log: Logger): Promise<void> {
  const recovered = await conductor.context.manager.recover();
  if (recovered.length) log.info(`resuming ${recovered.length} run(s) left running by a previous process`);
}

/** At shutdown, after the transport: what the telemetry still holds (batched spans, the last metrics) is exported. */
type Exporter = { shutdown(): Promise<void> } | undefined;

function handleShutdown(conductor: Conductor, settings: Settings, stopTransport: () => Promise<void>, log: Logger, exporters: Exporter[]): void {
  let closing = false;
  const shutdown = (why: string) => {
    if (closing) return;
    closing = true;
    log.info(`shutting down (${why}); running runs resume from their last checkpoint on the next start`);
    void conductor.close(why).then(stopTransport).catch(() => undefined)
      .then(() => Promise.all(exporters.map((e) => e?.shutdown()))).catch((error: unknown) => log.warning(`exporting the last telemetry failed: ${String(error)}`))
      .finally(() => process.exit(0));
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  // Over stdio the client closing our stdin is the end of the session; an HTTP server does not read stdin.
  if (settings.transport === "stdio") process.stdin.on("end", () => shutdown("stdin closed"));
}

main().catch((error: unknown) => {
  process.stderr.write(`conductor-mcp failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});

/** The database as logged: a PostgreSQL URL without its password. */
function redactDb(db: string): string {
  return db.replace(/^(postgres(?:ql)?:\/\/[^:/@]*):[^@]*@/i, "$1:***@");
}
