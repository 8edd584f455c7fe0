/**
 * The checkpointer: LangGraph's SqliteSaver on the server's database, storing each channel value once per
 * version (versioned-saver.ts), and pruning of finished runs'
 * checkpoints (a finished run needs only its last one: its final state). With the environment variable
 * CONDUCTOR_FAILPOINT_KILL_AFTER_CHECKPOINTS=N (for crash tests only) the process kills itself with
 * SIGKILL right after its Nth checkpoint is written: a crash exactly between two supersteps; N=0 kills it as it is about to
 * write its first (a run whose starter died before it was ever checkpointed).
 */
import type { RunnableConfig } from "@langchain/core/runnables";
import type { Checkpoint, CheckpointMetadata } from "@langchain/langgraph-checkpoint";
import type { SqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";
import { VERSIONS_KEY, VersionedSqliteSaver } from "./versioned-saver.js";
import { ENTRIES_TYPE } from "./checkpoint-entries.js";
import type { Statement } from "better-sqlite3";
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

/** The condition, on a row of `checkpoints`, that node `node` was about to run there: its trigger channel holds a value. */
function nextIs(node: string): string {
  const channel = JSON.stringify(`branch:to:${node}`).replace(/'/g, "''");
  return `json_type(CAST(checkpoint AS TEXT), '$.channel_values.${VERSIONS_KEY}.${channel}') IS NOT NULL
    OR json_type(CAST(checkpoint AS TEXT), '$.channel_values.${channel}') IS NOT NULL`;
}

/**
 * Deletes the checkpoints of a finished run but its last one and those at which a node of `keepWhenNext` was about
 * to run (the points a fork starts from), with the pending writes of those deleted and what only they refer to.
 * Only for finished runs: resuming a paused or running thread may need the writes of its previous checkpoint.
 */
export function createCheckpointPruner(db: Db): (threadId: string, keepWhenNext?: readonly string[]) => number {
  // Prepared on first use (the saver creates its tables lazily, on its first checkpoint), once per list of nodes kept.
  const prepared = new Map<string, { writes: Statement; checkpoints: Statement; blobs: Statement; entries: Statement }>();
  const statements = (keep: readonly string[]) => ({
    checkpoints: db.prepare(`DELETE FROM checkpoints WHERE thread_id = @t AND checkpoint_id <
      (SELECT MAX(checkpoint_id) FROM checkpoints WHERE thread_id = @t)${keep.length ? ` AND NOT (${keep.map(nextIs).join(" OR ")})` : ""}`),
    writes: db.prepare(`DELETE FROM writes WHERE thread_id = @t AND NOT EXISTS (SELECT 1 FROM checkpoints c
      WHERE c.thread_id = @t AND c.checkpoint_ns = writes.checkpoint_ns AND c.checkpoint_id = writes.checkpoint_id)`),
    // Channel values no remaining checkpoint refers to (the versions referred to are listed once, not per value).
    blobs: db.prepare(`DELETE FROM conductor_checkpoint_blobs WHERE thread_id = @t
      AND (checkpoint_ns, channel, version) NOT IN (SELECT c.checkpoint_ns, j.key, CAST(j.value AS TEXT)
        FROM checkpoints c, json_each(CAST(c.checkpoint AS TEXT), '$.channel_values.${VERSIONS_KEY}') j WHERE c.thread_id = @t)`),
    // Map entries no remaining manifest lists.
    entries: db.prepare(`DELETE FROM conductor_checkpoint_entries WHERE thread_id = @t
      AND (checkpoint_ns, channel, hash) NOT IN (SELECT b.checkpoint_ns, b.channel, j.value
        FROM conductor_checkpoint_blobs b, json_each(CAST(b.value AS TEXT)) j WHERE b.thread_id = @t AND b.type = '${ENTRIES_TYPE}')`),
  });
  return (threadId, keepWhenNext = []) => {
    const key = keepWhenNext.join("\u0000");
    let stmts = prepared.get(key);
    if (!stmts) prepared.set(key, stmts = statements(keepWhenNext));
    const { writes, checkpoints, blobs, entries } = stmts;
    return db.transaction(() => {
      const pruned = checkpoints.run({ t: threadId }).changes;
      writes.run({ t: threadId });
      blobs.run({ t: threadId });
      entries.run({ t: threadId });
      return pruned;
    }).immediate();
  };
}
