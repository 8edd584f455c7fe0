/**
 * The server's own code, in this process: the built modules (dist/, what `npm run build` just compiled and
 * what the MCP server runs), typed by their sources in src/. Loading dist/ rather than src/ through tsx
 * keeps CPU profiles pointing at files with source maps (bench/lib/profile-summary.ts maps them back).
 *
 * `openConductor` builds the whole server (storage, checkpointer, graph, run manager) on a fresh temp
 * database with settings like `parseCommand` gives, and runs workflows through `manager.start`.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type Database from "better-sqlite3";
import type { SqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";
import { z } from "zod";
import type * as CreateServerModule from "../../src/create-server.js";
import type * as LogModule from "../../src/log.js";
import type * as StartWorkflowModule from "../../src/tools/start-workflow.js";
import type * as SchemasModule from "../../src/domain/task.js";
import type * as ConfigModule from "../../src/config.js";
import type { Settings } from "../../src/config.js";
import type { StartWorkflowArgs } from "../../src/runs/start-request.js";

const load = async <T>(file: string): Promise<T> => (await import(new URL(`../../dist/${file}`, import.meta.url).href)) as T;

const { createConductor } = await load<typeof CreateServerModule>("create-server.js");
const { createStderrLogger } = await load<typeof LogModule>("log.js");
const { StartWorkflowInput } = await load<typeof StartWorkflowModule>("tools/start-workflow.js");
const { TaskSchema } = await load<typeof SchemasModule>("domain/task.js");
const { parseCommand } = await load<typeof ConfigModule>("config.js");

export type Conductor = Awaited<ReturnType<typeof createConductor>>;
export type { StartWorkflowArgs };

/** The start_workflow schema (tasks 1..500), as the tool parses its arguments. */
export function parseStart(request: Record<string, unknown>): StartWorkflowArgs {
  return StartWorkflowInput.parse(request);
}

/** The same schema with the 500-task cap lifted: RunManager.start itself does not enforce it (only the tool's schema does). */
export function parseStartUncapped(request: Record<string, unknown>): StartWorkflowArgs {
  return StartWorkflowInput.extend({ tasks: z.array(TaskSchema).min(1).max(1_000_000) }).parse(request) as StartWorkflowArgs;
}

export function tempDir(prefix = "conductor-bench-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * Settings as `parseCommand` returns them for `--db PATH --log-level error --pool-cpu 8 --pool-memory-mb 8192`
 * (no environment). `maxTasks` raises the server's task limit (capped at 500 on the command line) for the
 * fan-out runs beyond it; nothing else differs from what the server runs with.
 */
export function benchSettings(dbPath: string, maxTasks?: number): Settings {
  const command = parseCommand(["--db", dbPath, "--log-level", "error", "--pool-cpu", "8", "--pool-memory-mb", "8192"], {});
  if (command.kind !== "serve") throw new Error(`parseCommand answered ${command.kind}`);
  const settings = command.settings;
  return maxTasks === undefined ? settings : { ...settings, limits: { ...settings.limits, maxTasks } };
}

export interface OpenConductor {
  conductor: Conductor;
  dir: string;
  dbPath: string;
  /** The server's own database handle (the one its stores and the SqliteSaver share). */
  db: Database.Database;
  /** Starts a run, waits for it to settle, and returns its id and wall time; throws unless it completed. */
  run(args: StartWorkflowArgs): Promise<{ runId: string; ms: number }>;
  /** Closes the server and deletes its temp directory (unless `keep`). */
  close(keep?: boolean): Promise<void>;
}

export async function openConductor(dir = tempDir(), opts: { maxTasks?: number } = {}): Promise<OpenConductor> {
  const dbPath = path.join(dir, "conductor.db");
  const conductor = await createConductor(benchSettings(dbPath, opts.maxTasks), createStderrLogger("error"));
  const { manager, runs } = conductor.context;
  manager.startBackground(); // lease renewal, as server.ts starts it
  const db = ((await conductor.context.storage.checkpointer()) as unknown as SqliteSaver).db;
  return {
    conductor, dir, dbPath, db,
    async run(args) {
      const t0 = performance.now();
      const { run_id } = await manager.start(args, { principal: "local", clientSamples: false });
      await manager.waitForSettle(run_id, 300);
      const ms = performance.now() - t0;
      const row = await runs.get(run_id);
      if (row?.status !== "completed") throw new Error(`run ${run_id} ended ${row?.status ?? "missing"}: ${row?.error ?? ""}`);
      return { runId: run_id, ms };
    },
    async close(keep = false) {
      await conductor.close();
      if (!keep) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
