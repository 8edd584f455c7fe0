/**
 * The checkpointer: LangGraph's SqliteSaver on the server's database, and pruning of finished runs'
 * checkpoints (a finished run needs only its last one: its final state). With the environment variable
 * CONDUCTOR_FAILPOINT_KILL_AFTER_CHECKPOINTS=N (for crash tests only) the process kills itself with
 * SIGKILL right after its Nth checkpoint is written: a crash exactly between two supersteps.
 */
import type { RunnableConfig } from "@langchain/core/runnables";
import type { Checkpoint, CheckpointMetadata } from "@langchain/langgraph-checkpoint";
import { SqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";
import type { Statement } from "better-sqlite3";
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

/**
 * Deletes every checkpoint of a finished run but the last, and their pending writes. Only for finished runs:
 * resuming a paused or running thread may need the writes of its previous checkpoint.
 */
export function createCheckpointPruner(db: Db): (threadId: string) => number {
  // Prepared on first use: the saver creates its tables lazily, on its first checkpoint.
  let stmts: { writes: Statement; checkpoints: Statement } | undefined;
  return (threadId) => {
    stmts ??= {
      writes: db.prepare(`DELETE FROM writes WHERE thread_id = @t AND checkpoint_id <
        (SELECT MAX(checkpoint_id) FROM checkpoints WHERE thread_id = @t)`),
      checkpoints: db.prepare(`DELETE FROM checkpoints WHERE thread_id = @t AND checkpoint_id <
        (SELECT MAX(checkpoint_id) FROM checkpoints WHERE thread_id = @t)`),
    };
    const { writes, checkpoints } = stmts;
    return db.transaction(() => {
      writes.run({ t: threadId });
      return checkpoints.run({ t: threadId }).changes;
    }).immediate();
  };
}
