/**
 * The checkpointer: LangGraph's SqliteSaver on the server's database, storing each channel value once per
 * version (versioned-saver.ts). Loaded on first use (Storage.checkpointer), with LangGraph: not part of start-up.
 * With the environment variable
 * CONDUCTOR_FAILPOINT_KILL_AFTER_CHECKPOINTS=N (for crash tests only) the process kills itself with
 * SIGKILL after its Nth checkpoint is written: a crash exactly between two supersteps; N=0 kills it as it is about to
 * write its first (a run whose starter died before it was ever checkpointed).
 */
import type { RunnableConfig } from "@langchain/core/runnables";
import type { Checkpoint, CheckpointMetadata } from "@langchain/langgraph-checkpoint";
import type { SqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";
import { VersionedSqliteSaver } from "./versioned-saver.js";
import type { Db } from "./database.js";

export const KILL_AFTER_CHECKPOINTS = "CONDUCTOR_FAILPOINT_KILL_AFTER_CHECKPOINTS";

/**
 * How long the Nth put stays unanswered before the kill. A graph that went on without waiting for its checkpoints
 * (LangGraph's default durability, "async") would run its next supersteps meanwhile, as it can whenever a write is
 * slow: their events would be keyed by checkpoints that never get stored. The runs wait (run-threads.ts), so this
 * window is quiet; a test fails if they stop waiting.
 */
const KILL_DELAY_MS = 250;

/** The failpoint's end: the Nth checkpoint is stored, its put never returns, the process dies. */
export async function dieAfterCheckpoint(): Promise<never> {
  await new Promise((resolve) => setTimeout(resolve, KILL_DELAY_MS));
  process.kill(process.pid, "SIGKILL");
  return new Promise<never>(() => undefined);
}

class KillingSaver extends VersionedSqliteSaver {
  private written = 0;

  constructor(db: Db, private readonly killAfter: number) {
    super(db);
  }

  override async put(config: RunnableConfig, checkpoint: Checkpoint, metadata: CheckpointMetadata): Promise<RunnableConfig> {
    if (this.killAfter === 0) process.kill(process.pid, "SIGKILL");
    const saved = await super.put(config, checkpoint, metadata);
    if (++this.written === this.killAfter) await dieAfterCheckpoint();
    return saved;
  }
}

/** The failpoint's N, or undefined when it is not set (or not a whole number). */
export function killAfterCheckpoints(env: NodeJS.ProcessEnv): number | undefined {
  const text = env[KILL_AFTER_CHECKPOINTS]?.trim();
  const n = text ? Number(text) : NaN;
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

export function createCheckpointer(db: Db, env: NodeJS.ProcessEnv = process.env): SqliteSaver {
  const killAfter = killAfterCheckpoints(env);
  return killAfter === undefined ? new VersionedSqliteSaver(db) : new KillingSaver(db, killAfter);
}
