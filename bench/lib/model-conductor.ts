/**
 * The whole server in-process (as bench/lib/conductor.ts `openConductor` builds it, from dist/) with its model
 * executor configured: `--model openai:gpt-test --model-base-url URL --model-concurrency N`, so every branch and
 * the report call a chat model through LangChain's real ChatOpenAI client (against a scripted provider).
 */
import fs from "node:fs";
import path from "node:path";
import type * as CreateServerModule from "../../src/create-server.js";
import type * as LogModule from "../../src/log.js";
import type * as ConfigModule from "../../src/config.js";
import type { Settings } from "../../src/config.js";
import { tempDir, type Conductor, type StartWorkflowArgs } from "./conductor.js";

const load = async <T>(file: string): Promise<T> => (await import(new URL(`../../dist/${file}`, import.meta.url).href)) as T;

const { createConductor } = await load<typeof CreateServerModule>("create-server.js");
const { createStderrLogger } = await load<typeof LogModule>("log.js");
const { parseCommand } = await load<typeof ConfigModule>("config.js");

/** The key the bench gives the server (any string: the scripted provider ignores it). */
export const MODEL_BENCH_KEY = "sk-bench";

export interface ModelBenchOptions {
  /** e.g. "openai:gpt-test" */
  model: string;
  /** e.g. `${provider.url}/v1` */
  baseUrl: string;
  concurrency: number;
}

/** Settings as `parseCommand` returns them for benchSettings' arguments plus the model executor's. */
export function modelBenchSettings(dbPath: string, opts: ModelBenchOptions): Settings {
  const command = parseCommand([
    "--db", dbPath, "--log-level", "error", "--pool-cpu", "8", "--pool-memory-mb", "8192",
    "--model", opts.model, "--model-base-url", opts.baseUrl, "--model-concurrency", String(opts.concurrency),
  ], { OPENAI_API_KEY: MODEL_BENCH_KEY });
  if (command.kind !== "serve") throw new Error(`parseCommand answered ${command.kind}`);
  return command.settings;
}

export interface OpenModelConductor {
  conductor: Conductor;
  dir: string;
  /** Starts a run, waits for it to settle, returns its id, wall time and the performance.now() it started at; throws unless it completed. */
  run(args: StartWorkflowArgs): Promise<{ runId: string; ms: number; startedAt: number; settledAt: number }>;
  close(keep?: boolean): Promise<void>;
}

export async function openModelConductor(opts: ModelBenchOptions, dir = tempDir("conductor-model-bench-")): Promise<OpenModelConductor> {
  // The chat model factory reads the key from process.env when a model is first built.
  process.env.OPENAI_API_KEY ??= MODEL_BENCH_KEY;
  const dbPath = path.join(dir, "conductor.db");
  const conductor = await createConductor(modelBenchSettings(dbPath, opts), createStderrLogger("error"));
  const { manager, runs } = conductor.context;
  manager.startBackground();
  return {
    conductor, dir,
    async run(args) {
      const startedAt = performance.now();
      const { run_id } = await manager.start(args, { principal: "local", clientSamples: false });
      await manager.waitForSettle(run_id, 600);
      const settledAt = performance.now();
      const row = await runs.get(run_id);
      if (row?.status !== "completed") throw new Error(`run ${run_id} ended ${row?.status ?? "missing"}: ${row?.error ?? ""}`);
      return { runId: run_id, ms: settledAt - startedAt, startedAt, settledAt };
    },
    async close(keep = false) {
      await conductor.close();
      if (!keep) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
