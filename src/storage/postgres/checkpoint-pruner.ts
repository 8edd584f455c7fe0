/**
 * Pruning of a finished run's checkpoints on PostgreSQL (see ../checkpointer.ts): a finished run keeps its last
 * checkpoint and those a fork starts from. Deletes, in one transaction, the other checkpoints and their pending writes, then the channel values (PostgresSaver's `checkpoint_blobs`, one per channel and
 * version) that no remaining checkpoint of the thread and namespace refers to through its `channel_versions`.
 * Only for finished runs: resuming a paused or running thread may need the writes of its previous checkpoint.
 */
import { CHECKPOINT_SCHEMA } from "./checkpointer.js";
import type { PgDatabase } from "./pg-database.js";

const S = `"${CHECKPOINT_SCHEMA}"`;

/** The thread's latest checkpoint id across its namespaces, in byte order (as SQLite's MAX). */
const LATEST = `(SELECT MAX(checkpoint_id COLLATE "C") FROM ${S}.checkpoints WHERE thread_id = $1)`;

export function createPostgresCheckpointPruner(db: PgDatabase): (threadId: string, keepWhenNext?: readonly string[]) => Promise<number> {
  return (threadId, keepWhenNext = []) => db.transaction(async () => {
    // A checkpoint at which a kept node was about to run: the node's trigger channel has a value there (PostgresSaver
    // stores a channel emptied at a version as type 'empty').
    const pruned = await db.query(`DELETE FROM ${S}.checkpoints c WHERE c.thread_id = $1 AND c.checkpoint_id COLLATE "C" < ${LATEST}
      AND NOT EXISTS (SELECT 1 FROM ${S}.checkpoint_blobs b WHERE b.thread_id = $1 AND b.checkpoint_ns = c.checkpoint_ns
        AND b.channel = ANY($2::text[]) AND b.version = c.checkpoint -> 'channel_versions' ->> b.channel AND b.type <> 'empty')`,
      [threadId, keepWhenNext.map((node) => `branch:to:${node}`)]);
    await db.query(`DELETE FROM ${S}.checkpoint_writes w WHERE w.thread_id = $1 AND NOT EXISTS (SELECT 1 FROM ${S}.checkpoints c
      WHERE c.thread_id = $1 AND c.checkpoint_ns = w.checkpoint_ns AND c.checkpoint_id = w.checkpoint_id)`, [threadId]);
    await db.query(`DELETE FROM ${S}.checkpoint_blobs b WHERE b.thread_id = $1 AND NOT EXISTS (
        SELECT 1 FROM ${S}.checkpoints c WHERE c.thread_id = $1 AND c.checkpoint_ns = b.checkpoint_ns
          AND c.checkpoint -> 'channel_versions' ->> b.channel = b.version)`, [threadId]);
    return pruned.rowCount ?? 0;
  });
}
