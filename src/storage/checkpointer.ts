/**
 * The checkpointer: LangGraph's SqliteSaver on the server's database, storing each channel value once per
 * version (versioned-saver.ts). Loaded on first use (Storage.checkpointer), with LangGraph: not part of start-up.
 * With the environment variable
 * CONDUCTOR_FAILPOINT_KILL_AFTER_CHECKPOINTS=N (for crash tests only) the process kills itself with
 * SIGKILL right after its Nth checkpoint is written: a crash exactly between two supersteps; N=0 kills it as it is about to
 * write its first (a run whose starter died before it was ever checkpointed).
 */
import type { RunnableConfig } from "@langchain/core/runnables";
import type { Checkpoint, CheckpointMetadata } from "@langchain/langgraph-checkpoint";
import type { SqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";
import { VersionedSqliteSaver } from "./versioned-saver.js";
import type { Db } from "./database.js";

export const KILL_AFTER_CHECKPOINTS = "CONDUCTOR_FAILPOINT_KILL_AFTER_CHECKPOINTS";

class KillingSaver extends VersionedSqliteSaver {
  private written = 0;

  constructor(db: Db, private readonly killAfter: number) {
    super(db);
  }

  override async put(config: RunnableConfig, checkpoint: Checkpoint, metadata: CheckpointMetadata): Promise<RunnableConfig> {
    if (this.killAfter === 0) process.kill(process.pid, "SIGKILL");
    const saved = await super.put(config, checkpoint, metadata);
    if (++this.written === this.killAfter) process.kill(process.pid, "SIGKILL");
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
