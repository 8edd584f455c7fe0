/**
 * The checkpointer: LangGraph's SqliteSaver on the server's database. With the environment variable
 * CONDUCTOR_FAILPOINT_KILL_AFTER_CHECKPOINTS=N (for crash tests only) the process kills itself with
 * SIGKILL right after its Nth checkpoint is written: a crash exactly between two supersteps.
 */
import type { RunnableConfig } from "@langchain/core/runnables";
import type { Checkpoint, CheckpointMetadata } from "@langchain/langgraph-checkpoint";
import { SqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";
import type { Db } from "./database.js";

export const KILL_AFTER_CHECKPOINTS = "CONDUCTOR_FAILPOINT_KILL_AFTER_CHECKPOINTS";

class KillingSaver extends SqliteSaver {
  private written = 0;

  constructor(db: Db, private readonly killAfter: number) {
    super(db);
  }

  override async put(config: RunnableConfig, checkpoint: Checkpoint, metadata: CheckpointMetadata): Promise<RunnableConfig> {
    const saved = await super.put(config, checkpoint, metadata);
    if (++this.written === this.killAfter) process.kill(process.pid, "SIGKILL");
    return saved;
  }
}

export function createCheckpointer(db: Db, env: NodeJS.ProcessEnv = process.env): SqliteSaver {
  const killAfter = Number(env[KILL_AFTER_CHECKPOINTS] ?? "");
  return Number.isInteger(killAfter) && killAfter > 0 ? new KillingSaver(db, killAfter) : new SqliteSaver(db);
}
