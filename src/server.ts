#!/usr/bin/env node
/**
 * Entry point: parse the settings, build the server, serve it over stdio, resume interrupted runs.
 * stdout carries JSON-RPC only; everything else goes to stderr.
 */
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { parseCommand, SettingsError, USAGE } from "./config.js";
import { createConductor, VERSION } from "./create-server.js";
import { createStderrLogger } from "./log.js";

async function main(): Promise<void> {
  let command;
  try {
    command = parseCommand(process.argv.slice(2), process.env);
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
  const conductor = createConductor(settings, log);
  await conductor.server.connect(new StdioServerTransport());
  log.info(`conductor-mcp ${VERSION} serving on stdio`, { db: settings.dbPath, allowedDirs: settings.allowedDirs });
  const recovered = conductor.context.manager.recover();
  if (recovered.length) log.info(`resuming ${recovered.length} run(s) left running by a previous process`);
  conductor.context.manager.startBackground();

  let closing = false;
  const shutdown = (why: string) => {
    if (closing) return;
    closing = true;
    log.info(`shutting down (${why}); running runs resume from their last checkpoint on the next start`);
    void conductor.close(why).finally(() => process.exit(0));
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.stdin.on("end", () => shutdown("stdin closed"));
}

main().catch((error: unknown) => {
  process.stderr.write(`conductor-mcp failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
