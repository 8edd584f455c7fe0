/**
 * The checkpointer on PostgreSQL: LangGraph's PostgresSaver on the server's pool (it stores each channel value
 * once per version in `checkpoint_blobs` already). With the environment variable
 * CONDUCTOR_FAILPOINT_KILL_AFTER_CHECKPOINTS=N (for crash tests only) the process kills itself with SIGKILL
 * after its Nth checkpoint is written (checkpointer.ts): a crash exactly between two supersteps; N=0 kills it as it is about to
 * write its first (a run whose starter died before it was ever checkpointed).
 */
import type { RunnableConfig } from "@langchain/core/runnables";
import type { ChannelVersions, Checkpoint, CheckpointMetadata } from "@langchain/langgraph-checkpoint";
import { PostgresSaver } from "@langchain/langgraph-checkpoint-postgres";
import type pg from "pg";
import { dieAfterCheckpoint, killAfterCheckpoints } from "../checkpointer.js";

/** The schema PostgresSaver keeps its tables in (its default). */
export const CHECKPOINT_SCHEMA = "public";

class KillingPostgresSaver extends PostgresSaver {
  private written = 0;

  constructor(pool: pg.Pool, private readonly killAfter: number) {
    super(pool, undefined, { schema: CHECKPOINT_SCHEMA });
  }

  override async put(config: RunnableConfig, checkpoint: Checkpoint, metadata: CheckpointMetadata, newVersions: ChannelVersions): Promise<RunnableConfig> {
    if (this.killAfter === 0) process.kill(process.pid, "SIGKILL");
    const saved = await super.put(config, checkpoint, metadata, newVersions);
    if (++this.written === this.killAfter) await dieAfterCheckpoint();
    return saved;
  }
}

/** The saver, not set up yet: its `setup()` creates its tables and must run under the schema lock (pg-database.ts). */
export function createPostgresCheckpointer(pool: pg.Pool, env: NodeJS.ProcessEnv = process.env): PostgresSaver {
  const killAfter = killAfterCheckpoints(env);
  return killAfter === undefined
    ? new PostgresSaver(pool, undefined, { schema: CHECKPOINT_SCHEMA })
    : new KillingPostgresSaver(pool, killAfter);
}
